package org.groupcache4j.server.testing;

import static org.awaitility.Awaitility.await;
import static org.groupcache4j.server.testing.TestPorts.freePort;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.groupcache4j.server.internal.Node;
import org.groupcache4j.server.internal.NodeConfig;

/**
 * Nodes in this JVM on real sockets. Each node's URL names its peer port, so the ports are picked
 * before the nodes bind them: if another process takes one in between, the cluster is started
 * again on other ports (up to 5 times).
 */
public final class LocalCluster {
  /** The configuration of the node whose URL is {@code self} in a cluster of {@code peers}. */
  @FunctionalInterface
  public interface Configs {
    NodeConfig of(String self, List<String> peers) throws Exception;
  }

  private LocalCluster() {
  }

  /**
   * Starts {@code size} nodes whose URLs are {@code scheme://127.0.0.1:port}; fills {@code peers}
   * with their URLs and {@code nodes} with the nodes, in the same order.
   */
  public static void start(int size, String scheme, Configs configs, List<String> peers, List<Node> nodes) throws Exception {
    for (int attempt = 1; ; attempt++) {
      peers.clear();
      for (int i = 0; i < size; i++) {
        peers.add(scheme + "://127.0.0.1:" + freePort());
      }
      List<Node> started = new ArrayList<>();
      try {
        for (String self : peers) {
          started.add(Node.start(configs.of(self, List.copyOf(peers))));
        }
        nodes.addAll(started);
        return;
      } catch (IOException e) { // a port was taken: Node.start says "cannot listen for peers"
        started.forEach(Node::close);
        if (attempt == 5) {
          throw e;
        }
      }
    }
  }

  /**
   * Waits (up to 30 s) until every node has had an answer to a probe from each of its peers, so a
   * slow first probe (a first TLS handshake on a loaded machine) cannot change what a test counts.
   */
  public static void awaitPeersAnswer(List<Node> nodes) {
    await("every peer answers probes").atMost(Duration.ofSeconds(30)).until(() -> nodes.stream()
        .allMatch(n -> n.cache().peerStates().stream().allMatch(p -> p.reason().equals("answers probes"))));
  }
}
