package org.groupcache4j.server.internal.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.groupcache4j.server.internal.demo.Demo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code groupcache4j demo}: the three-node example cluster, started and explained. */
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

  @Option(names = "--peer-ports", paramLabel = "P1,P2,P3",
      description = "The nodes' peer ports. Default: 8001,8002,8003.")
  String peerPorts;

  @Option(names = "--api-ports", paramLabel = "P1,P2,P3",
      description = "The nodes' client API ports (requests go to the third). Default: 9001,9002,9999.")
  String apiPorts;

  @Override
  public Integer call() throws Exception {
    List<Integer> peer = ports("--peer-ports", peerPorts, Demo.DEFAULT_PEER_PORTS);
    List<Integer> api = ports("--api-ports", apiPorts, Demo.DEFAULT_API_PORTS);
    if (peer.stream().anyMatch(api::contains)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--peer-ports " + peer + " and --api-ports " + api + " share a port; use 6 different ports");
    }
    return new Demo(spec.commandLine().getOut(), spec.commandLine().getErr(), verbose, peer, api).run(exit);
  }

  private List<Integer> ports(String flag, String text, List<Integer> dflt) {
    if (text == null) {
      return dflt;
    }
    try {
      List<Integer> ports = java.util.Arrays.stream(text.split(",", -1)).map(String::strip).map(Integer::valueOf).toList();
      if (ports.size() != 3 || ports.stream().anyMatch(p -> p < 1 || p > 65535)
          || ports.stream().distinct().count() != 3) {
        throw new NumberFormatException();
      }
      return ports;
    } catch (NumberFormatException e) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "Invalid value for option '" + flag + "': '" + text + "': use 3 different ports 1..65535, e.g. "
              + dflt.get(0) + "," + dflt.get(1) + "," + dflt.get(2));
    }
  }
}
