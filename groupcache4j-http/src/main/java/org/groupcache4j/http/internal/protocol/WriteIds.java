package org.groupcache4j.http.internal.protocol;

/**
 * Write ids on the wire. {@link PeerHeaders#WRITE} on a write: its id, 16 hex digits.
 * {@link PeerHeaders#AFTER} on a fetch or peek: the writes its sender applied to the key lately,
 * comma-separated, each its id and how long ago the sender applied it in microseconds
 * ({@code 00c0ffee00c0ffee:1250}). A header that does not parse is ignored (the request is answered
 * as if it named no write): it can only make an answer wait, never change one.
 */
public final class WriteIds {
  private static final long[] NONE = new long[0];
  /** At most this many writes are read from, or written to, one header. */
  static final int MAX = 16;

  private WriteIds() {}

  /** The header line {@code x-groupcache4j-write: id\r\n}, or {@code null} for id 0 (none). */
  public static String writeLine(long id) {
    return id == 0 ? null : PeerHeaders.WRITE + ": " + hex(id) + "\r\n";
  }

  /**
   * The header line {@code x-groupcache4j-after: ...\r\n} for {@code applied} (pairs of id and age
   * in nanoseconds, at most {@link #MAX}), or {@code null} when there are none.
   */
  public static String afterLine(long[] applied) {
    if (applied == null || applied.length < 2) {
      return null;
    }
    StringBuilder b = new StringBuilder(PeerHeaders.AFTER.length() + 4 + applied.length * 14).append(PeerHeaders.AFTER).append(": ");
    for (int i = 0; i + 1 < applied.length && i < 2 * MAX; i += 2) {
      if (i > 0) {
        b.append(',');
      }
      b.append(hex(applied[i])).append(':').append(Math.max(0, applied[i + 1] / 1000));
    }
    return b.append("\r\n").toString();
  }

  /** {@code id} as 16 hex digits. */
  static String hex(long id) {
    String h = Long.toHexString(id);
    return "0".repeat(16 - h.length()) + h;
  }

  /** The id of a {@link PeerHeaders#WRITE} header, or 0 when there is none or it does not parse. */
  public static long parseWrite(String header) {
    if (header == null || header.length() != 16) {
      return 0;
    }
    try {
      return Long.parseUnsignedLong(header, 16);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The writes of an {@link PeerHeaders#AFTER} header as pairs of id and age in nanoseconds; malformed ones are skipped. */
  public static long[] parseAfter(String header) {
    if (header == null || header.isEmpty()) {
      return NONE;
    }
    String[] parts = header.split(",", MAX + 1);
    int n = Math.min(parts.length, MAX);
    long[] out = new long[2 * n];
    int i = 0;
    for (int p = 0; p < n; p++) {
      String s = parts[p].trim();
      int colon = s.indexOf(':');
      if (colon != 16) {
        continue;
      }
      try {
        long id = Long.parseUnsignedLong(s.substring(0, 16), 16);
        long ageMicros = Long.parseLong(s.substring(17));
        if (ageMicros < 0 || ageMicros > Long.MAX_VALUE / 1000) {
          continue;
        }
        out[i++] = id;
        out[i++] = ageMicros * 1000;
      } catch (NumberFormatException e) {
        // skipped
      }
    }
    return i == out.length ? out : java.util.Arrays.copyOf(out, i);
  }
}
