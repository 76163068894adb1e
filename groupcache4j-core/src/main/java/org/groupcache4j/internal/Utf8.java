package org.groupcache4j.internal;

/** UTF-8 lengths without encoding (keys are weighed on every store write). */
public final class Utf8 {
  private Utf8() {}

  /** Number of bytes {@code s} takes in UTF-8; an unpaired surrogate counts as '?' (1 byte) as String.getBytes does. */
  public static int encodedLength(CharSequence s) {
    int n = s.length();
    int bytes = n;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        continue;
      }
      if (c < 0x800) {
        bytes += 1;
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 2; // 2 chars -> 4 bytes
        i++;
      } else if (Character.isSurrogate(c)) {
        // unpaired surrogate: replaced by '?'
      } else {
        bytes += 2;
      }
    }
    return bytes;
  }
}
