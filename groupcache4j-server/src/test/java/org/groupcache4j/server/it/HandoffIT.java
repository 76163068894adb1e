package org.groupcache4j.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling restart of one node of three separate JVMs (SIGTERM, started again) under reads and
 * writes through the other two: the node hands its entries to the next owners before it stops
 * (its INFO line, their /stats and /metrics say so), no read fails, and no read that starts after
 * a write returned sees the value from before it, whether the write was a remove or a set: a
 * handed-off value never wins over a newer one. The origin is a directory whose files the writer
 * changes before it tells the cache, as an application that writes through does. And a node killed
 * with SIGKILL, halfway through its handoff or with nothing handed over, then started again.
 */
class HandoffIT {
  private static final int KEYS = 200;
  @TempDir Path origin;
  private Processes processes;
  private List<String> peers;
  private int[] api;
  private List<Process> nodes;

  @BeforeEach
  void start() throws Exception {
    processes = new Processes();
    for (int i = 0; i < KEYS; i++) {
      Files.writeString(origin.resolve("k" + i), "v1-k" + i);
    }
    Processes.Cluster c = processes.startCluster(3, FLAGS.apply(origin).toArray(String[]::new));
    peers = c.peers();
    api = c.api();
    nodes = new ArrayList<>(c.nodes());
  }

  private static final java.util.function.Function<Path, List<String>> FLAGS = origin -> List.of("--origin",
      "dir:" + origin, "--shutdown-grace", "2s");

  /** Node {@code i + 1}'s command line, as {@link Processes#startCluster} gave it. */
  private List<String> args(int i) {
    List<String> args = new ArrayList<>(List.of("serve", "--self", peers.get(i), "--peers", String.join(",", peers),
        "--api", "127.0.0.1:" + api[i], "--api-threads", "1"));
    args.addAll(FLAGS.apply(origin));
    return args;
  }

  @AfterEach
  void stop() {
    processes.close();
  }

  /** A read: when it started, the key, and what it answered. */
  private record Read(long startNanos, String key, int status, String body) {}

  @Test
  void aRollUnderReadsAndWritesHandsEntriesOverAndNoRemovedOrOverwrittenValueComesBack() throws Exception {
    for (int i = 0; i < KEYS; i++) {
      assertThat(get(api[i % 2], "k" + i).statusCode()).isEqualTo(200);
    }
    Map<String, String> newValue = new ConcurrentHashMap<>(); // key -> its value after its write
    Map<String, Long> writtenAt = new ConcurrentHashMap<>(); // key -> when its write returned
    Queue<Read> reads = new ConcurrentLinkedQueue<>();
    Queue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger readCount = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < 2; c++) {
      int port = api[c];
      int seed = c;
      threads.add(new Thread(() -> {
        for (int i = seed; !stop.get(); i += 7) {
          String key = "k" + (i % KEYS);
          long t0 = System.nanoTime();
          try {
            HttpResponse<String> r = get(port, key);
            reads.add(new Read(t0, key, r.statusCode(), r.body()));
            readCount.incrementAndGet();
          } catch (Exception e) {
            failures.add(key + " at " + port + ": " + e);
          }
        }
      }, "reader-" + c));
    }
    Thread writer = new Thread(() -> {
      // every 5th key once: a remove (the origin's file changed first) or a set (file and value)
      for (int i = 0; i < KEYS && !stop.get(); i += 5) {
        String key = "k" + i;
        boolean remove = (i / 5) % 2 == 0;
        String value = (remove ? "v2-" : "v3-") + key;
        try {
          Files.writeString(origin.resolve(key), value);
          HttpResponse<String> r = remove ? write("DELETE", api[i % 2], key, null)
              : write("PUT", api[i % 2], key, value);
          if (r.statusCode() == 200) {
            newValue.put(key, value);
            writtenAt.put(key, System.nanoTime());
          } else {
            failures.add((remove ? "remove " : "set ") + key + ": " + r.statusCode() + " " + r.body());
          }
        } catch (Exception e) {
          failures.add("write " + key + ": " + e);
        }
      }
    }, "writer");
    threads.forEach(Thread::start);

    // The roll of node 3, with the writes while it hands over, is away and comes back.
    Process node3 = nodes.get(2);
    node3.destroy(); // SIGTERM
    writer.start();
    assertThat(node3.waitFor(60, TimeUnit.SECONDS)).as("node 3 stopped after SIGTERM").isTrue();
    assertThat(node3.exitValue()).isZero();
    String leaving = processes.logText("node3");
    Process again = processes.launch("node3", args(2));
    writer.join(120_000);
    nodes.set(2, again);
    org.awaitility.Awaitility.await("node 3 up again").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
        .until(() -> {
          assertThat(again.isAlive()).as("node 3 exited:%n%s", processes.logText("node3")).isTrue();
          return processes.healthy(api[2]);
        });
    int before = readCount.get();
    org.awaitility.Awaitility.await("reads after node 3 is back").atMost(Duration.ofSeconds(120))
        .until(() -> readCount.get() >= before + 400);
    stop.set(true);
    for (Thread t : threads) {
      t.join(60_000);
    }

    assertThat(failures).as("failed reads and writes").isEmpty();
    assertThat(reads).as("answers other than 200").allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
    assertThat(newValue).as("writes applied").hasSizeGreaterThan(KEYS / 10);
    List<Read> stale = reads.stream().filter(r -> writtenAt.containsKey(r.key())
        && r.startNanos() > writtenAt.get(r.key()) && !r.body().equals(newValue.get(r.key()))).toList();
    assertThat(stale).as("reads that started after the key's write and saw an older value").isEmpty();
    for (int n = 0; n < 3; n++) {
      for (Map.Entry<String, String> w : newValue.entrySet()) {
        assertThat(get(api[n], w.getKey()).body()).as("%s at node %d", w.getKey(), n + 1).isEqualTo(w.getValue());
      }
    }

    assertThat(leaving).as("node 3's log").containsPattern("handoff of " + peers.get(2) + ": [1-9][0-9]* entries");
    assertThat(processes.logText("node3")).as("node 3's log once started again: it took its keys back before ready")
        .containsPattern("take-back of " + java.util.regex.Pattern.quote(peers.get(2)) + ": [1-9][0-9]* entries");
    long received = 0;
    for (int n = 0; n < 2; n++) {
      @SuppressWarnings("unchecked")
      Map<String, Object> h = (Map<String, Object>) processes.stats(api[n]).get("handoff");
      received += ((Number) h.get("received")).longValue();
    }
    assertThat(received).as("entries nodes 1 and 2 took from node 3").isPositive();
    String metrics = processes.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api[0] + "/metrics"))
        .build(), HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics).contains("groupcache_handoff_entries_total{direction=\"received\"");
  }

  /**
   * Node 3 killed with SIGKILL halfway through its handoff (slowed to a few KiB a second, so it is
   * under way for seconds): the entries its peers took before it died are kept, the rest are
   * simply loaded again, no read fails, no read that starts after a write sees the value from
   * before it, and node 3 started again serves what every other node serves.
   */
  @Test
  void aNodeKilledHalfwayThroughItsHandoffLeavesNoReadFailedAndNoValueStale() throws Exception {
    processes.close();
    processes = new Processes();
    String big = "x".repeat(1000);
    for (int i = 0; i < KEYS; i++) {
      Files.writeString(origin.resolve("k" + i), "v1-k" + i + big);
    }
    List<String> slow = List.of("--origin", "dir:" + origin, "--shutdown-grace", "1s", "--handoff-time", "60s",
        "--handoff-rate", "8KiB");
    Processes.Cluster c = processes.startCluster(3, slow.toArray(String[]::new));
    peers = c.peers();
    api = c.api();
    nodes = new ArrayList<>(c.nodes());
    for (int i = 0; i < KEYS; i++) {
      assertThat(get(api[i % 2], "k" + i).statusCode()).isEqualTo(200);
    }
    Map<String, String> newValue = new ConcurrentHashMap<>();
    Map<String, Long> writtenAt = new ConcurrentHashMap<>();
    Queue<Read> reads = new ConcurrentLinkedQueue<>();
    Queue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    Thread reader = new Thread(() -> {
      for (int i = 0; !stop.get(); i += 7) {
        String key = "k" + (i % KEYS);
        long t0 = System.nanoTime();
        try {
          HttpResponse<String> r = get(api[i % 2], key);
          reads.add(new Read(t0, key, r.statusCode(), r.body()));
        } catch (Exception e) {
          failures.add(key + ": " + e);
        }
      }
    }, "reader");
    reader.start();

    Process node3 = nodes.get(2);
    node3.destroy(); // SIGTERM: the handoff begins
    // Under way once a batch has arrived. Whether its entries are kept depends on the reader: a key
    // it asked for meanwhile was already fetched from node 3 (a draining node is asked as the previous
    // holder), and a handed-off entry never replaces one the receiver holds.
    org.awaitility.Awaitility.await("node 3's handoff reached nodes 1 and 2").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50)).until(() -> handedIn() > 0);
    node3.destroyForcibly(); // SIGKILL, halfway
    assertThat(node3.waitFor(30, TimeUnit.SECONDS)).isTrue();
    long took = handedIn();
    for (int i = 0; i < KEYS; i += 5) { // writes while node 3 is dead
      String key = "k" + i;
      String value = "v2-" + key;
      Files.writeString(origin.resolve(key), value);
      HttpResponse<String> r = i % 2 == 0 ? write("DELETE", api[0], key, null) : write("PUT", api[1], key, value);
      assertThat(r.statusCode()).as("write of %s: %s", key, r.body()).isEqualTo(200);
      newValue.put(key, value);
      writtenAt.put(key, System.nanoTime());
    }
    Process again = processes.launch("node3", List.of("serve", "--self", peers.get(2), "--peers", String.join(",", peers),
        "--api", "127.0.0.1:" + api[2], "--api-threads", "1", "--origin", "dir:" + origin));
    nodes.set(2, again);
    org.awaitility.Awaitility.await("node 3 up again").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
        .until(() -> {
          assertThat(again.isAlive()).as("node 3 exited:%n%s", processes.logText("node3")).isTrue();
          return processes.healthy(api[2]);
        });
    stop.set(true);
    reader.join(60_000);

    assertThat(failures).as("failed reads").isEmpty();
    assertThat(reads).as("answers other than 200").allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
    List<Read> stale = reads.stream().filter(r -> writtenAt.containsKey(r.key())
        && r.startNanos() > writtenAt.get(r.key()) && !r.body().equals(newValue.get(r.key()))).toList();
    assertThat(stale).as("reads that started after the key's write and saw an older value").isEmpty();
    assertThat(took).as("entries handed to nodes 1 and 2 before node 3 died").isPositive();
    for (int n = 0; n < 3; n++) {
      for (int i = 0; i < KEYS; i++) {
        String key = "k" + i;
        String want = newValue.getOrDefault(key, "v1-" + key + big);
        assertThat(get(api[n], key).body()).as("%s at node %d", key, n + 1).isEqualTo(want);
      }
    }
  }

  /**
   * Node 3 killed with SIGKILL and started again: nothing was handed over, and nobody loaded its
   * keys while it was away, since node 1 served them from its copies. Its take-back loads them
   * ahead (node 1 names them), so once it is ready every one of its keys is a hit there: reading
   * every key through it loads nothing more from the origin, and it serves what the origin holds.
   */
  @Test
  void aNodeKilledAndStartedAgainLoadsAheadTheKeysItsPeersHeldAsCopies() throws Exception {
    for (int round = 0; round < 2; round++) { // a key's second fetch keeps a copy of it at node 1
      for (int i = 0; i < KEYS; i++) {
        assertThat(get(api[0], "k" + i).statusCode()).isEqualTo(200);
      }
    }
    Process node3 = nodes.get(2);
    node3.destroyForcibly();
    assertThat(node3.waitFor(30, TimeUnit.SECONDS)).isTrue();
    Process again = processes.launch("node3", args(2));
    nodes.set(2, again);
    org.awaitility.Awaitility.await("node 3 up again").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
        .until(() -> {
          assertThat(again.isAlive()).as("node 3 exited:%n%s", processes.logText("node3")).isTrue();
          return processes.healthy(api[2]);
        });
    Map<String, Object> atReady = processes.stats(api[2]);
    long loadedAhead = ((Number) ((Map<?, ?>) atReady.get("handoff")).get("loadedAhead")).longValue();
    long loadsAtReady = localLoads(atReady);
    assertThat(loadedAhead).as("keys node 3 loaded ahead").isGreaterThan(KEYS / 10);
    assertThat(loadsAtReady).as("node 3's loads before it was ready: those ahead").isEqualTo(loadedAhead);
    assertThat(processes.logText("node3")).contains(loadedAhead + " loaded ahead");

    for (int i = 0; i < KEYS; i++) {
      assertThat(get(api[2], "k" + i).body()).as("k%d at node 3", i).isEqualTo("v1-k" + i);
    }
    assertThat(localLoads(processes.stats(api[2]))).as("node 3's loads once it was ready").isEqualTo(loadsAtReady);
  }

  /** The origin loads of every group of a node's {@code /stats}. */
  private static long localLoads(Map<String, Object> stats) {
    long n = 0;
    for (Object g : ((Map<?, ?>) stats.get("groups")).values()) {
      n += ((Number) ((Map<?, ?>) g).get("localLoads")).longValue();
    }
    return n;
  }

  /** Entries of node 3's handoffs that reached nodes 1 and 2 so far, kept or dropped. */
  private long handedIn() throws Exception {
    long n = 0;
    for (int i = 0; i < 2; i++) {
      @SuppressWarnings("unchecked")
      Map<String, Object> h = (Map<String, Object>) processes.stats(api[i]).get("handoff");
      n += ((Number) h.get("received")).longValue() + ((Number) h.get("receivedDropped")).longValue();
    }
    return n;
  }

  private HttpResponse<String> get(int port, String key) throws Exception {
    return processes.ask(port, key);
  }

  private HttpResponse<String> write(String method, int port, String key, String value) throws Exception {
    HttpRequest.BodyPublisher body = value == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(value);
    return processes.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api?key="
            + URLEncoder.encode(key, StandardCharsets.UTF_8))).method(method, body).timeout(Duration.ofSeconds(20))
        .build(), HttpResponse.BodyHandlers.ofString());
  }
}
