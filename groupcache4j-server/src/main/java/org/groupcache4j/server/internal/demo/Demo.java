package org.groupcache4j.server.internal.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.groupcache4j.ring.HashFunction;
import org.groupcache4j.ring.HashRing;
import org.groupcache4j.server.Main;
import org.groupcache4j.server.internal.Signals;
import org.groupcache4j.server.internal.api.StatsJson;
import org.groupcache4j.server.internal.origin.DemoDatabase;

/**
 * The {@code demo} command: the three-node example cluster as separate processes (this same
 * program re-launched with {@code serve}), three concurrent requests for Tom, a few more keys, an
 * account of who owned and who loaded each key, read from the nodes' {@code /stats}, and a score
 * changed in the database that the cluster reloads once after a {@code DELETE}.
 *
 * <p>The three nodes read one database, which this process hosts ({@link DemoDatabase#host()}: H2's
 * TCP server on an ephemeral port of 127.0.0.1, a password new at every run). Each node is given it
 * as a user gives a node any database: {@code --origin jdbc:… --query … --jdbc-user …} and the
 * password in {@code $GROUPCACHE4J_JDBC_PASSWORD}.
 *
 * <p>The demo knows its own nodes: it starts each with a token of this run ({@code --instance}) and
 * trusts a port only when its {@code /stats} shows that token, so a port answered by another demo
 * or node is reported instead of being counted.
 *
 * <p>The node processes never outlive the demo: they are stopped on every way out (the end of
 * {@code --exit}, Ctrl-C, SIGTERM, a shutdown hook), and each node also stops by itself when this
 * process ends ({@code --parent-pid}), even if it was killed with SIGKILL. The database and its
 * port close after the nodes stopped, and with this process in any case.
 */
public final class Demo {
  static final String HOST = "127.0.0.1";
  /** The demo's ports unless told otherwise: peers, then client APIs (node 3's API on 9999). */
  public static final List<Integer> DEFAULT_PEER_PORTS = List.of(8001, 8002, 8003);
  public static final List<Integer> DEFAULT_API_PORTS = List.of(9001, 9002, 9999);
  private static final Duration STARTUP_DEADLINE = Duration.ofSeconds(120);

  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean verbose;
  private final List<Process> nodes = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private final List<String> peers = new ArrayList<>();
  private final int[] peerPorts;
  private final int[] apiPorts;
  private final String token = UUID.randomUUID().toString();
  private Path logDir;
  private DemoDatabase.Hosted database;

  /** A demo on three peer ports and three client API ports of 127.0.0.1. */
  public Demo(PrintWriter out, PrintWriter err, boolean verbose, List<Integer> peerPorts, List<Integer> apiPorts) {
    this.out = out;
    this.err = err;
    this.verbose = verbose;
    this.peerPorts = peerPorts.stream().mapToInt(Integer::intValue).toArray();
    this.apiPorts = apiPorts.stream().mapToInt(Integer::intValue).toArray();
    if (this.peerPorts.length != 3 || this.apiPorts.length != 3) {
      throw new IllegalArgumentException("the demo needs 3 peer ports and 3 API ports");
    }
    for (int p : this.peerPorts) {
      peers.add("http://" + HOST + ":" + p);
    }
  }

  /** Runs the demo; returns the exit code. */
  public int run(boolean exitAfterAccount) throws InterruptedException {
    String busy = busyPort();
    if (busy != null) {
      err.println("groupcache4j demo: " + busy);
      err.flush();
      return 1;
    }
    Thread hook = new Thread(this::stopAll, "demo-stop-nodes");
    Runtime.getRuntime().addShutdownHook(hook);
    CountDownLatch stop = new CountDownLatch(1);
    int code = 1;
    if (!exitAfterAccount) {
      Signals.onTermination(stop::countDown);
    }
    try {
      if (!startNodes()) {
        return code;
      }
      account();
      update();
      if (exitAfterAccount) {
        return code = 0;
      }
      tryIt();
      for (int i = 0; i < nodes.size(); i++) {
        int n = i + 1;
        Process p = nodes.get(i);
        p.onExit().thenRun(() -> {
          // Exit code 0: it was stopped by a signal (Ctrl-C reaches the whole process group).
          if (stop.getCount() > 0 && p.exitValue() != 0) {
            err.println("node " + n + " exited unexpectedly (exit code " + p.exitValue() + "); see "
                + logDir.resolve("node" + n + ".log") + ". Stopping the demo.");
            err.flush();
          }
          stop.countDown();
        });
      }
      stop.await();
      return code = 0;
    } catch (IOException | UncheckedIOException e) {
      err.println("groupcache4j demo: " + e.getMessage());
      err.flush();
      return 1;
    } finally {
      out.println();
      out.print("Stopping the 3 nodes... ");
      out.flush();
      stopAll();
      out.println(database == null ? "stopped." : "stopped; the database is closed.");
      out.flush();
      if (code == 0) {
        deleteLogs(); // kept when something went wrong: the messages point to them
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down: the hook runs anyway
      }
    }
  }

  /** A message naming the first port of the demo that is taken, or null if all are free. */
  String busyPort() {
    List<Integer> all = new ArrayList<>();
    for (int p : peerPorts) {
      all.add(p);
    }
    for (int p : apiPorts) {
      all.add(p);
    }
    for (int port : all) {
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(HOST, port));
      } catch (IOException e) {
        return "port " + port + " on " + HOST + " is already in use (" + e.getMessage() + "). " + needsPorts(port);
      }
    }
    return null;
  }

  private String needsPorts(int port) {
    return "The demo needs ports " + ports(peerPorts) + " and " + ports(apiPorts) + " free: stop what uses port "
        + port + " (another demo or node still running? see: ss -ltnp 'sport = :" + port + "') and run it again, "
        + "or give the demo other ports (--peer-ports, --api-ports).";
  }

  private static String ports(int[] ports) {
    return String.join(", ", java.util.Arrays.stream(ports).mapToObj(Integer::toString).toList());
  }

  private boolean startNodes() throws IOException, InterruptedException {
    logDir = Files.createTempDirectory("groupcache4j-demo-");
    try {
      database = DemoDatabase.host();
    } catch (java.sql.SQLException e) {
      err.println("groupcache4j demo: cannot start the demo database (H2 on 127.0.0.1): " + e.getMessage());
      err.flush();
      return false;
    }
    out.println("groupcache4j demo: the three-node example cluster, on this machine.");
    out.println("Its database is H2, hosted by this demo process on 127.0.0.1 (table scores: Tom 630, Jack 589,");
    out.println("Sam 567 and " + DemoDatabase.GENERATED + " generated players). Each node is a separate process with "
        + "its cache and a");
    out.println("client API, and all three read that one database, given to them as to any node:");
    out.println("  --origin " + database.url() + " --query '" + DemoDatabase.QUERY + "' --jdbc-user "
        + DemoDatabase.Hosted.USER);
    out.println();
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String classPath = System.getProperty("java.class.path");
    long pid = ProcessHandle.current().pid();
    long start = System.nanoTime();
    for (int i = 0; i < 3; i++) {
      List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
      int feature = Runtime.version().feature();
      if (feature >= 22) {
        cmd.add("--enable-native-access=ALL-UNNAMED");
      }
      if (feature >= 23) {
        cmd.add("--sun-misc-unsafe-memory-access=allow");
      }
      cmd.addAll(List.of("-cp", classPath, Main.class.getName(), "serve",
          "--self", peers.get(i),
          "--peers", String.join(",", peers),
          "--api", HOST + ":" + apiPorts[i],
          "--instance", token + "-" + (i + 1),
          "--origin", database.url(),
          "--query", DemoDatabase.QUERY,
          "--jdbc-user", DemoDatabase.Hosted.USER,
          "--jdbc-pool", "2",
          "--api-threads", "1",
          "--warm-up", "0", // a demo starts at once; its nodes warm up as it runs
          "--parent-pid", Long.toString(pid)));
      if (verbose) {
        cmd.add("--verbose");
      }
      Path log = logDir.resolve("node" + (i + 1) + ".log");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().put("GROUPCACHE4J_JDBC_PASSWORD", database.password());
      Process p = pb.start();
      nodes.add(p);
      out.printf("  node %d   peer %s   api http://%s:%d   pid %d%n", i + 1, peers.get(i), HOST, apiPorts[i], p.pid());
    }
    out.print("  starting...");
    out.flush();
    long deadline = System.nanoTime() + STARTUP_DEADLINE.toNanos();
    for (int i = 0; i < 3; i++) {
      while (!started(i)) {
        Process p = nodes.get(i);
        if (!p.isAlive()) {
          out.println();
          out.flush();
          err.println("groupcache4j demo: node " + (i + 1) + " did not start (exit code " + p.exitValue()
              + "). Its log, " + logDir.resolve("node" + (i + 1) + ".log") + ", ends with:");
          String tail = tail(logDir.resolve("node" + (i + 1) + ".log"), 15);
          err.println(tail);
          if (tail.contains("cannot listen")) {
            err.println("A port of node " + (i + 1) + " is taken. " + needsPorts(tail.contains("--api") ? apiPorts[i]
                : peerPorts[i]));
          }
          err.flush();
          return false;
        }
        if (System.nanoTime() - deadline > 0) {
          out.println();
          out.flush();
          err.println("groupcache4j demo: node " + (i + 1) + " did not answer http://" + HOST + ":" + apiPorts[i]
              + "/stats within " + STARTUP_DEADLINE.toSeconds() + " s; see " + logDir);
          err.flush();
          return false;
        }
        Thread.sleep(100); // polling another process's port: nothing to wait on
      }
    }
    // Each node answers; now each must have heard the others answer a probe. Until then a node may
    // judge a peer down (its first probe left unanswered within a second, as on a loaded machine)
    // and load that peer's keys itself, which the account below would show as extra loads.
    while (!heardEachOther()) {
      if (System.nanoTime() - deadline > 0) {
        out.println();
        out.flush();
        err.println("groupcache4j demo: the nodes did not all hear from each other within " + STARTUP_DEADLINE.toSeconds()
            + " s (what each thinks of the others is in its /stats, peerStates); see " + logDir);
        err.flush();
        return false;
      }
      Thread.sleep(100); // the nodes probe each other on their own timers: nothing to wait on
    }
    out.printf(" up in %.1f s (node logs: %s)%n%n", (System.nanoTime() - start) / 1e9, logDir.resolve("node{1,2,3}.log"));
    out.flush();
    return true;
  }

  /**
   * Whether node {@code i} (0-based) answers on its API port; throws if what answers there is not
   * the node this demo started.
   */
  private boolean started(int i) throws IOException, InterruptedException {
    Map<String, Object> stats;
    try {
      stats = stats(i, Duration.ofSeconds(2));
    } catch (IOException e) {
      return false;
    }
    if (!(token + "-" + (i + 1)).equals(stats.get("instance"))) {
      out.println();
      out.flush();
      throw new IOException("http://" + HOST + ":" + apiPorts[i] + " answers, but not as node " + (i + 1)
          + " of this demo: it is another demo or node (" + stats.get("self") + ", instance " + stats.get("instance")
          + "). " + needsPorts(apiPorts[i]));
    }
    return true;
  }

  /** Whether every node judges the two others up, each having answered its probes (from their /stats). */
  private boolean heardEachOther() throws IOException, InterruptedException {
    for (int i = 0; i < 3; i++) {
      Map<String, Object> states = StatsJson.object(stats(i, Duration.ofSeconds(10)), "peerStates");
      for (String peer : peers) {
        if (!peer.equals(peers.get(i)) && !(states.get(peer) instanceof Map<?, ?> p && "up".equals(p.get("state"))
            && String.valueOf(p.get("reason")).startsWith("answers probes"))) {
          return false;
        }
      }
    }
    return true;
  }

  /** One answer of the API: status and body. */
  record Answer(int status, String body) {
    String shown() {
      String b = body.strip();
      if (status == 200) {
        return b;
      }
      return status + " " + (status == 404 ? "not found" : b.length() > 40 ? b.substring(0, 40) + "…" : b);
    }
  }

  private void account() throws IOException, InterruptedException {
    HashRing ring = HashRing.of(peers, HashRing.DEFAULT_REPLICAS, HashFunction.CRC32_IEEE);
    long[] initial = originLoads();
    int requests = 0;

    // 1. Three concurrent requests for Tom to the API of node 3.
    out.println("1. Three concurrent requests for Tom to node 3, sent at once:");
    out.println("     curl \"http://localhost:" + apiPorts[2] + "/api?key=Tom\" &   (x3)");
    List<CompletableFuture<Answer>> calls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      calls.add(askAsync(apiPorts[2], "Tom"));
    }
    List<String> answers = new ArrayList<>();
    for (CompletableFuture<Answer> c : calls) {
      answers.add(join(c).shown());
    }
    requests += 3;
    long[] afterTom = originLoads();
    long tomLoads = sum(afterTom) - sum(initial);
    int tomOwner = nodeOf(ring.owner("Tom"));
    out.println("   answers: " + String.join(", ", answers));
    if (tomOwner == 3) {
      out.println("   Node 3 owns Tom: it merged the three requests into one load from the database.");
    } else {
      out.println("   Tom is owned by node " + tomOwner + " (hash ring). Node 3 merged the three requests into one "
          + "fetch from node " + tomOwner + ",");
      out.println("   and node " + tomOwner + " loaded Tom from the database" + (tomLoads == 1 ? " once." : ":")
          + (tomLoads == 1 ? "" : " " + loaders(initial, afterTom) + "."));
    }
    out.println("   => 3 concurrent requests for Tom: " + tomLoads + " origin load" + (tomLoads == 1 ? "" : "s")
        + " across the cluster.");
    out.println();

    // 2. More keys, one request each, and who loaded them.
    out.println("2. More keys, one request each (to node 3's API unless said otherwise):");
    out.printf("     %-26s %-16s %-8s %s%n", "key", "answer", "owner", "loaded by");
    record Ask(String key, int apiNode, String label) {}
    List<Ask> asks = new ArrayList<>(List.of(new Ask("Jack", 3, "Jack"), new Ask("Sam", 3, "Sam")));
    for (int node = 1, i = 42; node <= 3 && i <= DemoDatabase.GENERATED; i++) { // a generated player per owner
      String name = DemoDatabase.generatedName(i);
      if (nodeOf(ring.owner(name)) == node) {
        asks.add(new Ask(name, 3, name));
        node++;
      }
    }
    asks.addAll(List.of(
        new Ask("Kate", 3, "Kate"),
        new Ask("Tom", 3, "Tom, again"),
        new Ask("Tom", 1, "Tom, via node 1 (:" + apiPorts[0] + ")"),
        new Ask("Jack", 2, "Jack, via node 2 (:" + apiPorts[1] + ")")));
    boolean allByOwner = true;
    long[] before = afterTom;
    List<String> loadedKeys = new ArrayList<>(List.of("Tom"));
    for (Ask a : asks) {
      Answer ans = join(askAsync(apiPorts[a.apiNode() - 1], a.key()));
      requests++;
      long[] after = originLoads();
      int owner = nodeOf(ring.owner(a.key()));
      String by = loaders(before, after);
      if (by.isEmpty()) {
        by = "nobody (cached)";
      } else {
        if (!by.equals("node " + owner)) {
          allByOwner = false;
        }
        if (ans.status() == 404) {
          by += " (no such row)";
        }
        if (!loadedKeys.contains(a.key())) {
          loadedKeys.add(a.key());
        }
      }
      out.printf("     %-26s %-16s %-8s %s%n", a.label(), ans.shown(), "node " + owner, by);
      before = after;
    }
    long total = sum(before) - sum(initial);
    out.println();
    out.println("Origin loads across the cluster: " + total + " for " + requests + " requests"
        + (allByOwner && total == loadedKeys.size() ? " - every key was loaded once, by its owner." : "."));
    out.println("(Kate is not in the database: a miss is not cached, so asking again loads again.)");
    out.flush();
  }

  /**
   * 3. A score changes in the database: the cluster keeps serving what it cached until the key is
   * removed at one node, after which the owner reloads it once and every node answers the new score.
   */
  private void update() throws IOException, InterruptedException {
    HashRing ring = HashRing.of(peers, HashRing.DEFAULT_REPLICAS, HashFunction.CRC32_IEEE);
    int owner = nodeOf(ring.owner("Jack"));
    int newScore = 600;
    out.println();
    out.println("3. Jack's score changes in the database (this demo runs the statement):");
    out.println("     " + DemoDatabase.Hosted.updateSql("Jack", newScore));
    Integer old;
    int changed;
    try {
      old = database.score("Jack");
      changed = database.setScore("Jack", newScore);
    } catch (java.sql.SQLException e) {
      throw new IOException("cannot update the demo database: " + e.getMessage(), e);
    }
    out.println("   " + changed + " row" + (changed == 1 ? "" : "s") + " changed: Jack " + old + " -> " + newScore + ".");
    long[] before = originLoads();
    String answers = everyNode("Jack");
    long[] after = originLoads();
    out.println("   nodes 1, 2, 3 answer: " + answers + " - " + (sum(after) - sum(before)) + " origin loads: the cache "
        + "does not watch the database,");
    out.println("   it keeps serving the value it loaded (that is what spares the database) until it is told.");
    out.println("   Tell the cluster: remove Jack, at node 2 (any node will do; Jack's owner is node " + owner + "):");
    out.println("     curl -X DELETE \"http://localhost:" + apiPorts[1] + "/api?key=Jack\"");
    Answer removed = join(write(apiPorts[1], "DELETE", "/api?key=Jack", null));
    before = originLoads();
    answers = everyNode("Jack");
    after = originLoads();
    long loads = sum(after) - sum(before);
    out.println("   " + (removed.status() == 200 ? "" : "DELETE answered " + removed.shown() + "; ") + "nodes 1, 2, 3 answer: "
        + answers + " - " + loads + " origin load" + (loads == 1 ? "" : "s") + " (" + (loads == 0 ? "none" : loaders(before, after))
        + (loads == 1 && loaders(before, after).equals("node " + owner) ? ", the owner; the other nodes got it from node " + owner : "")
        + ").");
    out.flush();
  }

  /** What nodes 1, 2 and 3 answer for {@code key}, in that order. */
  private String everyNode(String key) throws IOException, InterruptedException {
    List<String> answers = new ArrayList<>();
    for (int port : apiPorts) {
      answers.add(join(askAsync(port, key)).shown());
    }
    return String.join(", ", answers);
  }

  private CompletableFuture<Answer> write(int port, String method, String pathAndQuery, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port + pathAndQuery))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).thenApply(r -> new Answer(r.statusCode(), r.body()));
  }

  private void tryIt() {
    out.println();
    out.println("The cluster keeps running. Try:");
    out.println("  curl \"http://localhost:" + apiPorts[2] + "/api?key=Tom\"");
    out.println("  curl \"http://localhost:" + apiPorts[0] + "/api?key=" + DemoDatabase.generatedName(7) + "\"");
    out.println("  curl \"http://localhost:" + apiPorts[1] + "/api/scores/Sam\"");
    out.println("  curl \"http://localhost:" + apiPorts[2] + "/stats\"");
    out.println("  curl -X DELETE \"http://localhost:" + apiPorts[0] + "/api?key=Tom\"   # the next request reloads Tom once");
    out.println("  curl -X PUT --data 700 \"http://localhost:" + apiPorts[1] + "/api/scores/Sam\"   # Sam is 700 in the cache "
        + "(not in the database) on every node");
    String cp = System.getProperty("java.class.path");
    if (cp.endsWith(".jar") && !cp.contains(java.io.File.pathSeparator)) { // the runnable jar, which has H2's shell
      String java = ProcessHandle.current().info().command().orElse("java");
      out.println("  " + java + " -cp " + cp + " org.h2.tools.Shell -url " + database.url() + " -user " + DemoDatabase.Hosted.USER
          + " -password " + database.password() + " -sql \"" + DemoDatabase.Hosted.updateSql("Tom", 700) + "\"");
      out.println("      # changes Tom in the database; the cache answers 630 until Tom is removed");
    }
    out.println("  ./groupcache4j ring --peers " + String.join(",", peers) + " Tom Jack Sam");
    out.println("Press Ctrl-C to stop the three nodes.");
    out.flush();
  }

  private CompletableFuture<Answer> askAsync(int port, String key) {
    URI uri = URI.create("http://" + HOST + ":" + port + "/api?key="
        + java.net.URLEncoder.encode(key, StandardCharsets.UTF_8));
    return http.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> new Answer(r.statusCode(), r.body()));
  }

  private static Answer join(CompletableFuture<Answer> f) throws IOException, InterruptedException {
    try {
      return f.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException("a request to the cluster failed: " + e.getCause(), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IOException("a request to the cluster got no answer within 60 s", e);
    }
  }

  /** Origin loads so far of nodes 1..3, from their /stats. */
  private long[] originLoads() throws IOException, InterruptedException {
    long[] n = new long[3];
    for (int i = 0; i < 3; i++) {
      n[i] = StatsJson.originLoads(stats(i, Duration.ofSeconds(10)));
    }
    return n;
  }

  /** The /stats document of node {@code i} (0-based). */
  private Map<String, Object> stats(int i, Duration timeout) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
        URI.create("http://" + HOST + ":" + apiPorts[i] + "/stats")).timeout(timeout).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("node " + (i + 1) + " answered /stats with " + r.statusCode() + ": " + r.body());
    }
    return StatsJson.parse(r.body());
  }

  private static String loaders(long[] before, long[] after) {
    List<String> by = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      long d = after[i] - before[i];
      if (d > 0) {
        by.add("node " + (i + 1) + (d > 1 ? " (" + d + " loads)" : ""));
      }
    }
    return String.join(", ", by);
  }

  private static long sum(long[] a) {
    long s = 0;
    for (long x : a) {
      s += x;
    }
    return s;
  }

  private int nodeOf(String peer) {
    return peers.indexOf(peer) + 1;
  }

  /** Stops the nodes, then closes the database and its port. */
  synchronized void stopAll() {
    stopNodes();
    if (database != null) {
      database.close();
    }
  }

  /** Stops every node: SIGTERM (graceful), then SIGKILL for any still running after 10 s. */
  synchronized void stopNodes() {
    for (Process p : nodes) {
      p.destroy();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (Process p : nodes) {
      try {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  private void deleteLogs() {
    if (logDir == null) {
      return;
    }
    try (var files = Files.list(logDir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(logDir);
    } catch (IOException | UncheckedIOException e) {
      // temporary files only
    }
  }

  private static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return "    " + String.join("\n    ", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "    (cannot read it: " + e.getMessage() + ")";
    }
  }
}
