package org.groupcache4j.server.internal.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.groupcache4j.node.internal.Values;
import org.groupcache4j.node.settings.NodeSettings;
import org.groupcache4j.ring.HashFunction;
import org.groupcache4j.ring.HashRing;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code groupcache4j ring}: which peer owns each key, by the ring the nodes use. */
@Command(name = "ring", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Prints which peer owns each key.",
        "",
        "One line per key: the key, a tab, and the peer that owns it, computed by the same",
        "consistent-hash ring as the nodes (compatible with golang/groupcache).",
        "Example:",
        "  groupcache4j ring --peers http://10.0.0.1:8001,http://10.0.0.2:8001 Tom Jack",
        ""})
public final class RingCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--peers", paramLabel = "URL,URL,...", required = true,
      description = "Every node's peer URL, in the order the nodes are given them.")
  String peers;

  @Option(names = "--replicas", paramLabel = "N", defaultValue = "" + HashRing.DEFAULT_REPLICAS,
      description = "Hash-ring points per peer, as the nodes' --replicas. Default: ${DEFAULT-VALUE}.")
  int replicas;

  @Parameters(paramLabel = "KEY", arity = "1..*", description = "The keys to look up.")
  List<String> keys;

  @Override
  public Integer call() {
    List<String> peerList;
    try {
      peerList = Values.peerUrls(peers);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--peers': " + e.getMessage());
    }
    try {
      NodeSettings.REPLICAS.parse(String.valueOf(replicas)); // the nodes' check of --replicas
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "Invalid value for option '--replicas': '" + replicas + "': " + e.getMessage());
    }
    HashRing ring = HashRing.of(peerList, replicas, HashFunction.CRC32_IEEE);
    PrintWriter out = spec.commandLine().getOut();
    for (String key : keys) {
      out.println(key + "\t" + ring.owner(key));
    }
    out.flush();
    return 0;
  }
}
