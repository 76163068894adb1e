package org.groupcache4j.docs;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.groupcache4j.server.internal.cli.Cli;
import org.groupcache4j.server.internal.cli.ConfigKeys;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The flag reference of docs/server.md, made from the model that {@code groupcache4j COMMAND --help}
 * prints (picocli's), so the two cannot disagree: one Markdown table per command, a row per flag
 * that the help shows, with the help's own text (defaults filled in), the key that sets it in a
 * config file, and an anchor {@code flag-NAME} (or {@code COMMAND-flag-NAME} for the other
 * commands) that other pages link to.
 *
 * <p>When the node's settings come from one table of their own, that table renders this section
 * instead: {@link #markdown} is the one method to replace.
 */
final class FlagReference {
  private FlagReference() {}

  /** The command line model of {@code groupcache4j COMMAND}. */
  static CommandSpec spec(String command) {
    CommandLine cl = Cli.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    return cl.getSubcommands().get(command).getCommandSpec();
  }

  /** What {@code groupcache4j COMMAND --help} prints. */
  static String help(String command) {
    StringWriter out = new StringWriter();
    int code = Cli.execute(new String[] {command, "--help"}, new PrintWriter(out), new PrintWriter(new StringWriter()));
    if (code != 0) {
      throw new IllegalStateException(command + " --help exited with " + code);
    }
    return out.toString();
  }

  /** The Markdown table of {@code groupcache4j COMMAND}'s flags (the generated region {@code COMMAND-flags}). */
  static String markdown(String command) {
    CommandSpec spec = spec(command);
    boolean serve = command.equals("serve");
    StringBuilder s = new StringBuilder();
    s.append(serve ? "| flag | config file | what it does |\n|---|---|---|\n" : "| flag | what it does |\n|---|---|\n");
    for (OptionSpec o : spec.options()) {
      if (o.hidden()) {
        continue;
      }
      String anchor = (serve ? "" : command + "-") + "flag-" + name(o);
      s.append("| <a id=\"").append(anchor).append("\"></a>`").append(label(o)).append("` | ");
      if (serve) {
        s.append(configKey(o)).append(" | ");
      }
      s.append(cell(String.join(" ", o.description()))).append(" |\n");
    }
    return s.toString();
  }

  /** The long names of the flags the help of {@code command} lists. */
  static List<String> longNames(String command) {
    List<String> names = new ArrayList<>();
    for (OptionSpec o : spec(command).options()) {
      if (!o.hidden()) {
        names.add(o.longestName());
      }
    }
    return names;
  }

  /** The flag's name without dashes or {@code [no-]}: {@code self}, {@code hot-store}. */
  private static String name(OptionSpec o) {
    return o.longestName().replaceFirst("^--?", "").replace("[no-]", "");
  }

  /** How a reader writes the flag: {@code --self URL}, {@code -v, --verbose}, {@code --[no-]hot-store}. */
  private static String label(OptionSpec o) {
    StringBuilder s = new StringBuilder();
    for (String n : o.names()) {
      if (s.length() > 0) {
        s.append(", ");
      }
      s.append(o.negatable() && n.startsWith("--") ? "--[no-]" + n.substring(2) : n);
    }
    if (o.arity().max() > 0 && !o.typeInfo().isBoolean()) {
      s.append(' ').append(o.paramLabel());
    }
    return s.toString();
  }

  /** Where a config file sets the flag: {@code self}, {@code peers.file}, {@code groups.NAME.origin}, or none. */
  private static String configKey(OptionSpec o) {
    String flag = name(o);
    if (ConfigKeys.node().contains(flag)) {
      return "`" + flag + "`";
    }
    if (flag.equals("peers")) {
      return "`peers.list`";
    }
    if (flag.startsWith("peers-") && ConfigKeys.peers().contains(flag.substring("peers-".length()))) {
      return "`peers." + flag.substring("peers-".length()) + "`";
    }
    if (ConfigKeys.group().contains(flag)) {
      return "`groups.NAME." + flag + "`";
    }
    return "—";
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
  }
}
