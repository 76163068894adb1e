package org.groupcache4j.spring.boot;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.groupcache4j.GroupCache;
import org.groupcache4j.ValueCodec;
import org.groupcache4j.http.HttpPeerTransport;
import org.groupcache4j.micrometer.GroupCacheMetrics;
import org.groupcache4j.node.internal.JitQuiet;
import org.groupcache4j.node.internal.RingChanges;
import org.groupcache4j.node.internal.WarmupThreads;
import org.groupcache4j.node.settings.NodeSpec;
import org.groupcache4j.spring.GroupCacheCacheManager;
import org.springframework.cache.Cache;

/**
 * A warm JVM before the node joins its peers ({@code groupcache4j.warm-up}). A JVM that just
 * started runs the caches' path in the interpreter and compiles it while the first requests
 * wait; on a small machine that makes an instance's first seconds markedly slower than later
 * ones. Before {@link GroupCacheNode#start()} joins the peers (and so before the health
 * contributor reports UP), this runs that path on loopback, in a cluster of two throw-away nodes
 * of this process: a twin of each declared cache in each, with the same group settings (smaller
 * budgets) and the same value codec, driven through Spring's {@link Cache} interface as
 * {@code @Cacheable} drives it: {@code get(key, loader)} (the load leases at the key's owner, the
 * peer fetches, the hot store), {@code get(key)}, {@code put} and {@code evict} (the writes'
 * fan-out to the other node). Meanwhile a third throw-away node joins their ring and leaves it
 * again, over and over ({@link RingChanges}: its take-back, the previous owner asked on a miss, its
 * handoff as it leaves), so that the code of a change of owner is compiled too. The pair carries
 * the node's meters ({@link GroupCacheMetrics}, in a registry of their own): the node's caches
 * have them, so the request path compiled here must call them too, or its first requests would
 * undo that code. While it runs, the
 * project's loggers other than this one's log errors only (the throw-away nodes' handoff lines and
 * warnings are not the application's), and at its end the JVM collects what they left. The
 * values are made up ({@code java.*} objects through the
 * {@code default} and {@code java} codecs, strings, bytes); no method of the application runs, and
 * a cache with a codec bean of the application's is not driven (its values' type is unknown
 * here). Nothing of it stays in the node's caches or metrics.
 *
 * <p>It ends when the JIT compilers go quiet ({@link JitQuiet}) or at its time limit. A warm-up
 * that fails is logged, and the node starts cold.
 */
final class StarterWarmup {
  private static final Log log = LogFactory.getLog(StarterWarmup.class);
  static final int CLIENTS = 2;
  static final int HOT_KEYS = 200;
  static final int ALL_KEYS = 20_000;
  static final long CACHE_BYTES = 4L << 20;
  static final long MIN_REQUESTS = 1_000;

  /** A cache of a throw-away node, and its codec setting. */
  private record Driven(Cache cache, String codec) {}

  /**
   * What a warm-up did.
   *
   * @param caches the caches it drove (those whose values it can make up)
   * @param timed the peer fetches and loads the pair's meters timed
   * @param ended why it ended: {@code settled} (the compilers went quiet), {@code time limit},
   *     {@code off}, or {@code failed: ...}
   */
  record Report(List<String> caches, Duration took, long requests, long failed, String firstFailure, long compileMillis,
      long ringChanges, long timed, String ended) {
    static Report off(String why) {
      return new Report(List.of(), Duration.ZERO, 0, 0, null, 0, 0, 0, why);
    }

    String describe() {
      return String.format(Locale.ROOT, "%s after %.1f s: %,d cache operations on %s (%d failed%s), %d ring changes, "
          + "%.1f s of JIT compilation", ended, took.toMillis() / 1000.0, requests, caches, failed,
          firstFailure == null ? "" : "; the first: " + firstFailure, ringChanges, compileMillis / 1000.0);
    }
  }

  private StarterWarmup() {}

  /**
   * Warms up for at most {@code limit}: the caches of {@code settings}, each with its codec from
   * {@code codecOf} (null: not driven).
   */
  static Report run(StarterSettings.Resolved settings, Map<String, ValueCodec<?>> codecOf, Duration limit) {
    if (limit.isZero() || settings.node() == null || settings.caches().isEmpty()) {
      return Report.off("off");
    }
    LongSupplier compile = JitQuiet.compileMillis();
    long start = System.nanoTime();
    long compiledBefore = compile.getAsLong();
    log.info("groupcache4j: warming up the caches' path on loopback before joining the peers (at most "
        + limit.toMillis() / 1000.0 + " s)");
    Report r;
    try (QuietLogs quiet = QuietLogs.errorsOnlyExcept(StarterWarmup.class)) {
      r = drive(settings, codecOf, limit, start, compile);
    } catch (Exception | LinkageError e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      log.warn("groupcache4j: warm-up failed (" + e + "); the node starts cold");
      return new Report(List.of(), Duration.ofNanos(System.nanoTime() - start), 0, 0, null, 0, 0, 0, "failed: " + e);
    } finally {
      // What the throw-away nodes left, collected before the node joins: the heap check reads the
      // old generation as the last collection left it, which could be one in the warm-up's peak.
      System.gc();
    }
    long compiled = compile.getAsLong();
    if (r.caches().isEmpty()) {
      log.info("groupcache4j: no warm-up: " + r.ended());
      return r;
    }
    r = new Report(r.caches(), r.took(), r.requests(), r.failed(), r.firstFailure(),
        compiled < 0 ? 0 : compiled - compiledBefore, r.ringChanges(), r.timed(), r.ended());
    log.info("groupcache4j: warm-up " + (r.ended().equals("settled") ? "done: " : "stopped: ") + r.describe());
    return r;
  }

  private static Report drive(StarterSettings.Resolved settings, Map<String, ValueCodec<?>> codecOf, Duration limit,
      long start, LongSupplier compile) throws IOException, InterruptedException {
    NodeSpec spec = settings.node();
    String urlA = "http://127.0.0.1:" + RingChanges.freePort();
    String urlB = "http://127.0.0.1:" + RingChanges.freePort();
    List<GroupCache> nodes = new ArrayList<>();
    LongAdder requests = new LongAdder();
    LongAdder failed = new LongAdder();
    AtomicReference<String> firstFailure = new AtomicReference<>();
    RingChanges ringChanges;
    String ended;
    List<List<Driven>> caches = new ArrayList<>(); // per node, the driven caches
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    // The threads close before the nodes: the third node leaves before the pair closes.
    try (WarmupThreads threads = new WarmupThreads()) {
      for (String url : List.of(urlA, urlB)) {
        GroupCache gc = node(spec, url, settings, Duration.ZERO);
        nodes.add(gc);
        caches.add(twins(gc, settings, codecOf));
        new GroupCacheMetrics(gc).bindTo(meters);
      }
      for (GroupCache gc : nodes) {
        gc.setPeers(urlA, urlB);
      }
      if (caches.get(0).isEmpty()) {
        return Report.off("every cache has a codec bean of the application's");
      }
      AtomicBoolean running = threads.running();
      for (int i = 0; i < CLIENTS; i++) {
        SplittableRandom random = new SplittableRandom(i);
        threads.start(() -> {
          while (running.get()) {
            operate(caches, random, requests, failed, firstFailure);
          }
        }, "groupcache4j-warm-up-" + i);
      }
      ringChanges = new RingChanges(nodes.get(0), urlA, nodes.get(1), urlB, new RingChanges.ThirdNode() {
        @Override
        public GroupCache build(String url) {
          return node(spec, url, settings, RingChanges.HANDOFF);
        }

        @Override
        public void addGroups(GroupCache node) {
          twins(node, settings, codecOf);
        }
      }, running);
      threads.start(ringChanges, "groupcache4j-warm-up-ring-changes");
      ended = JitQuiet.await(compile, limit, start, requests::sum, MIN_REQUESTS);
    } finally {
      nodes.forEach(GroupCache::close);
      meters.close();
    }
    List<String> names = caches.get(0).stream().map(d -> d.cache().getName()).toList();
    long timed = 0;
    for (String timer : List.of("groupcache.peer.fetch", "groupcache.load")) {
      timed += meters.find(timer).timers().stream().mapToLong(Timer::count).sum();
    }
    return new Report(names, Duration.ofNanos(System.nanoTime() - start), requests.sum(), failed.sum(),
        firstFailure.get(), 0, ringChanges.rounds(), timed, ended);
  }

  /** One operation on a random cache of a random node: mostly reads that load, some plain reads, puts and evictions. */
  private static void operate(List<List<Driven>> caches, SplittableRandom random, LongAdder requests, LongAdder failed,
      AtomicReference<String> firstFailure) {
    List<Driven> of = caches.get(random.nextInt(caches.size()));
    Driven d = of.get(random.nextInt(of.size()));
    Cache cache = d.cache();
    int n = random.nextInt(10) < 7 ? random.nextInt(HOT_KEYS) : random.nextInt(ALL_KEYS);
    String key = "warm-up-" + n;
    int op = random.nextInt(100);
    try {
      if (op < 80) {
        cache.get(key, () -> value(d.codec(), n));
      } else if (op < 90) {
        cache.get(key);
      } else if (op < 95) {
        cache.put(key, value(d.codec(), n));
      } else {
        cache.evict(key);
      }
    } catch (RuntimeException e) {
      failed.increment();
      firstFailure.compareAndSet(null, cache.getName() + ": " + e);
    }
    requests.increment();
  }

  /** The codec settings whose values the warm-up can make up. */
  static final java.util.Set<String> DRIVEN_CODECS = java.util.Set.of("default", "java", "text", "bytes");

  /** A made-up value for the codec setting {@code codec}: a string, bytes, or {@code java.*} objects (Serializable). */
  static Object value(String codec, int n) {
    String text = "value " + n + " of the warm-up, " + "x".repeat(n % 200);
    if (codec.equals("text")) {
      return text;
    }
    if (codec.equals("bytes")) {
      return text.getBytes(StandardCharsets.UTF_8);
    }
    return new ArrayList<>(List.of(text, n, LocalDate.ofEpochDay(n), Instant.ofEpochSecond(n), List.of("a", "b")));
  }

  /** The twin of each declared cache in {@code gc} whose values it can make up; returns those caches. */
  private static List<Driven> twins(GroupCache gc, StarterSettings.Resolved settings, Map<String, ValueCodec<?>> codecOf) {
    GroupCacheCacheManager.Builder mb = GroupCacheCacheManager.builder(gc);
    List<String> driven = new ArrayList<>();
    for (Map.Entry<String, StarterSettings.Cache> e : settings.caches().entrySet()) {
      StarterSettings.Cache c = e.getValue();
      ValueCodec<?> codec = codecOf.get(e.getKey());
      if (codec == null || !DRIVEN_CODECS.contains(c.codec())) {
        continue;
      }
      mb.cache(e.getKey(), g -> c.group().applyTo(g).maxKeyBytes(c.maxKeyBytes())
          .cacheBytes(Math.min(c.group().cacheBytes(), CACHE_BYTES)), codec);
      driven.add(e.getKey());
    }
    GroupCacheCacheManager m = mb.build();
    List<Driven> out = new ArrayList<>();
    for (String name : driven) {
      out.add(new Driven(m.getCache(name), settings.caches().get(name).codec()));
    }
    return out;
  }

  /** A throw-away node at {@code url}, its transport shaped as the node's (plain HTTP, one event loop). */
  private static GroupCache node(NodeSpec spec, String url, StarterSettings.Resolved settings, Duration handoffTime) {
    Duration response = settings.peerResponseTimeout();
    HttpPeerTransport.Builder tb = HttpPeerTransport.builder().basePath(spec.basePath())
        .connectTimeout(spec.peerConnectTimeout()).eventLoopThreads(1);
    if (response != null) {
      tb.responseTimeout(response);
    }
    // A machine busy starting several instances at once must not make the nodes judge each other
    // down. The pair's entries are thrown away with them, not handed over (handoffTime zero); the
    // third node hands its entries to the pair as it leaves.
    GroupCache.Builder b = GroupCache.builder().self(url).ringMode(spec.ring()).transport(tb.build())
        .peerProbeTimeout(Duration.ofSeconds(5)).handoffTime(handoffTime);
    if (spec.ring().hasReplicas()) {
      b.replicas(spec.replicas());
    }
    return b.build();
  }
}
