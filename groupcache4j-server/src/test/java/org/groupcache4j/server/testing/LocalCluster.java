package org.groupcache4j.server.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.groupcache4j.server.internal.Node;
import org.groupcache4j.server.internal.NodeConfig;
import org.groupcache4j.server.internal.api.StatsJson;
import org.groupcache4j.server.internal.cli.ServeCommand;
import org.groupcache4j.testing.ClusterFormation;
import org.groupcache4j.testing.FreePorts;

/**
 * Nodes in this JVM on real sockets, started as one cluster that has formed. Each node's URL names
 * its peer port, so the ports are picked before the nodes bind them ({@link FreePorts}): if
 * another process takes one in between, the cluster is started again on other ports.
 */
public final class LocalCluster {
  /**
   * How long the nodes may take to hear from each other once started: a first TLS handshake on a
   * loaded machine takes seconds.
   */
  public static final Duration FORMED_WITHIN = Duration.ofSeconds(30);

  /** The configuration of the node whose URL is {@code self} in a cluster of {@code peers}. */
  @FunctionalInterface
  public interface Configs {
    NodeConfig of(String self, List<String> peers) throws Exception;
  }

  private LocalCluster() {
  }

  /**
   * The configuration {@code serve --self self --peers peers --api 127.0.0.1:0 --api-threads 1 flags...}
   * starts (its client API on a port of its own choosing, {@link Node#apiAddresses}), without a
   * warm-up unless {@code flags} ask for one: nodes start as tests need them, fast.
   */
  public static NodeConfig config(String self, List<String> peers, String... flags) {
    List<String> args = new ArrayList<>(List.of("--self", self, "--peers", String.join(",", peers),
        "--api", "127.0.0.1:0", "--api-threads", "1"));
    args.addAll(List.of(flags));
    if (!args.contains("--warm-up")) {
      args.addAll(List.of("--warm-up", "0"));
    }
    return ServeCommand.configOf(args.toArray(String[]::new));
  }

  /** The node's origin loads so far (all its groups), as its {@code /stats} document counts them. */
  public static long originLoads(Node node) throws IOException {
    return StatsJson.originLoads(StatsJson.parse(node.statsJson()));
  }

  /**
   * Starts {@code size} nodes whose URLs are {@code scheme://127.0.0.1:port}; fills {@code peers}
   * with their URLs and {@code nodes} with the nodes, in the same order; then waits until every
   * node has heard each peer answer a probe and judges it up ({@link ClusterFormation}), so that
   * a first probe left unanswered on a loaded machine (which judges its peer down until it
   * answers again) cannot change who loads what in a test.
   */
  public static void start(int size, String scheme, Configs configs, List<String> peers, List<Node> nodes) throws Exception {
    List<Node> started = FreePorts.startOnFreePorts(size, ports -> {
      peers.clear();
      for (int port : ports) {
        peers.add(scheme + "://127.0.0.1:" + port);
      }
      List<Node> these = new ArrayList<>();
      try {
        for (String self : peers) {
          these.add(Node.start(configs.of(self, List.copyOf(peers))));
        }
        return these;
      } catch (Exception e) { // a port taken meanwhile: Node.start says "cannot listen for peers: address already in use"
        these.forEach(Node::close);
        throw e;
      }
    });
    nodes.addAll(started);
    ClusterFormation.awaitFormed(started.stream().map(Node::cache).toList(), FORMED_WITHIN);
  }
}
