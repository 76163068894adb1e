package org.groupcache4j.server.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.groupcache4j.server.internal.Node;
import org.groupcache4j.server.internal.NodeConfig;
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
