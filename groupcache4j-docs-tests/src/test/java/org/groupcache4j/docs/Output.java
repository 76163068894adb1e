package org.groupcache4j.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Compares what a block printed with the output a page shows for it ({@code <!-- output -->}).
 * Both are compared line by line after trailing blanks are dropped and every run of spaces and
 * tabs is read as one space; blank lines are ignored. In the expected text, {@code …} stands for
 * any text within a line, and a line that is only {@code …} for any number of lines. Everything
 * else must match: a line printed but not shown is a difference, so a page cannot fall behind
 * what the code prints.
 */
final class Output {
  private Output() {}

  /** Null if {@code actual} matches {@code expected}, else a description of the first difference. */
  static String mismatch(String expected, String actual) {
    List<String> want = normalize(expected);
    List<String> got = normalize(actual);
    if (matches(want, 0, got, 0)) {
      return null;
    }
    // Report the first expected line that no printed line matches, in order.
    int g = 0;
    for (int w = 0; w < want.size(); w++) {
      if (want.get(w).equals("…")) {
        continue;
      }
      Pattern p = pattern(want.get(w));
      int found = -1;
      for (int k = g; k < got.size(); k++) {
        if (p.matcher(got.get(k)).matches()) {
          found = k;
          break;
        }
      }
      if (found < 0) {
        return "expected line " + (w + 1) + " «" + want.get(w) + "» was not printed (in order); printed:\n" + String.join("\n", got);
      }
      if (found > g && (w == 0 || !want.get(w - 1).equals("…"))) {
        return "printed «" + got.get(g) + "» where the page shows «" + want.get(w) + "»; printed:\n" + String.join("\n", got);
      }
      g = found + 1;
    }
    return "printed more than the page shows, from «" + (g < got.size() ? got.get(g) : "") + "»; printed:\n"
        + String.join("\n", got);
  }

  private static boolean matches(List<String> want, int w, List<String> got, int g) {
    if (w == want.size()) {
      return g == got.size();
    }
    if (want.get(w).equals("…")) {
      for (int k = g; k <= got.size(); k++) {
        if (matches(want, w + 1, got, k)) {
          return true;
        }
      }
      return false;
    }
    return g < got.size() && pattern(want.get(w)).matcher(got.get(g)).matches() && matches(want, w + 1, got, g + 1);
  }

  private static Pattern pattern(String line) {
    List<String> parts = new ArrayList<>();
    for (String part : line.split("…", -1)) {
      parts.add(Pattern.quote(part));
    }
    return Pattern.compile(String.join(".*", parts));
  }

  private static List<String> normalize(String text) {
    List<String> lines = new ArrayList<>();
    for (String l : text.split("\\R")) {
      String n = l.replaceAll("[ \\t]+", " ").strip();
      if (!n.isEmpty()) {
        lines.add(n);
      }
    }
    return lines;
  }
}
