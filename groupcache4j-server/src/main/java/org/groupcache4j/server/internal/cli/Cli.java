package org.groupcache4j.server.internal.cli;

import java.io.PrintWriter;
import org.groupcache4j.server.Main;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The command line: {@code groupcache4j serve|demo|ring}. Usage errors (a bad flag or value) print
 * one message naming the flag and what it accepts, and exit with code 2; {@code --help} lists every
 * flag with its default.
 */
public final class Cli {
  /** Exit code of a usage error. */
  public static final int USAGE = 2;

  private Cli() {}

  @Command(name = "groupcache4j", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
      subcommands = {ServeCommand.class, DemoCommand.class, RingCommand.class, CommandLine.HelpCommand.class},
      description = {"A distributed, read-through, fill-once cache (the design of Go's groupcache), as a server.",
          "",
          "  groupcache4j demo                  a 3-node cluster on this machine, explained",
          "  groupcache4j serve [FLAGS]         one node, in front of an HTTP service, files or a database",
          "  groupcache4j ring --peers ... KEY  which node owns a key",
          ""})
  static final class Top implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
      throw new CommandLine.ParameterException(spec.commandLine(), "name a command: serve, demo or ring");
    }
  }

  /** The version, from the jar's manifest. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"groupcache4j " + (v == null ? "(development build)" : v)
          + " on Java " + Runtime.version()};
    }
  }

  /** A command line writing to {@code out} and {@code err}. */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Top());
    cl.setOut(out);
    cl.setErr(err);
    cl.setUsageHelpWidth(100);
    cl.setUsageHelpLongOptionsMaxWidth(32);
    cl.setParameterExceptionHandler((ex, args) -> {
      CommandLine c = ex.getCommandLine();
      PrintWriter w = c.getErr();
      String path = commandPath(c);
      w.println("groupcache4j" + (path.isEmpty() ? "" : " " + path) + ": " + ex.getMessage());
      CommandLine.UnmatchedArgumentException.printSuggestions(ex, w);
      w.println("Run 'groupcache4j " + path + (path.isEmpty() ? "" : " ") + "--help' for every flag.");
      w.flush();
      return USAGE;
    });
    return cl;
  }

  /** Runs the command line and returns the exit code. */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    return commandLine(out, err).execute(args);
  }

  private static String commandPath(CommandLine c) {
    String q = c.getCommandSpec().qualifiedName(" ");
    return q.startsWith("groupcache4j") ? q.substring("groupcache4j".length()).trim() : q;
  }
}
