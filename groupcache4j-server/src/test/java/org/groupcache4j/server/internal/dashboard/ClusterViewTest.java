package org.groupcache4j.server.internal.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.jr.ob.JSON;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.groupcache4j.GroupCache;
import org.groupcache4j.http.HttpPeerTransport;
import org.groupcache4j.testing.FreePorts;
import org.groupcache4j.testing.InMemoryNetwork;
import org.groupcache4j.testing.RefusingPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the dashboard can know of peers that are not groupcache4j nodes, or do not answer. */
class ClusterViewTest {
  private HttpServer goLike;
  private ServerSocket silent;
  private RefusingPort deadPort;
  private GroupCache cache;
  private HttpPeerTransport asker;

  @AfterEach
  void stop() throws Exception {
    if (goLike != null) {
      goLike.stop(0);
    }
    if (silent != null) {
      silent.close();
    }
    if (deadPort != null) {
      deadPort.close();
    }
    if (cache != null) {
      cache.close();
    }
    if (asker != null) {
      asker.close();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void aGolangPeerIsReachableADeadOneAndAFrozenOneAreDown() throws Exception {
    // golang/groupcache's HTTPPool answers 400 "bad request" to a path without group/key.
    goLike = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    goLike.createContext("/", ex -> {
      byte[] body = "bad request\n".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(400, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    goLike.start();
    silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()); // accepts connections, never answers
    deadPort = FreePorts.refusing(); // nothing listens there, nor can
    String self = "http://127.0.0.1:1";
    String go = "http://127.0.0.1:" + goLike.getAddress().getPort();
    String frozen = "http://127.0.0.1:" + silent.getLocalPort();
    String dead = deadPort.url("http");
    // The node's own failure detector, on a network of its own, judges "dead" down: its probes hang.
    InMemoryNetwork network = new InMemoryNetwork();
    network.freeze(dead);
    cache = GroupCache.builder().self(self).transport(network.transport()).peerProbeTimeout(Duration.ofMillis(200)).build();
    cache.setPeers(self, go, frozen, dead);
    await().atMost(Duration.ofSeconds(20)).until(() -> cache.peerState(dead).filter(s -> !s.isUp()).isPresent());
    asker = HttpPeerTransport.builder().build(); // not listening: it only asks
    ClusterView view = new ClusterView(cache, asker, () -> "{\"self\":\"" + self + "\",\"groups\":{}}",
        Duration.ofSeconds(2));

    String json = view.json().get(10, TimeUnit.SECONDS);
    assertThat(view.json().get(10, TimeUnit.SECONDS)).as("one gathering serves requests within its age").isSameAs(json);
    List<Map<String, Object>> nodes = (List<Map<String, Object>>) JSON.std.mapFrom(json).get("nodes");
    assertThat(nodes).extracting(n -> n.get("url")).containsExactly(self, go, frozen, dead);
    assertThat(nodes.get(0)).containsEntry("state", "up").containsEntry("self", true).containsKey("stats")
        .doesNotContainKey("judgedDown");
    assertThat(nodes.get(1)).containsEntry("state", "reachable").doesNotContainKey("stats");
    assertThat((String) nodes.get(1).get("error")).contains("HTTP 400");
    assertThat(nodes.get(2)).containsEntry("state", "down").containsEntry("error", "no answer within 2000 ms");
    assertThat(nodes.get(3)).containsEntry("state", "down").containsEntry("judgedDown", true);
    assertThat((String) nodes.get(3).get("error")).startsWith("cannot connect");
    double shares = nodes.stream().mapToDouble(n -> ((Number) n.get("share")).doubleValue()).sum();
    assertThat(shares).isBetween(0.999999, 1.000001);

    assertThat(JSON.std.mapFrom(view.owner("Tom"))).containsEntry("owner", cache.ownerOf("Tom")).containsEntry("key", "Tom");
  }
}
