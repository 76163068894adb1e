package org.groupcache4j.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SIGTERM stops a node gracefully: it stops accepting, answers the request in flight, exits 0. */
class SignalIT {
  private Processes processes;

  @BeforeEach
  void setUp() throws Exception {
    processes = new Processes();
  }

  @AfterEach
  void tearDown() throws Exception {
    processes.close();
  }

  private Processes.Node startNode(String name, String origin) throws Exception {
    return processes.startNode(name, Map.of(), "--origin", origin);
  }

  @Test
  void sigtermAnswersTheRequestInFlightAndExitsZero() throws Exception {
    Processes.Node started = startNode("node", "synthetic:20,delay=2s");
    Process node = started.process();
    int apiPort = started.api();
    CompletableFuture<HttpResponse<String>> inFlight = processes.http.sendAsync(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api?key=k")).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    await("the load started").atMost(Duration.ofSeconds(10)).until(() -> processes.originLoads(apiPort) == 1);

    node.destroy(); // SIGTERM
    HttpResponse<String> r = inFlight.get(20, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("value-of-k..........");
    assertThat(node.waitFor(20, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
    assertThat(node.exitValue()).as("exit code; log:%n%s", processes.logText("node")).isZero();
    assertThat(processes.logText("node")).contains("SIGTERM received").contains("stopped");
    assertThat(processes.healthy(apiPort)).isFalse();
  }

  @Test
  void sigtermOnAnIdleNodeExitsZeroAtOnce() throws Exception {
    Process node = startNode("idle", "demo").process();
    node.destroy();
    assertThat(node.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(node.exitValue()).as("exit code; log:%n%s", processes.logText("idle")).isZero();
  }
}
