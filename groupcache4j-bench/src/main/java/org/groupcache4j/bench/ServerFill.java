package org.groupcache4j.bench;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.groupcache4j.bench.internal.Cli;
import org.groupcache4j.bench.internal.SizedKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Heap per cached byte of a real server, filled through its client API: one node
 * ({@code groupcache4j-server.jar serve}, its own JVM with {@code --java-opts}) with a
 * {@code synthetic:} origin of {@code --value-bytes}, asked for {@code --entries} distinct keys of
 * {@code --key-bytes} by {@code --threads} clients. After the first {@value #WARM_UP} keys (what
 * the first requests create once is not per entry) and after the fill it runs full collections in
 * the node ({@code jcmd PID GC.run}) until its heap (the node's
 * {@code jvm_memory_used_bytes{area="heap"}}) settles, and counts its live objects
 * ({@code jcmd PID GC.class_histogram}); it prints heap growth divided by the key and value bytes
 * the node's stores gained ({@code /stats}: {@code payloadBytes}), and objects per entry gained.
 */
@Command(name = "ServerFill", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Heap per cached byte and objects per entry of a server filled through its API.")
public final class ServerFill implements Callable<Integer> {
  @Option(names = "--jar", required = true, paramLabel = "FILE", description = "groupcache4j-server.jar")
  Path jar;

  @Option(names = "--policy", defaultValue = "compact", paramLabel = "POLICY",
      description = "compact | w-tinylfu | lru: the node's --eviction (default: compact)")
  String policy;

  @Option(names = "--entries", defaultValue = "1070000", paramLabel = "N", description = "keys asked (default: 1,070,000)")
  long entries;

  @Option(names = "--value-bytes", defaultValue = "100", paramLabel = "N", description = "default: 100")
  int valueBytes;

  @Option(names = "--key-bytes", defaultValue = "8-16", paramLabel = "N|MIN-MAX", description = "default: 8-16")
  String keyBytes;

  @Option(names = "--cache-bytes", defaultValue = "512MiB", paramLabel = "SIZE",
      description = "--cache-bytes of the node, enough for every entry (default: 512MiB)")
  String cacheBytes;

  @Option(names = "--java-opts", defaultValue = "-Xms1g -Xmx1g -XX:+UseParallelGC", paramLabel = "OPTS",
      description = "the node's JVM options (default: -Xms1g -Xmx1g -XX:+UseParallelGC)")
  String javaOpts;

  @Option(names = "--threads", defaultValue = "4", paramLabel = "N", description = "clients (default: 4)")
  int threads;

  @Option(names = "--tsv", description = "print one tab-separated row")
  boolean tsv;

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) {
    System.exit(Cli.run(new ServerFill(), args));
  }

  @Override
  public Integer call() throws Exception {
    SizedKeys keys = SizedKeys.parse(keyBytes);
    int peer = freePort();
    int api = freePort();
    Path logFile = Files.createTempFile("server-fill-", ".log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(javaOpts.trim().split("\\s+")));
    cmd.addAll(List.of("-jar", jar.toString(), "serve", "--self", "http://127.0.0.1:" + peer,
        "--api", "127.0.0.1:" + api, "--origin", "synthetic:" + valueBytes, "--cache-bytes", cacheBytes,
        "--eviction", policy.equals("w-tinylfu") ? "w-tiny-lfu" : policy));
    Process node = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
    try {
      awaitHealthy(api, node, logFile);
      fill(api, keys, Math.min(WARM_UP, entries)); // what the first requests create once (classes, code, connections)
      long heapBefore = settledHeap(node, api);
      long objectsBefore = liveObjects(node);
      long[] before = storeTotals(api);
      long start = System.nanoTime();
      fill(api, keys, entries);
      double fillSeconds = (System.nanoTime() - start) / 1e9;
      long heapAfter = settledHeap(node, api);
      long objectsAfter = liveObjects(node);
      long[] after = storeTotals(api);
      long payload = after[0] - before[0];
      long items = after[1];
      long counted = after[2];
      long grown = heapAfter - heapBefore;
      double perPayload = (double) grown / payload;
      double objectsPerEntry = (double) (objectsAfter - objectsBefore) / (after[1] - before[1]);
      if (tsv) {
        System.out.printf(Locale.ROOT, "%s\t%d\t%d\t%d\t%d\t%d\t%.4f\t%.4f\t%d\t%s\t%.1f%n", policy, entries, items,
            payload, counted, grown, perPayload, objectsPerEntry, valueBytes, keys, fillSeconds);
      } else {
        System.out.printf(Locale.ROOT, "%s: %,d keys asked in %.1f s, %,d held (%,d key+value bytes, %,d counted by the"
            + " stores); heap grew by %.1f MiB = %.3f x payload; %.4f objects per entry (node: %s)%n", policy, entries,
            fillSeconds, items, payload, counted, grown / 1048576.0, perPayload, objectsPerEntry, javaOpts);
      }
      return 0;
    } finally {
      node.destroy();
      if (!node.waitFor(20, TimeUnit.SECONDS)) {
        node.destroyForcibly();
      }
    }
  }

  /** Column names of the {@code --tsv} row. */
  public static final String TSV_HEADER = "policy\tasked\titems\tpayload_bytes\tcounted_bytes\theap_grown_bytes"
      + "\theap_per_payload\tobjects_per_entry\tvalue_bytes\tkey_bytes\tfill_seconds";

  /** Requests before the measurement starts (their entries are in the baseline). */
  static final int WARM_UP = 1000;

  /** Payload bytes, items and counted bytes of every group's stores, from {@code /stats}. */
  private long[] storeTotals(int api) throws Exception {
    Map<String, Object> stats = JSON.std.mapFrom(get(api, "/stats").body());
    @SuppressWarnings("unchecked")
    Map<String, Object> groups = (Map<String, Object>) stats.get("groups");
    long[] t = new long[3];
    for (Object group : groups.values()) {
      for (String store : new String[] {"mainStore", "hotStore"}) {
        @SuppressWarnings("unchecked")
        Map<String, Object> s = (Map<String, Object>) ((Map<String, Object>) group).get(store);
        t[0] += ((Number) s.get("payloadBytes")).longValue();
        t[1] += ((Number) s.get("items")).longValue();
        t[2] += ((Number) s.get("bytes")).longValue();
      }
    }
    return t;
  }

  /** Asks for keys 0 .. n-1 of {@code keys}. */
  private void fill(int api, SizedKeys keys, long n) throws Exception {
    AtomicLong next = new AtomicLong();
    AtomicReference<String> failure = new AtomicReference<>();
    List<Thread> clients = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread c = new Thread(() -> {
        long i;
        while (failure.get() == null && (i = next.getAndIncrement()) < n) {
          try {
            HttpResponse<String> r = get(api, "/api?key=" + keys.key(i));
            if (r.statusCode() != 200) {
              failure.compareAndSet(null, "key " + keys.key(i) + ": " + r.statusCode() + " " + r.body());
            }
          } catch (IOException | InterruptedException e) {
            failure.compareAndSet(null, "key " + keys.key(i) + ": " + e);
          }
        }
      }, "fill-" + t);
      clients.add(c);
      c.start();
    }
    for (Thread c : clients) {
      c.join();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("the fill failed: " + failure.get());
    }
  }

  private HttpResponse<String> get(int api, String pathAndQuery) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api + pathAndQuery))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private void awaitHealthy(int api, Process node, Path logFile) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!node.isAlive()) {
        throw new IllegalStateException("the node ended at start: " + Files.readString(logFile));
      }
      try {
        if (get(api, "/healthz").statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the node did not become healthy in 120 s: " + Files.readString(logFile));
  }

  /** The node's heap after full collections, once two readings differ by less than 1 MiB. */
  private long settledHeap(Process node, int api) throws Exception {
    long previous = Long.MAX_VALUE;
    for (int i = 0; i < 20; i++) {
      jcmd(node, "GC.run");
      Thread.sleep(200);
      long used = heapUsed(api);
      if (i >= 2 && Math.abs(previous - used) < (1 << 20)) {
        return Math.min(previous, used);
      }
      previous = used;
    }
    return previous;
  }

  /** The sum of {@code jvm_memory_used_bytes{area="heap"}} of the node's {@code /metrics}. */
  private long heapUsed(int api) throws Exception {
    double sum = 0;
    for (String line : get(api, "/metrics").body().split("\n")) {
      if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    if (sum == 0) {
      throw new IllegalStateException("the node's /metrics has no jvm_memory_used_bytes of the heap");
    }
    return (long) sum;
  }

  private static long liveObjects(Process node) throws Exception {
    for (String line : jcmd(node, "GC.class_histogram").split("\n")) {
      String t = line.trim();
      if (t.startsWith("Total")) {
        return Long.parseLong(t.split("\\s+")[1]);
      }
    }
    throw new IllegalStateException("no Total line in the node's class histogram");
  }

  private static String jcmd(Process node, String command) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(node.pid()), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + node.pid() + " " + command + " failed: " + out);
    }
    return out;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
