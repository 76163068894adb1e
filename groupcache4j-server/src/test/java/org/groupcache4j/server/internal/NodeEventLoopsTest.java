package org.groupcache4j.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.groupcache4j.ring.HashRing;
import org.groupcache4j.ring.RingMode;
import org.groupcache4j.server.internal.cli.ServeCommand;
import org.groupcache4j.server.testing.LocalCluster;
import org.groupcache4j.testing.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node's client API and peer transport run on one set of event loops (unless --peer-threads
 * asks for loops of the transport's own), and a request that misses is still answered from the
 * key's owner.
 */
@Timeout(60)
class NodeEventLoopsTest {
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static NodeConfig config(String self, List<String> peers, Integer peerThreads) {
    List<String> flags = new ArrayList<>(List.of("--origin", "synthetic:100", "--max-value-bytes", "1MiB", "--cache-bytes", "1MiB", "--eviction", "w-tiny-lfu", "--load-timeout", "5s", "--peer-connect-timeout", "1s"));
    if (peerThreads != null) {
      flags.addAll(List.of("--peer-threads", peerThreads.toString()));
    }
    return LocalCluster.config(self, peers, flags.toArray(String[]::new));
  }

  private static Set<String> threadNames() {
    return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).collect(Collectors.toSet());
  }

  private String ask(Node n, String key) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder().timeout(Duration.ofSeconds(30)).uri(URI.create("http://127.0.0.1:"
        + n.apiAddresses().get(0).getPort() + "/api?key=" + key)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
  }

  @Test
  void theApiAndThePeerTransportShareTheNodesEventLoops() throws Exception {
    Set<String> before = threadNames();
    List<String> peers = new ArrayList<>();
    List<Node> nodes = new ArrayList<>();
    try {
      LocalCluster.start(2, "http", (self, all) -> config(self, all, null), peers, nodes);
      Set<String> started = threadNames();
      started.removeAll(before);
      assertThat(started).as("threads the nodes started").anyMatch(t -> t.startsWith("groupcache4j-io"))
          .noneMatch(t -> t.startsWith("groupcache4j-http") || t.startsWith("api"));

      // a key owned by the other node: fetched over the shared loops, loaded once, by its owner
      String key = "k0";
      for (int i = 0; !nodes.get(0).cache().ownerOf(key).equals(peers.get(1)); i++) {
        key = "k" + i;
      }
      assertThat(ask(nodes.get(0), key)).startsWith("value-of-" + key);
      assertThat(ask(nodes.get(1), key)).startsWith("value-of-" + key);
      assertThat(LocalCluster.originLoads(nodes.get(0))).isZero();
      assertThat(LocalCluster.originLoads(nodes.get(1))).isEqualTo(1);
      assertThat(nodes.get(0).cache().group("scores").orElseThrow().stats().peerLoads()).isEqualTo(1);
    } finally {
      nodes.forEach(Node::close);
    }
  }

  /** --ring reaches the node's cache: its ring, its /stats and its answers' fingerprint. */
  @Test
  void theNodesRingHasTheModeOfItsSettings() throws Exception {
    String self = "http://127.0.0.1:" + FreePorts.port();
    String other = "http://127.0.0.1:" + FreePorts.port();
    NodeConfig c = ServeCommand.configOf("--self", self, "--peers", self + "," + other,
        "--ring", "groupcache-go", "--api", "127.0.0.1:0", "--origin", "synthetic:10", "--warm-up", "0");
    try (Node n = Node.start(c)) {
      assertThat(n.cache().ring().mode()).isEqualTo(RingMode.GROUPCACHE_GO);
      assertThat(n.cache().ring().fingerprint()).isEqualTo(HashRing.of(
          RingMode.GROUPCACHE_GO, List.of(self, other)).fingerprint());
      assertThat(n.statsJson()).contains("\"ring\":{\"mode\":\"groupcache-go\"");
    }
  }

  @Test
  void peerThreadsGiveTheTransportLoopsOfItsOwn() throws Exception {
    String self = "http://127.0.0.1:" + FreePorts.port();
    Set<String> before = threadNames();
    try (Node n = Node.start(config(self, List.of(self), 1))) {
      Set<String> started = threadNames();
      started.removeAll(before);
      assertThat(started).anyMatch(t -> t.startsWith("groupcache4j-http")).anyMatch(t -> t.startsWith("api"));
      assertThat(ask(n, "Tom")).startsWith("value-of-Tom");
    }
  }
}
