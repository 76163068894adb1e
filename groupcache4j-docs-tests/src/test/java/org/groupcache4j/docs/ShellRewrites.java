package org.groupcache4j.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the shell test changes in a bash block before it runs it, and nothing else; each change
 * keeps what the command does and only adapts it to a test that must end and must not collide
 * with other nodes:
 *
 * <ul>
 *   <li>{@code ./groupcache4j demo} without {@code --exit} gets it (it otherwise runs until
 *       Ctrl-C), and without {@code --peer-ports}/{@code --api-ports} gets its default ports
 *       written out (8001,8002,8003 and 9001,9002,9999), which {@link Ports} then replaces.</li>
 *   <li>{@code ./groupcache4j serve} without {@code --self} or {@code --config} gets the default
 *       {@code --self http://127.0.0.1:8001} written out, for the same reason.</li>
 *   <li>A node started in the foreground ({@code serve} that is not {@code --check}, {@code --help}
 *       or {@code --version}) runs in the background with its output in a log file, as a reader
 *       runs it in a terminal of its own; the test waits until it answers (see
 *       {@link ShellSession}). It must be the last command of its block.</li>
 *   <li>A command the block sends to the background ({@code ... &}) gets its output in a log file
 *       of its own, unless it redirects it itself.</li>
 * </ul>
 */
final class ShellRewrites {
  private static final Pattern GROUPCACHE4J = Pattern.compile(
      "^(\\s*(?:[A-Za-z_][A-Za-z0-9_]*=\\S*\\s+)*)(\\./groupcache4j|groupcache4j)\\s+(serve|demo|ring|help)\\b(.*)$",
      Pattern.DOTALL);
  private static final Pattern NOT_A_SERVER = Pattern.compile("(^|\\s)(--check|--help|-h|--version|-V)(\\s|$)");

  private ShellRewrites() {}

  /** A block after {@link #commands}: its text, and whether its last command starts a node in the foreground. */
  record Commands(String text, boolean foregroundServer, List<String> problems) {}

  /** The logical lines of {@code text}: physical lines joined where one ends with {@code \}. */
  static List<String> logicalLines(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      out.add(current.toString());
      current.setLength(0);
    }
    if (current.length() > 0) {
      out.add(current.toString());
    }
    while (!out.isEmpty() && out.get(out.size() - 1).isBlank()) {
      out.remove(out.size() - 1);
    }
    return out;
  }

  /**
   * The first rewrites: the demo's and serve's defaults written out, before ports are replaced.
   * A block expected to fail ({@code <!-- exit: N -->}, {@code expectsFailure}) starts no node.
   */
  static Commands commands(String text, boolean expectsFailure) {
    List<String> lines = logicalLines(text);
    List<String> problems = new ArrayList<>();
    boolean foreground = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher m = GROUPCACHE4J.matcher(line);
      if (!m.matches()) {
        continue;
      }
      String command = m.group(3);
      String rest = m.group(4);
      String comment = "";
      int hash = rest.indexOf(" #");
      if (hash >= 0) {
        comment = rest.substring(hash);
        rest = rest.substring(0, hash);
      }
      boolean background = rest.strip().endsWith("&");
      if (background) {
        rest = rest.substring(0, rest.lastIndexOf('&'));
      }
      if (command.equals("demo") && !NOT_A_SERVER.matcher(rest).find()) {
        if (!rest.contains("--exit")) {
          rest = rest.stripTrailing() + " --exit";
        }
        if (!rest.contains("--peer-ports")) {
          rest = rest.stripTrailing() + " --peer-ports 8001,8002,8003";
        }
        if (!rest.contains("--api-ports")) {
          rest = rest.stripTrailing() + " --api-ports 9001,9002,9999";
        }
      }
      if (command.equals("serve") && !NOT_A_SERVER.matcher(rest).find()) {
        if (!rest.contains("--self") && !rest.contains("--config")) {
          rest = rest.stripTrailing() + " --self http://127.0.0.1:8001";
        }
        if (!background && !expectsFailure) {
          if (i != lines.size() - 1) {
            problems.add("a node started in the foreground must be the last command of its block (a reader's "
                + "terminal is busy with it): " + line.strip());
          }
          foreground = true;
        }
      }
      lines.set(i, m.group(1) + m.group(2) + " " + command + rest.stripTrailing() + (background ? " &" : "") + comment);
    }
    return new Commands(String.join("\n", lines) + "\n", foreground, problems);
  }

  /**
   * The last rewrites, after ports: background commands' output into {@code DOCS/bg-N.log} (their
   * pids appended to {@code DOCS/bg.pids}), and the foreground node in the background, its output
   * in {@code DOCS/server-N.log} and its pid in {@code DOCS/server-N.pid}, where DOCS is the
   * session's own directory {@code docs} (absolute and quoted: a block may change directories).
   */
  static String processes(String text, boolean foregroundServer, int serverId, int[] backgroundIds, String docs) {
    List<String> lines = logicalLines(text);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String code = line.replaceAll("\\s+#[^'\"]*$", "");
      if (foregroundServer && i == lines.size() - 1) {
        lines.set(i, code + " > " + docs + "/server-" + serverId + ".log 2>&1 < /dev/null & echo $! > " + docs
            + "/server-" + serverId + ".pid");
      } else if (code.strip().endsWith("&") && !code.strip().endsWith("&&")) {
        String cmd = code.substring(0, code.lastIndexOf('&')).stripTrailing();
        int id = ++backgroundIds[0];
        String redirect = cmd.contains(">") ? "" : " > " + docs + "/bg-" + id + ".log 2>&1 < /dev/null";
        lines.set(i, cmd + redirect + " & echo $! >> " + docs + "/bg.pids");
      }
    }
    return String.join("\n", lines) + "\n";
  }
}
