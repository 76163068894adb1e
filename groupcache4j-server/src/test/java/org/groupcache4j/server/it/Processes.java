package org.groupcache4j.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.BindException;
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
import java.util.function.Function;
import org.groupcache4j.server.internal.api.StatsJson;
import org.groupcache4j.testing.FreePorts;

/**
 * Starts separate JVMs through the launcher ({@code ./groupcache4j}) with the jar built in this
 * build's {@code package} phase, and stops every one of them in {@link #close()}, also when a
 * test fails: a node ({@link #startNode}) or a cluster of nodes ({@link #startCluster}) on free
 * ports, started again on others if a port was taken, or any command ({@link #launch}, {@link #run}).
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

  /**
   * As {@link #launch(String, List)}; {@code extraEnv} last. Nodes start as tests need them, fast:
   * without the launcher's class-data archive ({@code GROUPCACHE4J_CDS=off}) and, unless the
   * arguments say otherwise, without a warm-up ({@code serve --warm-up 0}); the tests of those two
   * ask for them.
   */
  Process launch(String name, List<String> args, Map<String, String> extraEnv) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(launcher().toString());
    cmd.addAll(args);
    if (!args.isEmpty() && args.get(0).equals("serve") && !args.contains("--warm-up")) {
      cmd.addAll(List.of("--warm-up", "0"));
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log(name).toFile());
    pb.environment().put("GROUPCACHE4J_JAR", jar().toString());
    pb.environment().put("GROUPCACHE4J_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
    pb.environment().put("GROUPCACHE4J_CDS", "off");
    pb.environment().putAll(extraEnv);
    Process p = pb.start();
    synchronized (started) {
      started.add(p);
    }
    return p;
  }

  /** A node process that {@link #startNode} started: its client API's port and its peer URL. */
  record Node(String name, Process process, int api, String self) {}

  /**
   * Starts {@code ./groupcache4j serve} with its client API and peer port on {@linkplain FreePorts
   * free ports} ({@code --api}, {@code --self}) and {@code flags}, and waits until it is healthy;
   * again on other ports if it could not bind one of them.
   */
  Node startNode(String name, Map<String, String> env, String... flags) throws Exception {
    return startNode(name, env, self -> List.of(flags));
  }

  /** {@link #startNode(String, Map, String...)} with flags made from its peer URL (e.g. {@code --peers}). */
  Node startNode(String name, Map<String, String> env, Function<String, List<String>> flags) throws Exception {
    return FreePorts.startOnFreePorts(2, ports -> {
      String self = "http://127.0.0.1:" + ports[0];
      List<String> args = new ArrayList<>(List.of("serve", "--self", self, "--api", "127.0.0.1:" + ports[1],
          "--api-threads", "1"));
      args.addAll(flags.apply(self));
      Process p = launch(name, args, env);
      awaitHealthy(name, p, ports[1]);
      return new Node(name, p, ports[1], self);
    });
  }

  /** The node processes of {@link #startCluster}, in order: node {@code i + 1} is {@code peers[i]}, {@code api[i]}. */
  record Cluster(List<String> peers, int[] api, List<Process> nodes) {}

  /**
   * Starts {@code size} nodes ({@code node1}, {@code node2}, ... with their logs of those names),
   * peers of each other, each {@code ./groupcache4j serve --self PEER --peers ALL --api API} on
   * free ports with {@code flags}; waits until every node is healthy and has heard each other
   * answer a probe (its {@code /stats}), so that no first probe left unanswered on a loaded machine
   * makes a node load another's keys in a test. Started again on other ports if a node could not
   * bind one of its ports.
   */
  Cluster startCluster(int size, String... flags) throws Exception {
    Cluster c = FreePorts.startOnFreePorts(2 * size, ports -> {
      List<String> peers = new ArrayList<>();
      int[] api = new int[size];
      for (int i = 0; i < size; i++) {
        peers.add("http://127.0.0.1:" + ports[i]);
        api[i] = ports[size + i];
      }
      List<Process> nodes = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        List<String> args = new ArrayList<>(List.of("serve", "--self", peers.get(i), "--peers", String.join(",", peers),
            "--api", "127.0.0.1:" + api[i], "--api-threads", "1"));
        args.addAll(List.of(flags));
        nodes.add(launch("node" + (i + 1), args, Map.of()));
      }
      try {
        for (int i = 0; i < size; i++) {
          awaitHealthy("node" + (i + 1), nodes.get(i), api[i]);
        }
      } catch (Exception e) {
        nodes.forEach(Process::destroyForcibly);
        throw e;
      }
      return new Cluster(List.copyOf(peers), api, nodes);
    });
    await("every node heard every other answer a probe").atMost(STARTUP).pollInterval(Duration.ofMillis(200))
        .until(() -> {
          for (int a : c.api()) {
            if (!heardEveryPeer(a, size - 1)) {
              return false;
            }
          }
          return true;
        });
    return c;
  }

  /**
   * Waits until the node {@code name} answers {@code /healthz} on {@code api}; a node that exited
   * because a port of its was taken (its log says the address is in use) is a {@link BindException}
   * (Awaitility passes on what the condition throws).
   */
  private void awaitHealthy(String name, Process p, int api) throws BindException {
    await(name + " up").atMost(STARTUP).pollInterval(Duration.ofMillis(100)).until(() -> {
      if (!p.isAlive() && logText(name).toLowerCase(java.util.Locale.ROOT).contains("address already in use")) {
        throw new BindException(name + " could not bind a port:\n" + logText(name));
      }
      assertThat(p.isAlive()).as("%s exited:%n%s", name, logText(name)).isTrue();
      return healthy(api);
    });
  }

  /** Whether the node on {@code api} judges {@code peers} peers up, each on an answered probe (its /stats). */
  private boolean heardEveryPeer(int api, int peers) throws IOException, InterruptedException {
    Map<String, Object> states = StatsJson.object(stats(api), "peerStates");
    return states.size() == peers && states.values().stream().allMatch(v -> v instanceof Map<?, ?> m
        && "up".equals(m.get("state")) && String.valueOf(m.get("reason")).startsWith("answers probes"));
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
