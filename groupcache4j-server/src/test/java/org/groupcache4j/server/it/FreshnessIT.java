package org.groupcache4j.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.groupcache4j.ring.HashRing;
import org.groupcache4j.server.internal.api.StatsJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Values that change, in a cluster of 3 separate JVMs ({@code ./groupcache4j serve}) in front of
 * one directory ({@code --origin dir:}) with {@code --ttl 8s}: each value is first cached at its
 * owner and as hot copies on the two other nodes, then changes in the directory.
 * <ul>
 *   <li>{@code DELETE} at a node that does not own the key: every node serves the new value, with
 *       one origin load in the whole cluster;</li>
 *   <li>{@code PUT}: every node serves the value put, with no origin load;</li>
 *   <li>no write at all: every node serves the old value within the ttl and the new one after it,
 *       with one origin load.</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FreshnessIT {
  private static final String GROUP = "files";
  private Processes processes;
  private Path origin;
  private List<String> peers;
  private int[] api;

  @BeforeAll
  void startCluster() throws Exception {
    processes = new Processes();
    origin = Files.createTempDirectory("groupcache4j-freshness-");
    Processes.Cluster c = processes.startCluster(3, "--group", GROUP, "--origin", "dir:" + origin, "--ttl", "8s");
    peers = c.peers();
    api = c.api();
  }

  @AfterAll
  void stopCluster() throws Exception {
    processes.close();
    try (var files = Files.walk(origin)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  private long loads() throws Exception {
    long n = 0;
    for (int a : api) {
      n += processes.originLoads(a);
    }
    return n;
  }

  private void write(String key, String value) throws Exception {
    Files.writeString(origin.resolve(key), value);
  }

  /** What each node serves for {@code key}. */
  private List<String> everywhere(String key) throws Exception {
    List<String> got = new ArrayList<>();
    for (int a : api) {
      HttpResponse<String> r = processes.ask(a, key);
      got.add(r.statusCode() == 200 ? r.body() : r.statusCode() + " " + r.body());
    }
    return got;
  }

  /** Caches {@code key} at its owner and as a hot copy on the two other nodes (2nd fetch). */
  private void cacheEverywhere(String key, String value) throws Exception {
    write(key, value);
    assertThat(everywhere(key)).containsOnly(value);
    assertThat(everywhere(key)).containsOnly(value);
  }

  private int nonOwner(String key) {
    String owner = HashRing.of(peers).owner(key);
    return (peers.indexOf(owner) + 1) % 3;
  }

  private HttpResponse<String> send(int port, String method, String pathAndQuery, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
        .timeout(Duration.ofSeconds(20));
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return processes.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Order(1)
  void deleteAtANonOwnerMakesEveryNodeServeTheNewValueWithOneReload() throws Exception {
    String key = "score-tom";
    cacheEverywhere(key, "630");
    write(key, "631");
    long before = loads();
    HttpResponse<String> r = send(api[nonOwner(key)], "DELETE", "/api?key=" + key, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Map<String, Object> doc = StatsJson.parse(r.body());
    assertThat(doc.get("notTold")).as(r.body()).isEqualTo(Map.of());
    assertThat(everywhere(key)).containsOnly("631");
    assertThat(everywhere(key)).containsOnly("631");
    assertThat(loads() - before).as("origin loads in the cluster after the DELETE").isEqualTo(1);
  }

  @Test
  @Order(2)
  void putMakesEveryNodeServeTheValuePutWithNoOriginLoad() throws Exception {
    String key = "score-jack";
    cacheEverywhere(key, "589");
    long before = loads();
    HttpResponse<String> r = send(api[nonOwner(key)], "PUT", "/api/" + GROUP + "/" + key, "600");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(everywhere(key)).containsOnly("600");
    assertThat(everywhere(key)).containsOnly("600");
    assertThat(loads() - before).as("origin loads after the PUT").isZero();
  }

  @Test
  @Order(3)
  void withoutAWriteTheOldValueIsServedWithinTheTtlAndTheNewOneAfterItWithOneReload() throws Exception {
    // Every node is read within the ttl of the first caching; a round that took longer (a very slow
    // machine) is tried again on another key, and three such rounds fail the test: never skipped.
    String key = null;
    List<String> within = null;
    long before = 0;
    for (int round = 1; key == null; round++) {
      String k = "score-sam-" + round;
      long start = System.nanoTime();
      cacheEverywhere(k, "567");
      write(k, "570");
      long loadsBefore = loads();
      List<String> got = everywhere(k);
      if (System.nanoTime() - start < Duration.ofSeconds(7).toNanos()) {
        key = k;
        within = got;
        before = loadsBefore;
      } else {
        assertThat(round).as("rounds of reads that took longer than 7 s of the 8 s ttl").isLessThan(3);
      }
    }
    assertThat(within).as("within the ttl").containsOnly("567");
    String k = key;
    await("the new value on every node").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
        .until(() -> everywhere(k).stream().allMatch("570"::equals));
    assertThat(loads() - before).as("origin loads after the ttl").isEqualTo(1);
  }

  @Test
  @Order(4)
  void badWritesAreRefusedWithAReason() throws Exception {
    HttpResponse<String> r = send(api[0], "PUT", "/api/" + GROUP + "/k?ttl=soon", "v");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("ttl");
    r = send(api[0], "DELETE", "/api/nosuch/k", null);
    assertThat(r.statusCode()).isEqualTo(404);
    r = send(api[0], "POST", "/api/" + GROUP + "/_remove", "not json");
    assertThat(r.statusCode()).isEqualTo(400);
  }
}
