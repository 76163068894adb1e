package org.groupcache4j.bench.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/** Runs a picocli command: bad input and I/O errors print one line and exit 1, bugs print a stack trace. */
public final class Cli {
  private Cli() {}

  public static int run(Object command, String[] args) {
    CommandLine cl = new CommandLine(command);
    cl.setExecutionExceptionHandler((ex, line, parseResult) -> {
      if (ex instanceof IOException || ex instanceof UncheckedIOException || ex instanceof IllegalArgumentException) {
        line.getErr().println(line.getCommandName() + ": " + ex.getMessage());
        return 1;
      }
      throw ex;
    });
    return cl.execute(args);
  }
}
