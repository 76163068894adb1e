package org.groupcache4j.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.groupcache4j.server.internal.api.StatsJson;
import org.groupcache4j.server.internal.cli.ServeCommand;
import org.groupcache4j.server.testing.LocalCluster;
import org.groupcache4j.testing.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The warm-up before a node listens: bounded, never asks the origin, changes its throw-away ring,
 * logs its own two lines, shown in /stats; 0 turns it off.
 */
@Timeout(120)
class WarmupTest {
  @Test
  void itRunsTheRequestPathWithoutAskingTheOriginWithinItsLimit() throws Exception {
    // Nothing listens at the origin: had the warm-up asked it, its requests would fail (502/504).
    NodeConfig c = ServeCommand.configOf("--self", "http://127.0.0.1:" + FreePorts.port(), "--api", "127.0.0.1:0",
        "--origin", "http://127.0.0.1:" + FreePorts.port() + "/{key}", "--origin-timeout", "1s", "--hot-store");
    Logger project = (Logger) LoggerFactory.getLogger("org.groupcache4j");
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    project.addAppender(logged);
    Warmup.Report r;
    try {
      r = Warmup.run(c, null, List.of(false), (g, k) -> null, Duration.ofSeconds(2));
    } finally {
      project.detachAppender(logged);
    }
    assertThat(r.ended()).as("%s", r).isIn("settled", "time limit");
    assertThat(r.requests()).as("%s", r).isPositive();
    assertThat(r.failed()).as("%s", r).isZero();
    // Short-lived connections: each carries at most a few requests (up to its cap), so the accept path ran too.
    assertThat(r.connections()).as("%s", r).isGreaterThan(Warmup.CLIENTS)
        .isGreaterThanOrEqualTo(Math.min(Warmup.NEW_CONNECTIONS, r.requests() / Warmup.REQUESTS_PER_CONNECTION));
    assertThat(r.ringChanges()).as("a third node joined the pair's ring and left it: %s", r).isPositive();
    // Its own two lines; nothing of the throw-away nodes (a load cut short as they close, the third
    // node's handoff and take-back, a ring that differs while it joins) but errors.
    assertThat(logged.list).filteredOn(e -> !e.getLoggerName().equals(Warmup.class.getName()))
        .allMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR), "errors only");
    assertThat(logged.list).filteredOn(e -> e.getLoggerName().equals(Warmup.class.getName())).hasSize(2);
    assertThat(project.isInfoEnabled()).as("the project's level as before").isTrue();
    // Its limit, then the pair closes and each client thread ends its request in flight (joined up to
    // 5 s): bounded, with room for a loaded 2-core machine.
    assertThat(r.took()).as("bounded by its limit, and a moment to stop").isLessThan(Duration.ofSeconds(12));
    assertThat(r.describe()).contains(r.ended()).contains("requests (0 failed) on ").contains(" ring changes")
        .contains("of JIT compilation");
  }

  @Test
  void zeroIsOff() {
    NodeConfig c = ServeCommand.configOf("--origin", "synthetic:1");
    Warmup.Report r = Warmup.run(c, null, List.of(true), (g, k) -> null, Duration.ZERO);
    assertThat(r.ended()).isEqualTo("off");
    assertThat(r.requests()).isZero();
    assertThat(r.describe()).isEqualTo("off");
  }

  @Test
  void theNodeServesAfterItsWarmUpAndReportsItInStats() throws Exception {
    NodeConfig c = ServeCommand.configOf("--self", "http://127.0.0.1:" + FreePorts.port(), "--api", "127.0.0.1:0",
        "--origin", "synthetic:10", "--warm-up", "1s", "--group", "g1");
    try (Node node = Node.start(c)) {
      assertThat(node.healthProblem()).as("ready").isNull();
      Map<String, Object> warmUp = StatsJson.object(StatsJson.object(StatsJson.parse(node.statsJson()), "readiness"),
          "warmUp");
      assertThat(warmUp.get("ended")).isIn("settled", "time limit");
      assertThat(warmUp).containsEntry("limitMillis", 1000).containsKeys("millis", "requests", "failed",
          "compileMillis", "ringChanges");
      assertThat(((Number) warmUp.get("requests")).longValue()).isPositive();
      assertThat(node.cache().group("g1").orElseThrow().stats().loads()).as("nothing of the warm-up in the node's own group")
          .isZero();
      assertThat(LocalCluster.originLoads(node)).isZero();
    }
  }

  @Test
  void afterItsWarmUpTheNodeStillRefusesTheKeysItsOriginRefuses(@TempDir Path dir) throws Exception {
    // The warm-up runs the node's own key policy (with its origins, before the node serves): the
    // node's API must still answer by it afterwards, a key that escapes the directory with a 400.
    Files.writeString(dir.resolve("a.txt"), "alpha");
    NodeConfig c = ServeCommand.configOf("--self", "http://127.0.0.1:" + FreePorts.port(), "--api", "127.0.0.1:0",
        "--origin", "dir:" + dir, "--warm-up", "1s", "--group", "files");
    try (Node node = Node.start(c)) {
      int port = node.apiAddresses().get(0).getPort();
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/api/files/a.txt")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).isEqualTo("alpha");
      HttpResponse<String> out = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/api/files/..%2Fsecret")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(out.statusCode()).as(out.body()).isEqualTo(400);
      assertThat(out.body()).contains("key '../secret' of group 'files' is refused").contains("'..'");
      assertThat(LocalCluster.originLoads(node)).as("the refused key never reached the origin").isEqualTo(1);
    }
  }

  @Test
  void aTakenPortFailsTheStartBeforeTheWarmUp() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      // A 5-minute warm-up: only a check before it ends the start within the test's time.
      NodeConfig api = ServeCommand.configOf("--self", "http://127.0.0.1:" + FreePorts.port(), "--api", "127.0.0.1:" + port,
          "--origin", "synthetic:10", "--warm-up", "5m");
      assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(() -> Node.start(api))
          .isInstanceOf(IOException.class).hasMessageContaining("--api 127.0.0.1:" + port)
          .hasMessageContaining("in use"));
      NodeConfig peer = ServeCommand.configOf("--self", "http://127.0.0.1:" + port, "--origin", "synthetic:10",
          "--warm-up", "5m");
      assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(() -> Node.start(peer))
          .isInstanceOf(IOException.class).hasMessageContaining("--self http://127.0.0.1:" + port)
          .hasMessageContaining("cannot listen for peers").hasMessageContaining("(is another node using the port?)"));
    }
  }
}
