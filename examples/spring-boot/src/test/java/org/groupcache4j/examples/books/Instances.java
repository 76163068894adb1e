package org.groupcache4j.examples.books;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Instances of the example application as separate JVMs (the executable jar the package phase
 * built), each with an HTTP port and a peer port on 127.0.0.1. The ports are picked free before
 * the instances bind them, so if another process takes one in between (an instance exits
 * saying so), the whole cluster is started again on other ports, up to 3 times. {@link #close()}
 * kills every process, also when a test fails.
 */
final class Instances implements AutoCloseable {
  /** A deadline only: three Spring Boot JVMs start in 10-20 s on two idle cores, far slower on a loaded machine. */
  static final Duration STARTUP = Duration.ofMinutes(3);
  private static final JsonMapper JSON = JsonMapper.shared();

  final List<Integer> http = new ArrayList<>();
  final List<String> peers = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private final Path logs;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private Instances() throws IOException {
    logs = Files.createTempDirectory("groupcache4j-example-");
  }

  /** Starts {@code n} instances with {@code extra} arguments each and waits until each is healthy and sees its peers. */
  static Instances start(int n, String... extra) throws Exception {
    Instances all = new Instances();
    for (int attempt = 1; ; attempt++) {
      all.launch(n, extra);
      try {
        all.awaitReady();
        return all;
      } catch (PortTaken e) {
        all.killAll();
        if (attempt == 3) {
          all.close();
          throw new AssertionError("a port was taken three times in a row", e);
        }
      } catch (Throwable t) {
        all.close();
        throw t;
      }
    }
  }

  private void launch(int n, String... extra) throws IOException {
    http.clear();
    peers.clear();
    processes.clear();
    for (int i = 0; i < n; i++) {
      http.add(freePort());
      peers.add("http://127.0.0.1:" + freePort());
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    for (int i = 0; i < n; i++) {
      List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
          "-Xshare:auto", "-jar", jar().toString(),
          "--server.port=" + http.get(i),
          "--server.address=127.0.0.1",
          "--groupcache4j.self=" + peers.get(i),
          "--groupcache4j.peers=" + String.join(",", peers),
          "--spring.main.banner-mode=off"));
      cmd.addAll(List.of(extra));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log(i).toFile()).start();
      processes.add(p);
    }
  }

  static Path jar() {
    String p = System.getProperty("example.jar");
    assertThat(p).as("system property example.jar (set by failsafe)").isNotNull();
    assertThat(Path.of(p)).as("the executable jar, built in the package phase").isRegularFile();
    return Path.of(p);
  }

  private void awaitReady() throws Exception {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    for (int i = 0; i < processes.size(); i++) {
      while (true) {
        Process p = processes.get(i);
        if (!p.isAlive()) {
          String log = log(i).toFile().exists() ? Files.readString(log(i)) : "";
          if (log.contains("in use") || log.contains("Address already in use")) {
            throw new PortTaken(log);
          }
          throw new AssertionError("instance " + i + " exited (" + p.exitValue() + "):\n" + log);
        }
        if (readyWithPeers(i)) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("instance " + i + " not ready with its peers within " + STARTUP + ":\n" + logText(i));
        }
        Thread.sleep(100); // polling a process that is starting: nothing to wait on but its port
      }
    }
  }

  /** Whether instance i's groupcache health is UP and it has had an answer from each peer. */
  private boolean readyWithPeers(int i) {
    try {
      HttpResponse<String> r = get(i, "/actuator/health/groupcache");
      if (r.statusCode() != 200) {
        return false;
      }
      JsonNode h = JSON.readTree(r.body());
      if (!"UP".equals(h.path("status").asString())) {
        return false;
      }
      int up = 0;
      for (JsonNode p : h.path("details").path("peers")) {
        up += p.path("status").asString().equals("UP") ? 1 : 0;
      }
      return up == processes.size() - 1;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static final class PortTaken extends Exception {
    private static final long serialVersionUID = 1L;

    PortTaken(String log) {
      super(log);
    }
  }

  Process process(int i) {
    return processes.get(i);
  }

  int size() {
    return processes.size();
  }

  HttpResponse<String> get(int i, String path) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.get(i) + path))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> send(int i, String method, String path, String json) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.get(i) + path))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode json(int i, String path) throws IOException, InterruptedException {
    HttpResponse<String> r = get(i, path);
    assertThat(r.statusCode()).as("GET %s at instance %d: %s", path, i, r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /** How often the repositories of all instances were read for {@code isbn}. */
  int reads(String isbn) throws IOException, InterruptedException {
    int sum = 0;
    for (int i = 0; i < processes.size(); i++) {
      if (processes.get(i).isAlive()) {
        sum += json(i, "/repository/reads").path("perKey").path(isbn).asInt(0);
      }
    }
    return sum;
  }

  Path log(int i) {
    return logs.resolve("instance" + i + ".log");
  }

  String logText(int i) {
    try {
      return Files.readString(log(i), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  String logs() {
    return java.util.stream.IntStream.range(0, processes.size())
        .mapToObj(i -> "---- instance " + i + "\n" + logText(i)).collect(Collectors.joining("\n"));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void killAll() {
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    for (Process p : processes) {
      try {
        p.waitFor(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    killAll();
    try (var files = Files.walk(logs)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | java.io.UncheckedIOException e) {
      // temporary files only
    }
  }
}
