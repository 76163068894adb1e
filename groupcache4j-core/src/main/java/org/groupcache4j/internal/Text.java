package org.groupcache4j.internal;

/**
 * Turns text from outside (keys, group names, request targets, error messages, bodies) into
 * something safe to put in a one-line message or log line.
 */
public final class Text {
  /** How many characters of a key {@link #quotable} keeps. */
  public static final int MAX_QUOTED = 200;

  private Text() {}

  /**
   * {@code s} as it may stand between quotes in a message: control characters escaped as
   * {@code \\uXXXX} (an apostrophe stays readable: {@code key 'O'Brien'}), cut after
   * {@value #MAX_QUOTED} characters (saying how long it was); {@code "null"} for null.
   */
  public static String quotable(String s) {
    if (s == null) {
      return "null";
    }
    int n = s.length();
    int i = 0;
    while (i < n && i < MAX_QUOTED && !needsEscape(s.charAt(i))) {
      i++;
    }
    if (i == n) {
      return s; // the common case: nothing to change
    }
    StringBuilder sb = new StringBuilder(Math.min(n, MAX_QUOTED) + 16).append(s, 0, i);
    for (; i < n && i < MAX_QUOTED; i++) {
      char c = s.charAt(i);
      if (needsEscape(c)) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (n > MAX_QUOTED) {
      sb.append("…(").append(n).append(" chars)");
    }
    return sb.toString();
  }

  private static boolean needsEscape(char c) {
    return c < 0x20 || c == 0x7f;
  }

  /**
   * {@code s} on one line: each run of control characters (line breaks, tabs) becomes one space,
   * the ends are trimmed, and text beyond {@code max} characters is cut off with {@code …};
   * {@code ""} for null.
   */
  public static String oneLine(String s, int max) {
    if (s == null) {
      return "";
    }
    int n = s.length();
    boolean clean = n <= max;
    for (int i = 0; i < n && clean; i++) {
      char c = s.charAt(i);
      clean = c >= 0x20 && c != 0x7f;
    }
    if (clean) {
      return s;
    }
    StringBuilder sb = new StringBuilder(Math.min(n, max) + 1);
    boolean gap = false;
    int i = 0;
    for (; i < n && sb.length() < max; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        gap = sb.length() > 0;
      } else {
        if (gap) {
          sb.append(' ');
          gap = false;
        }
        sb.append(c);
      }
    }
    String line = sb.toString().strip();
    return i < n ? line + "…" : line;
  }
}
