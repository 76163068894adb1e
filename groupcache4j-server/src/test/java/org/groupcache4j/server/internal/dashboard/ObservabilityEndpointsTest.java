package org.groupcache4j.server.internal.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.groupcache4j.micrometer.PrometheusText;
import org.groupcache4j.ring.HashRing;
import org.groupcache4j.server.internal.Node;
import org.groupcache4j.server.testing.LocalCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The observability endpoints of two nodes on real sockets: {@code GET /metrics} (parsed
 * Prometheus text whose numbers follow the test's traffic), {@code GET /cluster} (gathered from
 * the peer's status endpoint, with each node's part in ownership changes: a handoff between the
 * two), {@code GET /owner}, {@code GET /} (the page) and the peer port's status endpoint.
 */
@Timeout(120)
class ObservabilityEndpointsTest {
  private final List<Node> nodes = new ArrayList<>();
  private final List<String> peers = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() throws Exception {
    LocalCluster.start(2, "http", (self, all) -> LocalCluster.config(self, all, "--origin", "synthetic:100",
        "--max-value-bytes", "1MiB", "--cache-bytes", "1MiB", "--eviction", "w-tiny-lfu", "--load-timeout", "5s", "--peer-connect-timeout", "1s", "--peer-threads", "1"), peers, nodes);
    // formed: the counts below (peer loads, peer_up, cluster states) assume every peer answers from the start
  }

  @AfterEach
  void stop() {
    nodes.forEach(Node::close);
  }

  private HttpResponse<String> get(String base, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String api(int node) {
    return "http://127.0.0.1:" + nodes.get(node).apiAddresses().get(0).getPort();
  }

  @Test
  void metricsFollowTheTraffic() throws Exception {
    for (int i = 0; i < 60; i++) {
      assertThat(get(api(0), "/api?key=k" + (i % 15)).statusCode()).isEqualTo(200);
    }
    HttpResponse<String> r = get(api(0), "/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/plain").contains("version=0.0.4");
    PrometheusText m = PrometheusText.parse(r.body());
    String[] g = {"group", "scores"};
    assertThat(m.value("groupcache_gets_total", g)).isGreaterThanOrEqualTo(60);
    assertThat(m.value("groupcache_cache_hits_total", g)).isPositive();
    assertThat(m.value("groupcache_loads_total", g)).isEqualTo(
        m.value("groupcache_gets_total", g) - m.value("groupcache_cache_hits_total", g));
    int mine = 0;
    HashRing ring = HashRing.of(peers);
    for (int k = 0; k < 15; k++) {
      mine += ring.owner("k" + k).equals(peers.get(0)) ? 1 : 0;
    }
    assertThat(m.value("groupcache_local_loads_total", g)).isEqualTo(mine);
    assertThat(m.value("groupcache_load_seconds_count", g)).isEqualTo(mine);
    assertThat(m.value("groupcache_peer_fetch_seconds_count", "peer", peers.get(1))).isEqualTo(
        m.value("groupcache_peer_loads_total", g)).isPositive();
    assertThat(m.value("groupcache_peer_up", "peer", peers.get(1))).isEqualTo(1);
    assertThat(m.value("groupcache_cache_items", "group", "scores", "cache", "main")).isEqualTo(mine);
    assertThat(m.find("jvm_memory_used_bytes")).as("JVM meters").isNotEmpty();
    assertThat(m.find("process_uptime_seconds")).as("process meters").isNotEmpty();

    PrometheusText other = PrometheusText.parse(get(api(1), "/metrics").body());
    assertThat(other.value("groupcache_server_requests_total", g)).isEqualTo(m.value("groupcache_peer_loads_total", g));
  }

  @Test
  void anExpiredValueIsCountedAsAnExpiration() throws Exception {
    String[] g = {"group", "scores"};
    String key = ownedBy(peers.get(0), "ttl");
    assertThat(PrometheusText.parse(get(api(0), "/metrics").body()).value("groupcache_expirations_total", g)).isZero();
    HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(api(0) + "/api/scores/" + key + "?ttl=1ms"))
        .PUT(HttpRequest.BodyPublishers.ofString("short-lived")).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).as(put.body()).isLessThan(300);
    // Get it until the millisecond has passed: the first get after that finds it expired and
    // reloads it from the origin, which gives it no expiry, so exactly one expiration is counted.
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(get(api(0), "/api/scores/" + key).body()).isNotEqualTo("short-lived"));
    assertThat(get(api(0), "/api/scores/" + key).body()).isNotEqualTo("short-lived");
    PrometheusText m = PrometheusText.parse(get(api(0), "/metrics").body());
    assertThat(m.type("groupcache_expirations_total")).isEqualTo("counter");
    assertThat(m.value("groupcache_expirations_total", g)).isEqualTo(1);
    Map<String, Object> stats = JSON.std.mapFrom(get(api(0), "/stats").body());
    @SuppressWarnings("unchecked")
    Map<String, Object> scores = (Map<String, Object>) ((Map<String, Object>) stats.get("groups")).get("scores");
    assertThat(scores.get("expirations")).isEqualTo(1);
  }

  @Test
  @SuppressWarnings("unchecked")
  void clusterCarriesEachNodesPartInAHandoff() throws Exception {
    HashRing ring = HashRing.of(peers);
    int ofNode2 = 0;
    for (int i = 0; i < 40; i++) { // through node 1: node 2 loads and keeps the keys it owns
      assertThat(get(api(0), "/api?key=h" + i).statusCode()).isEqualTo(200);
      ofNode2 += ring.owner("h" + i).equals(peers.get(1)) ? 1 : 0;
    }
    assertThat(ofNode2).as("keys of node 2").isPositive();

    nodes.get(1).shutdown(Duration.ofSeconds(5)); // hands its entries to node 1, the only other node
    Map<String, Object> handoff = (Map<String, Object>) JSON.std.mapFrom(get(api(0), "/stats").body()).get("handoff");
    long received = ((Number) handoff.get("received")).longValue();
    assertThat(received).as("entries node 1 kept from node 2").isPositive();
    assertThat(received + ((Number) handoff.get("receivedDropped")).longValue())
        .as("entries node 2 handed to node 1: every key of its own it held").isEqualTo(ofNode2);

    // The cluster view carries node 1's part as its /stats says, and what node 2 last said.
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      List<Map<String, Object>> ns = (List<Map<String, Object>>) JSON.std.mapFrom(get(api(0), "/cluster").body())
          .get("nodes");
      assertThat(ns.get(1)).containsEntry("state", "down").doesNotContainKey("stats");
      Map<String, Object> stats0 = (Map<String, Object>) ns.get(0).get("stats");
      assertThat(stats0.get("handoff")).isEqualTo(handoff);
      assertThat((Map<String, Object>) stats0.get("ownership")).containsEntry("state", "ready")
          .containsEntry("hintsPending", Map.of()).containsKey("catchUps");
      assertThat((Map<String, Object>) ((Map<String, Object>) stats0.get("peerStates")).get(peers.get(1)))
          .as("node 2 as node 1 last heard it").containsEntry("ownership", "draining");
    });
    assertThat(JSON.std.mapFrom(get(api(0), "/stats").body()).get("handoff")).as("nothing received since").isEqualTo(handoff);
  }

  private String ownedBy(String owner, String prefix) {
    HashRing ring = HashRing.of(peers);
    for (int i = 0; ; i++) {
      if (ring.owner(prefix + i).equals(owner)) {
        return prefix + i;
      }
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void clusterOwnerPageAndPeerStatus() throws Exception {
    get(api(1), "/api?key=x");
    HttpResponse<String> r = get(api(0), "/cluster");
    assertThat(r.statusCode()).isEqualTo(200);
    Map<String, Object> doc = JSON.std.mapFrom(r.body());
    assertThat(doc.get("self")).isEqualTo(peers.get(0));
    List<Map<String, Object>> ns = (List<Map<String, Object>>) doc.get("nodes");
    assertThat(ns).extracting(n -> n.get("url")).containsExactlyElementsOf(peers);
    assertThat(ns).allSatisfy(n -> assertThat(n.get("state")).isEqualTo("up"));
    assertThat(ns.stream().mapToDouble(n -> ((Number) n.get("share")).doubleValue()).sum()).isCloseTo(1.0,
        org.assertj.core.api.Assertions.within(1e-6));
    Map<String, Object> stats1 = (Map<String, Object>) ns.get(1).get("stats");
    assertThat(((Map<String, Object>) stats1.get("groups"))).containsKey("scores");
    assertThat(stats1.get("self")).isEqualTo(peers.get(1));

    Map<String, Object> owner = JSON.std.mapFrom(get(api(0), "/owner?key=" + URLEncoder.encode("Tom & Jerry",
        StandardCharsets.UTF_8)).body());
    assertThat(owner.get("key")).isEqualTo("Tom & Jerry");
    assertThat(owner.get("owner")).isEqualTo(HashRing.of(peers).owner("Tom & Jerry"));
    assertThat(get(api(0), "/owner").statusCode()).isEqualTo(400);

    HttpResponse<String> page = get(api(0), "/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type").orElse("")).startsWith("text/html");
    assertThat(page.body()).contains("<title>groupcache4j cluster</title>").doesNotContain("src=\"http", "href=\"http"); // nothing from the internet

    HttpResponse<String> status = get(peers.get(1), "/_groupcache/_stats");
    assertThat(status.statusCode()).isEqualTo(200);
    assertThat(JSON.std.mapFrom(status.body())).containsEntry("self", peers.get(1));
  }
}
