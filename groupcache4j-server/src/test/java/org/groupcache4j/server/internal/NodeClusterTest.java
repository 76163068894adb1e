package org.groupcache4j.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.groupcache4j.ring.HashRing;
import org.groupcache4j.server.internal.api.StatsJson;
import org.groupcache4j.server.testing.LocalCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three nodes in this JVM, on real sockets with the HTTP peer transport, in front of one HTTP
 * origin: an origin's answer (value, 404, 500, timeout) reaches the client as the same status
 * at every node, and each key is loaded once, by its owner.
 */
@Timeout(120)
class NodeClusterTest {
  private HttpServer origin;
  private final AtomicInteger originCalls = new AtomicInteger();
  private final CountDownLatch releaseSlow = new CountDownLatch(1);
  private final List<Node> nodes = new ArrayList<>();
  private final List<String> peers = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() throws Exception {
    origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    origin.setExecutor(Executors.newCachedThreadPool());
    origin.createContext("/", ex -> {
      originCalls.incrementAndGet();
      String key = ex.getRequestURI().getPath().substring(1);
      int status = 200;
      byte[] body = ("origin:" + key).getBytes(StandardCharsets.UTF_8);
      if (key.startsWith("missing")) {
        status = 404;
      } else if (key.startsWith("broken")) {
        status = 500;
        body = "db down".getBytes(StandardCharsets.UTF_8);
      } else if (key.startsWith("slow")) {
        try {
          releaseSlow.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      ex.sendResponseHeaders(status, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    origin.start();
    String spec = "http://127.0.0.1:" + origin.getAddress().getPort() + "/{key}";
    LocalCluster.start(3, "http", (self, all) -> LocalCluster.config(self, all, "--origin", spec, "--origin-timeout", "2s",
        "--max-value-bytes", "1MiB", "--cache-bytes", "1MiB", "--eviction", "w-tiny-lfu", "--load-timeout", "5s", "--peer-connect-timeout", "1s", "--peer-threads", "1"), peers, nodes);
  }

  @AfterEach
  void stop() {
    releaseSlow.countDown();
    nodes.forEach(Node::close);
    origin.stop(0);
  }

  private HttpResponse<String> ask(int node, String key) throws Exception {
    int port = nodes.get(node).apiAddresses().get(0).getPort();
    try {
      return http.send(HttpRequest.newBuilder().timeout(Duration.ofSeconds(30)).uri(URI.create("http://127.0.0.1:" + port + "/api?key="
          + URLEncoder.encode(key, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new AssertionError("no answer within 30 s from node " + node + " for " + key + "; " + diagnostics(), e);
    }
  }

  /** What each node and each thread was doing, for a request that got no answer. */
  private String diagnostics() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < nodes.size(); i++) {
      sb.append("\nnode ").append(i).append(" stats: ").append(nodes.get(i).statsJson());
    }
    Thread.getAllStackTraces().forEach((t, frames) -> {
      sb.append("\nthread ").append(t.getName()).append(' ').append(t.getState());
      for (int f = 0; f < Math.min(frames.length, 12); f++) {
        sb.append("\n    at ").append(frames[f]);
      }
    });
    return sb.toString();
  }

  private long[] loads() throws IOException {
    long[] n = new long[3];
    for (int i = 0; i < 3; i++) {
      n[i] = LocalCluster.originLoads(nodes.get(i));
    }
    return n;
  }

  @Test
  void eachKeyIsLoadedOnceByItsOwnerWhicheverNodeIsAsked() throws Exception {
    HashRing ring = HashRing.of(peers);
    for (int k = 0; k < 30; k++) {
      String key = "key" + k;
      long[] before = loads();
      for (int n = 0; n < 3; n++) {
        HttpResponse<String> r = ask((k + n) % 3, key);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("origin:" + key);
      }
      long[] after = loads();
      int owner = peers.indexOf(ring.owner(key));
      for (int n = 0; n < 3; n++) {
        assertThat(after[n] - before[n]).as("loads of %s at node %d (owner %d)", key, n, owner).isEqualTo(n == owner ? 1 : 0);
      }
    }
    assertThat(originCalls.get()).isEqualTo(30);
    Map<String, Object> stats = StatsJson.parse(nodes.get(0).statsJson());
    assertThat(StatsJson.originLoads(stats)).isEqualTo(loads()[0]);
    assertThat(stats.get("peers")).isEqualTo(peers);
  }

  /** The empty key is a key like any other: {@code ?key=} and {@code /api/scores/} ask it; no key at all is a 400. */
  @Test
  void theEmptyKeyHasAWayIn() throws Exception {
    int port = nodes.get(0).apiAddresses().get(0).getPort();
    for (String path : List.of("/api?key=", "/api/scores/", "/api?key")) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as("%s: %s", path, r.body()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("origin:");
    }
    assertThat(originCalls.get()).as("loaded once, by its owner").isEqualTo(1);
    HttpResponse<String> none = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api"))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(none.statusCode()).isEqualTo(400);
    assertThat(none.body()).contains("missing key").contains("key=");
  }

  /**
   * A failed load reads the same at the owner and at any other node, which adds only who
   * reported it; a key with an apostrophe is shown as it is.
   */
  @Test
  void aFailureReadsTheSameAtTheOwnerAndElsewhere() throws Exception {
    HashRing ring = HashRing.of(peers);
    String key = "broken-it's";
    int owner = peers.indexOf(ring.owner(key));
    String atOwner = ask(owner, key).body().strip();
    assertThat(atOwner).startsWith("origin failed for group 'scores', key 'broken-it's': ")
        .contains("HTTP 500").contains("db down").doesNotContain("\\u0027").doesNotContain("Exception");
    for (int n = 0; n < 3; n++) {
      if (n != owner) {
        HttpResponse<String> r = ask(n, key);
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body().strip()).isEqualTo(atOwner.replace("key 'broken-it's'", "key 'broken-it's' (reported by owner "
            + peers.get(owner) + ")"));
      }
    }
  }

  @Test
  void originAnswersReachClientsOfEveryNodeWithTheSameStatus() throws Exception {
    for (int n = 0; n < 3; n++) {
      assertThat(ask(n, "missing" + n).statusCode()).isEqualTo(404);
      assertThat(ask(n, "missing" + n).body()).contains("not found").contains("404");
      HttpResponse<String> broken = ask(n, "broken" + n);
      assertThat(broken.statusCode()).isEqualTo(502);
      assertThat(broken.body()).contains("HTTP 500").contains("db down");
    }
  }

  @Test
  void anOriginTimeoutIs504AtEveryNodeAndLoadedOnlyByTheOwner() throws Exception {
    HashRing ring = HashRing.of(peers);
    String key = "slow-1";
    int owner = peers.indexOf(ring.owner(key));
    for (int n = 0; n < 3; n++) {
      HttpResponse<String> r = ask(n, key);
      assertThat(r.statusCode()).as("node %d (owner %d): %s", n, owner, r.body()).isEqualTo(504);
      assertThat(r.body()).contains("2000 ms");
    }
    long[] l = loads();
    for (int n = 0; n < 3; n++) {
      assertThat(l[n]).as("origin loads at node %d (owner %d)", n, owner).isEqualTo(n == owner ? 3 : 0);
    }
  }
}
