package org.groupcache4j.bench.roll;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.groupcache4j.bench.fault.TestCluster.Impl;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A golang/groupcache node (go/rollnode, a process of its own) in a cluster with two of ours
 * (processes started by the launcher): one of ours stopped with SIGTERM hands its entries to the
 * other, and the keys whose next owner is the golang/groupcache node stay behind; that node is sent
 * GETs only (fetches and probes, counted by method at its {@code /stats}), never a handoff.
 */
@Timeout(240)
class MixedHandoffIT {
  private static final Pattern HANDOFF = Pattern.compile(
      "handoff of (\\S+): (\\d+) entries .* handed to (\\d+) peers? in \\d+ ms: (\\d+) kept, .*; (\\d+) not handed");
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir
  Path logs;

  @Test
  void aGolangGroupcachePeerIsNeverSentAHandoff() throws Exception {
    Path goNode = buildRollnode(logs.resolve("go"));
    Path jar = Path.of(System.getProperty("groupcache4j.jar", ""));
    Path launcher = Path.of(System.getProperty("groupcache4j.launcher", "")).toAbsolutePath().normalize();
    assertThat(jar).as("the server's runnable jar (system property groupcache4j.jar)").isRegularFile();
    RollCluster.Programs programs = new RollCluster.Programs(launcher, jar, goNode, logs);
    RollCluster.Jvm jvm = new RollCluster.Jvm("it", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1",
        Map.of("GROUPCACHE4J_CDS", "off"), List.of("--warm-up", "0"));
    List<Integer> all = List.of(1, 2, 3);
    try (CountingOrigin origin = CountingOrigin.start(100);
        RollCluster cluster = RollCluster.create(Impl.GROUPCACHE4J, programs, jvm, 3, origin.prefix()).golang(3)) {
      for (int n : all) {
        cluster.start(n, all);
      }
      for (int n : all) {
        cluster.awaitReady(n, Duration.ofSeconds(120));
      }
      for (int i = 0; i < 300; i++) {
        assertThat(get(cluster, 1 + i % 2, "/api?key=k" + i).statusCode()).isEqualTo(200);
      }

      cluster.stop(2); // SIGTERM: node 2 hands its entries over, to node 1 only
      String log = Files.readString(cluster.log(2));
      Matcher m = HANDOFF.matcher(log);
      assertThat(m.find()).as("node 2's handoff line in%n%s", log).isTrue();
      assertThat(m.group(1)).isEqualTo(cluster.peer(2));
      assertThat(Integer.parseInt(m.group(2))).as("entries handed to node 1").isPositive();
      assertThat(Integer.parseInt(m.group(3))).as("receivers: node 1 only").isEqualTo(1);
      assertThat(Integer.parseInt(m.group(5))).as("entries whose next owner is the golang/groupcache node")
          .isPositive();

      Map<String, Object> goStats = JSON.std.mapFrom(get(cluster, 3, "/stats").body());
      @SuppressWarnings("unchecked")
      Map<String, Object> byMethod = (Map<String, Object>) goStats.get("peerRequests");
      assertThat(byMethod).as("peer requests the golang/groupcache node was sent, by method").containsKey("GET")
          .containsOnlyKeys("GET");
      @SuppressWarnings("unchecked")
      Map<String, Object> handoff = (Map<String, Object>) JSON.std.mapFrom(get(cluster, 1, "/stats").body())
          .get("handoff");
      assertThat(((Number) handoff.get("received")).intValue()).as("entries node 1 kept")
          .isEqualTo(Integer.parseInt(m.group(4)));
    }
  }

  private HttpResponse<String> get(RollCluster cluster, int node, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.api(node).getPort() + path))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** go/rollnode, built offline as roll.sh builds it; skips the test without Go unless GROUPCACHE4J_REQUIRE_GO=1. */
  private static Path buildRollnode(Path dir) throws Exception {
    Path go = Path.of("/usr/bin/go");
    if (!Files.isExecutable(go)) {
      if ("1".equals(System.getenv("GROUPCACHE4J_REQUIRE_GO"))) {
        throw new AssertionError("GROUPCACHE4J_REQUIRE_GO=1 but no /usr/bin/go; install golang-go "
            + "golang-github-golang-groupcache-dev golang-github-golang-protobuf-1-3-dev");
      }
      Assumptions.abort("go is not installed: skipping the mixed cluster's handoff test");
    }
    Files.createDirectories(dir);
    Path bin = dir.resolve("rollnode");
    ProcessBuilder pb = new ProcessBuilder(go.toString(), "build", "-o", bin.toString(), "rollnode.go")
        .directory(Path.of("go/rollnode").toAbsolutePath().toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("build.log").toFile());
    pb.environment().putAll(Map.of("GO111MODULE", "off", "GOPROXY", "off", "GOFLAGS", "",
        "GOPATH", "/usr/share/gocode", "GOCACHE", dir.resolve("cache").toString()));
    Process p = pb.start();
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("go build of rollnode.go within 300 s").isTrue();
    assertThat(p.exitValue()).as("go build of rollnode.go: %s", Files.readString(dir.resolve("build.log"))).isZero();
    return bin;
  }
}
