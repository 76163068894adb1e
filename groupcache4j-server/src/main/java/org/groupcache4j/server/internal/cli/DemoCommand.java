package org.groupcache4j.server.internal.cli;

import java.util.concurrent.Callable;
import org.groupcache4j.server.internal.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code groupcache4j demo}: the seed tutorial's 3-node cluster, started and explained. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs a 3-node cluster on this machine and explains what it does.",
        "",
        "Starts 3 node processes on 127.0.0.1 (peers :8001-8003; client APIs :9001, :9002, and :9999 on",
        "node 3), each reading the demo database; sends 3 concurrent requests for Tom to node 3, then",
        "more keys; prints who owned and who loaded each key and how many origin loads the cluster made.",
        "Then keeps the cluster running until Ctrl-C (or stops at once with --exit).",
        ""})
public final class DemoCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--exit", description = "Stop the nodes and exit after the account (for scripts and tests).")
  boolean exit;

  @Option(names = {"-v", "--verbose"}, description = "Nodes log every origin call (in their log files).")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    return new Demo(spec.commandLine().getOut(), spec.commandLine().getErr(), verbose).run(exit);
  }
}
