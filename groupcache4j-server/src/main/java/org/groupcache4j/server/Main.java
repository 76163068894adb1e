package org.groupcache4j.server;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.groupcache4j.server.internal.cli.Cli;

/**
 * The {@code groupcache4j} command: {@code serve} (one node), {@code demo} (a 3-node cluster on
 * this machine, explained), {@code ring} (which node owns a key). Run {@code --help} for the flags.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // Always UTF-8: keys may be any text, and JDK 17 in a C locale would print them as '?'.
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    int code = Cli.execute(args, out, err);
    out.flush();
    err.flush();
    System.exit(code);
  }
}
