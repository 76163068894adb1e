package org.groupcache4j.docs;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.groupcache4j.server.internal.cli.Cli;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The flag references of docs/server.md, each made from the one source its command's
 * {@code --help} is made from: {@code serve}'s from the server's table of settings (the same
 * Markdown the server renders, {@link org.groupcache4j.server.internal.settings.FlagReference}),
 * {@code demo}'s and {@code ring}'s from their picocli options, in the same columns but the config
 * file's, which they do not read.
 */
final class FlagReference {
  private FlagReference() {}

  /** The Markdown table of {@code groupcache4j COMMAND}'s flags (the generated region {@code COMMAND-flags}). */
  static String markdown(String command) {
    if (command.equals("serve")) {
      return org.groupcache4j.server.internal.settings.FlagReference.markdown();
    }
    StringBuilder s = new StringBuilder("| Flag | Default | What it does |\n|---|---|---|\n");
    for (OptionSpec o : spec(command).options()) {
      if (o.hidden() || o.usageHelp() || o.versionHelp()) {
        continue;
      }
      String help = String.join(" ", o.description());
      String defaultText = "";
      int at = help.lastIndexOf(" Default: ");
      if (at >= 0) {
        defaultText = "`" + help.substring(at + " Default: ".length()).replaceAll("\\.$", "") + "`";
        help = help.substring(0, at);
      }
      s.append("| `").append(label(o)).append("` | ").append(defaultText).append(" | ")
          .append(help.replace("|", "\\|")).append(" |\n");
    }
    return s.toString();
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

  private static CommandSpec spec(String command) {
    CommandLine cl = Cli.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    return cl.getSubcommands().get(command).getCommandSpec();
  }

  /** How a reader writes the flag: {@code --peers URL,URL,...}, {@code -v, --verbose}. */
  private static String label(OptionSpec o) {
    StringBuilder s = new StringBuilder(String.join(", ", o.names()));
    if (o.arity().max() > 0 && !o.typeInfo().isBoolean()) {
      s.append(' ').append(o.paramLabel());
    }
    return s.toString();
  }
}
