package org.groupcache4j.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.groupcache4j.EvictionPolicy;
import org.groupcache4j.server.internal.origin.Origins;
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
    return new NodeConfig(self, peers, null, "/_groupcache/", 50, List.of(new InetSocketAddress("127.0.0.1", 0)),
        "scores", 1 << 20, EvictionPolicy.W_TINY_LFU, true, Duration.ofSeconds(5), null, Duration.ofSeconds(1),
        null, peerThreads, "synthetic:100", new Origins.Settings(null, null, null, 1, Duration.ofSeconds(1), 1 << 20),
        1, 100, Duration.ofSeconds(30), Duration.ofSeconds(5));
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
    List<String> peers = List.of("http://127.0.0.1:" + FreePorts.port(), "http://127.0.0.1:" + FreePorts.port());
    Set<String> before = threadNames();
    List<Node> nodes = new ArrayList<>();
    try {
      for (String self : peers) {
        nodes.add(Node.start(config(self, peers, null)));
      }
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
      assertThat(nodes.get(0).loader().counts().loads()).isZero();
      assertThat(nodes.get(1).loader().counts().loads()).isEqualTo(1);
      assertThat(nodes.get(0).group().stats().peerLoads()).isEqualTo(1);
    } finally {
      nodes.forEach(Node::close);
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
