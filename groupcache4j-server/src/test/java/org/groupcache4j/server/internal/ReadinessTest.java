package org.groupcache4j.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.groupcache4j.internal.DaemonThreads;
import org.groupcache4j.server.internal.cli.ServeCommand;
import org.groupcache4j.server.testing.LocalCluster;
import org.groupcache4j.testing.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code /healthz} answers 503 while a node starts and while it drains, 200 only in between. */
@Timeout(60)
class ReadinessTest {
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  private String health(int port) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() + " " + r.body().strip();
    } catch (Exception e) {
      return "no answer";
    }
  }

  @Test
  void unreadyWhileItLooksUpItsPeersThenReady() throws Exception {
    int api = FreePorts.port();
    List<String> seen = new CopyOnWriteArrayList<>();
    // A name server that never answers: the first lookup takes its timeouts (seconds) and fails.
    try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      NodeConfig c = ServeCommand.configOf("--self", "http://127.0.0.1:" + FreePorts.port(), "--api", "127.0.0.1:" + api,
          "--origin", "synthetic:10", "--warm-up", "0", "--peers-dns", "http://cache.gc4j.test:8001",
          "--peers-dns-server", "127.0.0.1:" + silent.getLocalPort());
      CompletableFuture<Node> started = CompletableFuture.supplyAsync(() -> {
        try {
          return Node.start(c);
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      Throwable failure = null;
      try {
        await("/healthz answers").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
          String h = health(api);
          if (!h.equals("no answer")) {
            seen.add(h);
          }
          return h.startsWith("200");
        });
        assertThat(seen.get(0)).startsWith("503 starting: looking up the peers (DNS cache.gc4j.test");
        assertThat(seen).last().isEqualTo("200 ok");
        assertThat(started.get(10, TimeUnit.SECONDS).healthProblem()).as("ready: nothing wrong").isNull();
      } catch (Throwable t) {
        failure = t;
        throw t;
      } finally {
        try {
          started.get(20, TimeUnit.SECONDS).close();
        } catch (Exception e) { // reported, but not instead of the test's own failure
          if (failure == null) {
            throw e;
          }
          failure.addSuppressed(e);
        }
      }
    }
  }

  @Test
  void unreadyFromTheStartOfADrainWhileTheRequestInFlightIsAnswered() throws Exception {
    int api = FreePorts.port();
    // The load takes 10 s, so the request is surely still in flight when the drain has begun.
    Node node = Node.start(ServeCommand.configOf("--self", "http://127.0.0.1:" + FreePorts.port(), "--api", "127.0.0.1:" + api,
        "--origin", "synthetic:20,delay=10s", "--origin-timeout", "30s", "--load-timeout", "30s", "--warm-up", "0"));
    try {
      assertThat(health(api)).isEqualTo("200 ok");
      CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + api + "/api?key=k")).timeout(Duration.ofSeconds(40)).build(),
          HttpResponse.BodyHandlers.ofString());
      await().atMost(Duration.ofSeconds(10)).until(() -> LocalCluster.originLoads(node) == 1);

      // On a thread of its own: the shutdown waits for the request, whose delayed origin answer
      // comes through CompletableFuture's default executor, on newer JDKs the common pool, which
      // has a single thread on 2 cores (JDK 25 does; 17 makes a thread each).
      CompletableFuture<Void> drain = CompletableFuture.runAsync(() -> node.shutdown(Duration.ofSeconds(30)),
          DaemonThreads.perTask("readiness-test-drain"));
      await().atMost(Duration.ofSeconds(5)).until(() -> node.healthProblem() != null);
      assertThat(node.healthProblem()).startsWith("draining: shutting down");
      assertThat(inFlight).as("still in flight while unready").isNotDone();
      assertThat(health(api)).as("a new client gets no 200").doesNotStartWith("200");

      assertThat(inFlight.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      drain.get(30, TimeUnit.SECONDS);
      assertThat(node.healthProblem()).as("still draining once closed").startsWith("draining: ");
    } finally {
      node.close();
    }
  }
}
