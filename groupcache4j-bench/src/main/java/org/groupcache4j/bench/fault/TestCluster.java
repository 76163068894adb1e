package org.groupcache4j.bench.fault;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.BindException;
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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.groupcache4j.ring.HashRing;
import org.groupcache4j.testing.FreePorts;

/**
 * Three cache nodes in processes of their own, groupcache4j's or golang/groupcache's (the anchor's
 * {@code node.go}), each with a client API, values {@code "value-of-KEY"} padded to 100 bytes made
 * by the node itself (no origin to share). On loopback (free ports) or one node per host of a
 * {@link NetworkLab} (ports 8001 and 9001 on each host).
 */
public final class TestCluster implements AutoCloseable {
  /** Which implementation the nodes are. */
  public enum Impl {
    GROUPCACHE4J("groupcache4j"), GOLANG("golang/groupcache");

    final String label;

    Impl(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  /**
   * Where the programs are: {@code launcher} ({@code ./groupcache4j}) with {@code jar} for ours,
   * {@code goNode} (a built {@code node.go}) for golang/groupcache; {@code logs} takes each node's output.
   */
  public record Programs(Path launcher, Path jar, String javaOpts, Path goNode, Path logs) {}

  private static final Duration STARTUP = Duration.ofSeconds(120);

  private final Impl impl;
  private final List<String> peers = new ArrayList<>();
  private final List<URI> apis = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private final List<Path> logs = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  private TestCluster(Impl impl) {
    this.impl = impl;
  }

  /**
   * Starts three nodes and waits until each answers; on loopback when {@code lab} is null, on free
   * ports, started again on others if a node could not bind one of its ports.
   */
  public static TestCluster start(Impl impl, Programs programs, NetworkLab lab) throws IOException, InterruptedException {
    if (lab != null) {
      return start(impl, programs, lab, null);
    }
    try {
      return FreePorts.startOnFreePorts(6, ports -> start(impl, programs, null, ports));
    } catch (IOException | InterruptedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  /** Three nodes on loopback's {@code ports} (peers, then APIs), or on {@code lab}'s hosts. */
  private static TestCluster start(Impl impl, Programs programs, NetworkLab lab, int[] ports)
      throws IOException, InterruptedException {
    TestCluster c = new TestCluster(impl);
    try {
      List<String> apiAddrs = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        String host = lab == null ? "127.0.0.1" : lab.address(i);
        c.peers.add("http://" + host + ":" + (lab == null ? ports[i - 1] : 8001));
        apiAddrs.add(host + ":" + (lab == null ? ports[i + 2] : 9001));
        c.apis.add(URI.create("http://" + apiAddrs.get(i - 1)));
      }
      for (int i = 1; i <= 3; i++) {
        List<String> cmd = c.command(programs, i, apiAddrs.get(i - 1));
        Path log = programs.logs().resolve(impl.name().toLowerCase() + "-node" + i + ".log");
        ProcessBuilder pb = new ProcessBuilder(lab == null ? cmd : lab.inHost(i, cmd))
            .redirectErrorStream(true).redirectOutput(log.toFile());
        if (impl == Impl.GROUPCACHE4J) {
          pb.environment().put("GROUPCACHE4J_JAR", programs.jar().toString());
          pb.environment().put("GROUPCACHE4J_JAVA_OPTS", programs.javaOpts());
          pb.environment().put("GROUPCACHE4J_CDS", "off");
        }
        c.processes.add(pb.start());
        c.logs.add(log);
      }
      c.awaitUp();
      return c;
    } catch (IOException | InterruptedException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private List<String> command(Programs p, int i, String api) {
    String self = peers.get(i - 1);
    String all = String.join(",", peers);
    if (impl == Impl.GOLANG) {
      return List.of(p.goNode().toString(), "-addr", self, "-peers", all, "-api", api, "-valueSize", "100");
    }
    // These runs measure nodes under faults, not their start: no warm-up, no class-data archive (below).
    return List.of(p.launcher().toString(), "serve", "--self", self, "--peers", all, "--api", api,
        "--origin", "synthetic:100", "--no-hot-store", "--cache-bytes", "64MiB", "--log-level", "WARN",
        "--warm-up", "0");
  }

  private void awaitUp() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    for (int i = 1; i <= 3; i++) {
      while (!answers(i)) {
        if (!processes.get(i - 1).isAlive()) {
          if (log(i).toLowerCase(Locale.ROOT).contains("address already in use")) { // ours and Go's words
            throw new BindException(impl + " node " + i + " could not bind a port: " + log(i));
          }
          throw new IOException(impl + " node " + i + " exited: " + log(i));
        }
        if (System.nanoTime() > deadline) {
          throw new IOException(impl + " node " + i + " did not answer within " + STARTUP + ": " + log(i));
        }
        Thread.sleep(100);
      }
    }
  }

  private boolean answers(int node) {
    try {
      return get(node, impl == Impl.GOLANG ? "/stats" : "/healthz", Duration.ofSeconds(2)).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public Impl impl() {
    return impl;
  }

  /** Node {@code i}'s client API, e.g. {@code http://10.0.0.2:9001}. */
  public URI api(int node) {
    return apis.get(node - 1);
  }

  /** Node {@code i}'s peer URL. */
  public String peer(int node) {
    return peers.get(node - 1);
  }

  /** The first {@code n} keys {@code PREFIX0, PREFIX1, ...} that node {@code i} owns while all three are up. */
  public List<String> keysOwnedBy(int node, String prefix, int n) {
    HashRing ring = HashRing.of(peers);
    List<String> keys = new ArrayList<>();
    for (int k = 0; keys.size() < n; k++) {
      if (ring.owner(prefix + k).equals(peer(node))) {
        keys.add(prefix + k);
      }
    }
    return keys;
  }

  /** How many values node {@code i}'s loader made so far, from its {@code /stats}. */
  public long loads(int node) throws IOException, InterruptedException {
    HttpResponse<String> r = get(node, "/stats", Duration.ofSeconds(5));
    Map<String, Object> stats = JSON.std.mapFrom(r.body());
    if (impl == Impl.GOLANG) {
      return ((Number) stats.get("loads")).longValue();
    }
    long n = 0;
    for (Object g : ((Map<?, ?>) stats.get("groups")).values()) {
      n += ((Number) ((Map<?, ?>) ((Map<?, ?>) g).get("origin")).get("loads")).longValue();
    }
    return n;
  }

  /** Asks node {@code i} for {@code key}; true if it answered 200 with the key's value. */
  public boolean ask(int node, String key, Duration timeout) throws IOException, InterruptedException {
    HttpResponse<String> r = get(node, "/api?key=" + key, timeout);
    return r.statusCode() == 200 && r.body().startsWith("value-of-" + key);
  }

  private HttpResponse<String> get(int node, String path, Duration timeout) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(api(node) + path)).timeout(timeout).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** Stops node {@code i} (SIGSTOP): it keeps its sockets, and answers nothing. */
  public void freeze(int node) throws IOException, InterruptedException {
    signal(node, "STOP");
  }

  /** Lets node {@code i} run again (SIGCONT). */
  public void thaw(int node) throws IOException, InterruptedException {
    signal(node, "CONT");
  }

  private void signal(int node, String sig) throws IOException, InterruptedException {
    // ./groupcache4j and `ip netns exec` exec the program: the process is the node itself
    long pid = processes.get(node - 1).pid();
    Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).redirectErrorStream(true).start();
    if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
      throw new IOException("kill -" + sig + " " + pid + " failed: " + new String(k.getInputStream().readAllBytes()));
    }
  }

  /** Node {@code i}'s output so far. */
  public String log(int node) {
    try {
      return Files.readString(logs.get(node - 1));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Kills every node (after SIGCONT, so a frozen one dies too) and waits for them. */
  @Override
  public void close() {
    for (Process p : processes) {
      try {
        new ProcessBuilder("kill", "-CONT", Long.toString(p.pid())).start().waitFor(5, TimeUnit.SECONDS);
      } catch (IOException | InterruptedException e) {
        // it is killed below anyway
      }
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
}
