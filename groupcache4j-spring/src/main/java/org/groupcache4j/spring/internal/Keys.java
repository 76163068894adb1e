package org.groupcache4j.spring.internal;

/** Keys in messages: control characters escaped, long keys cut. */
public final class Keys {
  private Keys() {}

  /** {@code s} fit to stand between quotes in a one-line message. */
  public static String quote(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder(Math.min(s.length(), 200) + 16);
    for (int i = 0; i < s.length() && i < 200; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (s.length() > 200) {
      sb.append("…(").append(s.length()).append(" chars)");
    }
    return sb.toString();
  }
}
