package org.groupcache4j.bench.roll;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.groupcache4j.bench.fault.TestCluster.Impl;

/**
 * Up to four node processes on loopback, groupcache4j's (through the launcher) or
 * golang/groupcache's ({@code go/rollnode/rollnode.go}), that load from one {@link CountingOrigin}
 * and each follow a peers file of their own, so that a node can be stopped (SIGTERM), killed
 * (SIGKILL) and started again on the same ports, and the list changed one node at a time, as a
 * StatefulSet's pods and their DNS name are. Node {@code i} is slot {@code i} (1-based); its
 * ports are picked once, when the cluster is made.
 */
public final class RollCluster implements AutoCloseable {
  /**
   * How our nodes' JVMs run: {@code javaOpts} ({@code GROUPCACHE4J_JAVA_OPTS}), {@code env}
   * (e.g. {@code JAVA_HOME}, the launcher's archive switch), and flags added to {@code serve}.
   */
  public record Jvm(String name, String javaOpts, Map<String, String> env, List<String> serveArgs) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Where the programs are, and where the nodes' output goes. */
  public record Programs(Path launcher, Path jar, Path goNode, Path logs) {}

  private static final Duration STOP_LIMIT = Duration.ofSeconds(40);

  private final Impl impl;
  private final java.util.Set<Integer> golangSlots = new java.util.HashSet<>();
  private final Programs programs;
  private final Jvm jvm;
  private final String origin;
  private final List<String> peers = new ArrayList<>();
  private final List<InetSocketAddress> apis = new ArrayList<>();
  private final Process[] processes;
  private final long[] launchedNanos;

  private RollCluster(Impl impl, Programs programs, Jvm jvm, int slots, String origin) {
    this.impl = impl;
    this.programs = programs;
    this.jvm = jvm;
    this.origin = origin;
    this.processes = new Process[slots];
    this.launchedNanos = new long[slots];
  }

  /**
   * A cluster of {@code slots} nodes, none running yet, loading from {@code originPrefix} (the
   * {@link CountingOrigin#prefix()}); {@code jvm} only for groupcache4j.
   */
  public static RollCluster create(Impl impl, Programs programs, Jvm jvm, int slots, String originPrefix)
      throws IOException {
    RollCluster c = new RollCluster(impl, programs, jvm, slots, originPrefix);
    Files.createDirectories(programs.logs());
    java.util.Set<Integer> taken = new java.util.HashSet<>();
    for (int i = 0; i < slots; i++) {
      c.peers.add("http://127.0.0.1:" + freePort(taken));
      c.apis.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), freePort(taken)));
    }
    return c;
  }

  public Impl impl() {
    return impl;
  }

  /**
   * Makes node {@code node} of this cluster of ours a golang/groupcache node ({@code goNode}),
   * before it is started: a mixed cluster, for the tests that check what our nodes send theirs.
   */
  public RollCluster golang(int node) {
    if (impl != Impl.GROUPCACHE4J || programs.goNode() == null) {
      throw new IllegalStateException("a golang/groupcache node in a cluster of ours needs Programs.goNode");
    }
    golangSlots.add(node);
    return this;
  }

  /** The implementation of node {@code node}. */
  private Impl implOf(int node) {
    return golangSlots.contains(node) ? Impl.GOLANG : impl;
  }

  /** The label of this cluster in a report: the implementation, and our JVM's variant. */
  public String label() {
    return impl == Impl.GOLANG ? impl.toString() : impl + " (" + jvm.name() + ")";
  }

  public int slots() {
    return processes.length;
  }

  /** Node {@code i}'s client API address. */
  public InetSocketAddress api(int node) {
    return apis.get(node - 1);
  }

  /** Every slot's client API address, in node order. */
  public List<InetSocketAddress> apis() {
    return List.copyOf(apis);
  }

  /** Node {@code i}'s peer URL. */
  public String peer(int node) {
    return peers.get(node - 1);
  }

  /** Node {@code i}'s own peers file. */
  public Path peersFile(int node) {
    return programs.logs().resolve(tag() + "-peers" + node + ".txt");
  }

  private String tag() {
    return impl == Impl.GOLANG ? "go" : "java-" + jvm.name().replaceAll("[^A-Za-z0-9.+-]", "_");
  }

  /** Node {@code i}'s output (all its runs). */
  public Path log(int node) {
    return programs.logs().resolve(tag() + "-node" + node + ".log");
  }

  /**
   * Lists {@code members} in node {@code i}'s peers file, written whole and renamed into place,
   * so that the node never reads half of it.
   */
  public void writePeers(int node, Collection<Integer> members) throws IOException {
    StringBuilder sb = new StringBuilder("# written by RollCluster\n");
    for (int m = 1; m <= slots(); m++) {
      if (members.contains(m)) {
        sb.append(peer(m)).append('\n');
      }
    }
    Path tmp = peersFile(node).resolveSibling(peersFile(node).getFileName() + ".tmp");
    Files.writeString(tmp, sb.toString());
    Files.move(tmp, peersFile(node), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Starts node {@code i} with {@code members} in its peers file; its log goes on from earlier runs. */
  public void start(int node, Collection<Integer> members) throws IOException {
    if (running(node)) {
      throw new IllegalStateException("node " + node + " still runs (pid " + processes[node - 1].pid() + ")");
    }
    writePeers(node, members);
    ProcessBuilder pb = new ProcessBuilder(command(node)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log(node).toFile()));
    if (implOf(node) == Impl.GROUPCACHE4J) {
      pb.environment().put("GROUPCACHE4J_JAR", programs.jar().toString());
      pb.environment().put("GROUPCACHE4J_JAVA_OPTS", jvm.javaOpts());
      pb.environment().put("GROUPCACHE4J_CDS_DIR", programs.logs().resolve("cds").toString()); // this run's own
      pb.environment().putAll(jvm.env());
    }
    launchedNanos[node - 1] = System.nanoTime();
    processes[node - 1] = pb.start();
  }

  private List<String> command(int node) {
    String api = "127.0.0.1:" + api(node).getPort();
    if (implOf(node) == Impl.GOLANG) {
      return List.of(programs.goNode().toString(), "-addr", peer(node), "-peers-file", peersFile(node).toString(),
          "-api", api, "-origin", origin);
    }
    List<String> cmd = new ArrayList<>(List.of(programs.launcher().toString(), "serve", "--self", peer(node),
        "--peers-file", peersFile(node).toString(), "--api", api, "--origin", origin + "{key}",
        "--cache-bytes", "64MiB"));
    cmd.addAll(jvm.serveArgs());
    return cmd;
  }

  /**
   * Starts node 1 alone and stops it once it is ready: whatever the launcher makes on a first
   * start (its class-data archive) is then made before anything is measured.
   */
  public void prepare(Duration limit) throws IOException, InterruptedException {
    if (impl != Impl.GROUPCACHE4J) {
      return;
    }
    start(1, List.of(1));
    awaitReady(1, limit);
    stop(1);
  }

  /** When node {@code i} was last started ({@link System#nanoTime}). */
  public long launchedNanos(int node) {
    return launchedNanos[node - 1];
  }

  public boolean running(int node) {
    Process p = processes[node - 1];
    return p != null && p.isAlive();
  }

  /**
   * Waits until node {@code i} answers {@code GET /healthz} with 200 (asked every 20 ms) and
   * returns when it first did ({@link System#nanoTime}).
   *
   * @throws IOException if it exits or is not ready within {@code limit}
   */
  public long awaitReady(int node, Duration limit) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      long asked = System.nanoTime();
      if (healthy(api(node), Duration.ofMillis(500))) {
        return asked;
      }
      if (!running(node)) {
        throw new IOException(label() + " node " + node + " exited (code " + processes[node - 1].exitValue()
            + ") before it was ready; its log: " + tail(node));
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(label() + " node " + node + " not ready within " + limit + "; its log: " + tail(node));
      }
      Thread.sleep(20);
    }
  }

  /** Whether {@code api} answers {@code GET /healthz} with 200 within {@code timeout}, on a connection of its own. */
  static boolean healthy(InetSocketAddress api, Duration timeout) {
    try (Socket s = new Socket()) {
      s.connect(api, (int) timeout.toMillis());
      s.setSoTimeout((int) timeout.toMillis());
      OutputStream out = s.getOutputStream();
      out.write(("GET /healthz HTTP/1.1\r\nHost: " + api.getHostString() + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] head = new byte[12];
      int n = 0;
      while (n < head.length) {
        int r = in.read(head, n, head.length - n);
        if (r < 0) {
          return false;
        }
        n += r;
      }
      return new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200");
    } catch (IOException e) {
      return false;
    }
  }

  /** SIGTERM to node {@code i}, and waits until it exited. */
  public void stop(int node) throws IOException, InterruptedException {
    end(node, false);
  }

  /** SIGKILL to node {@code i}, and waits until it is gone. */
  public void kill(int node) throws IOException, InterruptedException {
    end(node, true);
  }

  private void end(int node, boolean kill) throws IOException, InterruptedException {
    Process p = processes[node - 1];
    if (p == null || !p.isAlive()) {
      throw new IllegalStateException("node " + node + " does not run");
    }
    // ./groupcache4j execs the JVM: the process is the node itself
    if (kill) {
      p.destroyForcibly();
    } else {
      p.destroy();
    }
    if (!p.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new IOException(label() + " node " + node + " (pid " + p.pid() + ") did not exit within " + STOP_LIMIT
          + " of SIG" + (kill ? "KILL" : "TERM") + "; its log: " + tail(node));
    }
  }

  /**
   * CPU ticks the JIT compiler threads of our running nodes used so far (from /proc), or -1 for
   * golang/groupcache or where /proc is not readable.
   */
  public long jitTicks() {
    if (impl != Impl.GROUPCACHE4J) {
      return -1;
    }
    long ticks = 0;
    for (Process p : processes) {
      if (p == null || !p.isAlive()) {
        continue;
      }
      try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(p.pid()), "task"))) {
        for (Path t : (Iterable<Path>) tasks::iterator) {
          ticks += compilerTicks(t.resolve("stat"));
        }
      } catch (NoSuchFileException e) {
        // the process just ended
      } catch (IOException e) {
        return -1;
      }
    }
    return ticks;
  }

  private static long compilerTicks(Path stat) {
    try {
      String s = Files.readString(stat);
      int close = s.lastIndexOf(')');
      String comm = s.substring(s.indexOf('(') + 1, close);
      if (!comm.startsWith("C1 CompilerThre") && !comm.startsWith("C2 CompilerThre")) {
        return 0;
      }
      String[] f = s.substring(close + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
    } catch (IOException | RuntimeException e) {
      return 0; // the thread ended
    }
  }

  /** The last lines of node {@code i}'s log. */
  public String tail(int node) {
    try {
      String s = Files.readString(log(node));
      return s.length() <= 3000 ? s : "…" + s.substring(s.length() - 3000);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /**
   * A port that is free now, below the kernel's usual ephemeral range (32768 and up), so that no
   * outgoing connection of the many this benchmark makes holds it when a node starts again on it.
   */
  private static int freePort(java.util.Set<Integer> taken) throws IOException {
    java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port = r.nextInt(20_000, 32_000);
      if (taken.contains(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        taken.add(port);
        return s.getLocalPort();
      } catch (IOException busy) {
        // try another
      }
    }
    throw new IOException("no free port found on 127.0.0.1 between 20000 and 32000");
  }

  /** Kills every node still running and waits for them. */
  @Override
  public void close() {
    for (Process p : processes) {
      if (p != null) {
        p.destroyForcibly();
      }
    }
    for (Process p : processes) {
      try {
        if (p != null) {
          p.waitFor(20, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s, %d slots", label(), slots());
  }
}
