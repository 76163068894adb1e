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
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.groupcache4j.ring.HashRing;
import org.groupcache4j.testing.FreePorts;

/**
 * Three cache nodes in processes of their own, groupcache4j's or golang/groupcache's (the anchor's
 * {@code node.go}), each with a client API, values {@code "value-of-KEY"} padded to 100 bytes made
 * by the node itself (no origin to share). On loopback (free ports) or one node per host of a
 * {@link NetworkLab} (ports 8001 and 9001 on each host).
 *
 * <p>Our nodes can be started otherwise ({@link NodeOptions}): with an origin of their own, the hot
 * store, and the peer list in a file that {@link #writePeers} rewrites. A node can be killed and
 * started again with the same command ({@link #kill}, {@link #restart}).
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

  /**
   * How our nodes are started: {@code origin} gives node {@code i}'s {@code --origin}; with
   * {@code peersFile} they follow {@code --peers-file} (in the logs directory) instead of a fixed
   * {@code --peers}.
   */
  public record NodeOptions(IntFunction<String> origin, boolean hotStore, boolean peersFile, String logLevel) {
    /** The benchmarks' nodes: values made by the node, no hot store (every key of another node is a fetch), a fixed list. */
    public static final NodeOptions BENCH = new NodeOptions(i -> "synthetic:100", false, false, "WARN");
  }

  private static final Duration STARTUP = Duration.ofSeconds(120);

  private final Impl impl;
  private final Programs programs;
  private final NetworkLab lab;
  private final NodeOptions options;
  private final List<List<String>> commands = new ArrayList<>();
  private final List<String> peers = new ArrayList<>();
  private final List<URI> apis = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private final List<Path> logs = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  private TestCluster(Impl impl, Programs programs, NetworkLab lab, NodeOptions options) {
    this.impl = impl;
    this.programs = programs;
    this.lab = lab;
    this.options = options;
  }

  /**
   * Starts three nodes and waits until each answers; on loopback when {@code lab} is null, on free
   * ports, started again on others if a node could not bind one of its ports.
   */
  public static TestCluster start(Impl impl, Programs programs, NetworkLab lab) throws IOException, InterruptedException {
    return start(impl, programs, lab, NodeOptions.BENCH);
  }

  /** Starts three groupcache4j nodes as {@code options} says, and waits until each answers. */
  public static TestCluster start(Programs programs, NetworkLab lab, NodeOptions options)
      throws IOException, InterruptedException {
    return start(Impl.GROUPCACHE4J, programs, lab, options);
  }

  private static TestCluster start(Impl impl, Programs programs, NetworkLab lab, NodeOptions options)
      throws IOException, InterruptedException {
    if (lab != null) {
      return start(impl, programs, lab, options, null);
    }
    try {
      return FreePorts.startOnFreePorts(6, ports -> start(impl, programs, null, options, ports));
    } catch (IOException | InterruptedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  /** Three nodes on loopback's {@code ports} (peers, then APIs), or on {@code lab}'s hosts. */
  private static TestCluster start(Impl impl, Programs programs, NetworkLab lab, NodeOptions options, int[] ports)
      throws IOException, InterruptedException {
    TestCluster c = new TestCluster(impl, programs, lab, options);
    try {
      List<String> apiAddrs = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        String host = lab == null ? "127.0.0.1" : lab.address(i);
        c.peers.add("http://" + host + ":" + (lab == null ? ports[i - 1] : 8001));
        apiAddrs.add(host + ":" + (lab == null ? ports[i + 2] : 9001));
        c.apis.add(URI.create("http://" + apiAddrs.get(i - 1)));
      }
      if (options.peersFile()) {
        c.writePeers(List.of(1, 2, 3));
      }
      for (int i = 1; i <= 3; i++) {
        List<String> cmd = c.command(programs, i, apiAddrs.get(i - 1));
        c.commands.add(lab == null ? cmd : lab.inHost(i, cmd));
        c.logs.add(programs.logs().resolve(impl.name().toLowerCase() + "-node" + i + ".log"));
        c.processes.add(c.launch(i, false));
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
    List<String> cmd = new ArrayList<>(List.of(p.launcher().toString(), "serve", "--self", self));
    cmd.addAll(options.peersFile() ? List.of("--peers-file", peersFile().toString()) : List.of("--peers", all));
    cmd.addAll(List.of("--api", api, "--origin", options.origin().apply(i), options.hotStore() ? "--hot-store" : "--no-hot-store",
        "--cache-bytes", "64MiB", "--log-level", options.logLevel(), "--warm-up", "0"));
    return cmd;
  }

  private Process launch(int node, boolean again) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(commands.get(node - 1)).redirectErrorStream(true)
        .redirectOutput(again ? ProcessBuilder.Redirect.appendTo(logs.get(node - 1).toFile())
            : ProcessBuilder.Redirect.to(logs.get(node - 1).toFile()));
    if (impl == Impl.GROUPCACHE4J) {
      pb.environment().put("GROUPCACHE4J_JAR", programs.jar().toString());
      pb.environment().put("GROUPCACHE4J_JAVA_OPTS", programs.javaOpts());
      pb.environment().put("GROUPCACHE4J_CDS", "off");
    }
    return pb.start();
  }

  private void awaitUp() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    for (int i = 1; i <= 3; i++) {
      awaitAnswering(i, deadline);
    }
  }

  private void awaitAnswering(int i, long deadline) throws IOException, InterruptedException {
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

  /** Kills node {@code i} (SIGKILL: a frozen node dies too) and waits until it is gone. */
  public void kill(int node) throws IOException, InterruptedException {
    Process p = processes.get(node - 1);
    signal(node, "KILL");
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      throw new IOException("node " + node + " (pid " + p.pid() + ") did not end within 20 s of SIGKILL");
    }
  }

  /** Starts node {@code i} again with its first command (its log goes on), and waits until it is ready. */
  public void restart(int node) throws IOException, InterruptedException {
    if (processes.get(node - 1).isAlive()) {
      throw new IllegalStateException("node " + node + " still runs (pid " + processes.get(node - 1).pid() + "); kill it first");
    }
    processes.set(node - 1, launch(node, true));
    awaitAnswering(node, System.nanoTime() + STARTUP.toNanos());
  }

  /** The file the nodes read their peers from (with {@link NodeOptions#peersFile}). */
  public Path peersFile() {
    return programs.logs().resolve("peers.txt");
  }

  /**
   * Lists {@code nodes} (in node order) in the peers file, written whole and renamed into place, so
   * that a node never reads half of it.
   */
  public void writePeers(Collection<Integer> nodes) throws IOException {
    if (!options.peersFile()) {
      throw new IllegalStateException("the nodes were started with a fixed --peers list, not a peers file");
    }
    StringBuilder sb = new StringBuilder("# written by TestCluster\n");
    for (int i = 1; i <= 3; i++) {
      if (nodes.contains(i)) {
        sb.append(peer(i)).append('\n');
      }
    }
    Path tmp = peersFile().resolveSibling("peers.txt.tmp");
    Files.writeString(tmp, sb.toString());
    Files.move(tmp, peersFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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

  /** The network the nodes live in, or null on loopback. */
  public NetworkLab lab() {
    return lab;
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

  /** How node {@code i} judges node {@code of}: {@code "up"} or {@code "down"} (from its {@code /stats}). */
  public String peerState(int node, int of) throws IOException, InterruptedException {
    HttpResponse<String> r = get(node, "/stats", Duration.ofSeconds(5));
    Object states = JSON.std.mapFrom(r.body()).get("peerStates");
    Object state = states instanceof Map<?, ?> m && m.get(peer(of)) instanceof Map<?, ?> s ? s.get("state") : null;
    if (state == null) {
      throw new IOException("node " + node + "'s /stats has no peerStates entry for " + peer(of) + ": " + r.body());
    }
    return state.toString();
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
