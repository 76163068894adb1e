package org.groupcache4j.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.groupcache4j.server.testing.TestPorts.freePort;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.groupcache4j.server.internal.api.StatsJson;

/**
 * Starts separate JVMs through the launcher ({@code ./groupcache4j}) with the jar built in this
 * build's {@code package} phase, and stops every one of them in {@link #close()}, also when a
 * test fails.
 */
final class Processes implements AutoCloseable {
  static final Duration STARTUP = Duration.ofSeconds(90);

  private final List<Process> started = new ArrayList<>();
  final Path logs;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  Processes() throws IOException {
    logs = Files.createTempDirectory("groupcache4j-it-");
  }

  static Path jar() {
    String p = System.getProperty("groupcache4j.jar");
    assertThat(p).as("system property groupcache4j.jar (set by failsafe)").isNotNull();
    Path jar = Path.of(p);
    assertThat(jar).as("the runnable jar, built in the package phase").isRegularFile();
    return jar;
  }

  static Path launcher() {
    String p = System.getProperty("groupcache4j.launcher");
    assertThat(p).as("system property groupcache4j.launcher (set by failsafe)").isNotNull();
    Path l = Path.of(p).toAbsolutePath().normalize();
    assertThat(Files.isExecutable(l)).as("%s is executable", l).isTrue();
    return l;
  }

  /** Starts {@code ./groupcache4j args...} with output (stdout and stderr) to {@code logs/name.log}. */
  Process launch(String name, List<String> args) throws IOException {
    return launch(name, args, Map.of());
  }

  Process launch(String name, List<String> args, Map<String, String> extraEnv) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(launcher().toString());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log(name).toFile());
    pb.environment().put("GROUPCACHE4J_JAR", jar().toString());
    pb.environment().put("GROUPCACHE4J_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
    pb.environment().putAll(extraEnv);
    Process p = pb.start();
    synchronized (started) {
      started.add(p);
    }
    return p;
  }

  /**
   * Starts {@code ./groupcache4j serve} with its client API on {@code apiPort} and {@code flags}
   * (and on a free peer port unless they give {@code --self}), and waits until it is healthy.
   */
  Process startNode(String name, int apiPort, Map<String, String> env, String... flags) throws IOException {
    List<String> args = new ArrayList<>(List.of("serve", "--api", "127.0.0.1:" + apiPort, "--api-threads", "1"));
    if (!List.of(flags).contains("--self")) {
      args.addAll(List.of("--self", "http://127.0.0.1:" + freePort()));
    }
    args.addAll(List.of(flags));
    Process p = launch(name, args, env);
    await(name + " up").atMost(STARTUP).pollInterval(Duration.ofMillis(100)).until(() -> {
      assertThat(p.isAlive()).as("%s exited:%n%s", name, logText(name)).isTrue();
      return healthy(apiPort);
    });
    return p;
  }

  Path log(String name) {
    return logs.resolve(name + ".log");
  }

  String logText(String name) {
    try {
      return Files.readString(log(name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Runs {@code ./groupcache4j args...} to its end (at most {@code limit}); returns exit code and output. */
  Result run(String name, Duration limit, String... args) throws IOException, InterruptedException {
    Process p = launch(name, List.of(args));
    if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("./groupcache4j " + String.join(" ", args) + " did not end within " + limit
          + "; output:\n" + logText(name));
    }
    return new Result(p.exitValue(), logText(name));
  }

  record Result(int code, String output) {}

  /** GET http://127.0.0.1:port/api?key=K. */
  HttpResponse<String> ask(int port, String key) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api?key="
            + URLEncoder.encode(key, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Waits until node {@code i+1} of {@code nodes}, whose log is {@code node{i+1}}, answers /healthz on {@code api[i]}. */
  void awaitUp(List<Process> nodes, int[] api) {
    for (int i = 0; i < nodes.size(); i++) {
      int n = i;
      org.awaitility.Awaitility.await("node " + (n + 1) + " up").atMost(STARTUP).pollInterval(Duration.ofMillis(100))
          .until(() -> {
            assertThat(nodes.get(n).isAlive()).as("node %d exited:%n%s", n + 1, logText("node" + (n + 1))).isTrue();
            return healthy(api[n]);
          });
    }
  }

  boolean healthy(int port) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The node's origin loads so far (all groups), from its /stats. */
  long originLoads(int apiPort) throws IOException, InterruptedException {
    return StatsJson.originLoads(stats(apiPort));
  }

  /** The node's /stats document. */
  Map<String, Object> stats(int apiPort) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/stats"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("/stats answer: %s", r.body()).isEqualTo(200);
    return StatsJson.parse(r.body());
  }

  /** Kills every process started (SIGKILL) and waits for them. */
  @Override
  public void close() {
    List<Process> all;
    synchronized (started) {
      all = new ArrayList<>(started);
    }
    for (Process p : all) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    for (Process p : all) {
      try {
        p.waitFor(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    try (var files = Files.walk(logs)) { // failures quote the logs in their messages
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | java.io.UncheckedIOException e) {
      // temporary files only
    }
  }
}
