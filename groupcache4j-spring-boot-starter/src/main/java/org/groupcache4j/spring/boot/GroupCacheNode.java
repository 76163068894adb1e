package org.groupcache4j.spring.boot;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.groupcache4j.GroupCache;
import org.groupcache4j.ValueCodec;
import org.groupcache4j.discovery.PeerWatcher;
import org.groupcache4j.http.HttpPeerTransport;
import org.groupcache4j.http.PeerTls;
import org.groupcache4j.internal.HeapPerBudgetByte;
import org.groupcache4j.node.settings.GroupSpec;
import org.groupcache4j.node.settings.NodeSpec;
import org.groupcache4j.peer.PeerState;
import org.groupcache4j.spring.CacheValueLoader;
import org.groupcache4j.spring.GroupCacheCache;
import org.groupcache4j.spring.GroupCacheCacheManager;
import org.springframework.context.SmartLifecycle;

/**
 * The groupcache4j node of a Spring application: its {@link GroupCache} (with the HTTP peer
 * transport when {@code groupcache4j.self} is set), a group per declared cache, and the
 * {@link GroupCacheCacheManager} over them; it follows the application context's lifecycle.
 *
 * <p>The groups exist as soon as the node does, before it listens for peers, so a peer never
 * asks this node for a group it does not know. The node joins its peers when the context starts
 * ({@link #start()}: the peer list is set or its file/DNS watched) and leaves when it stops
 * ({@link #stop()}): it reports itself draining (the health contributor answers OUT_OF_SERVICE),
 * waits up to {@code groupcache4j.drain-timeout} for the loads its own callers run (so that a
 * value being computed reaches its owner), then stops serving peers, which take over its keys.
 * Its lifecycle phase stops it after the web server has finished the requests in flight.
 */
public final class GroupCacheNode implements SmartLifecycle {
  private static final Log log = LogFactory.getLog(GroupCacheNode.class);
  /** After the web server's graceful shutdown (phase {@code DEFAULT_PHASE - 1024}) and its stop ({@code - 2048}). */
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;
  /** A heap pool this full right after a collection is short of heap. */
  static final double HEAP_SHORT_FRACTION = 0.9;

  /** Where the node is in its life. */
  public enum State {
    /** Built, not yet joined its peers. */
    STARTING,
    /** Serving. */
    READY,
    /** The application is stopping: loads of its callers are finishing. */
    DRAINING,
    /** Closed. */
    STOPPED
  }

  private final StarterSettings.Resolved settings;
  private final GroupCache cache;
  private final GroupCacheCacheManager manager;
  private final Map<String, ValueCodec<?>> codecOf;
  private volatile State state = State.STARTING;
  private volatile Instant since = Instant.now();
  private volatile PeerWatcher watcher;
  private volatile StarterWarmup.Report warmUp = StarterWarmup.Report.off("off (groupcache4j.self is not set: a node of this JVM alone)");

  /** What {@code groupcache4j.caches.<name>.codec} names. */
  record Codecs(ValueCodec<Object> defaults, ValueCodec<Object> javaOnly, Function<String, ValueCodec<?>> beans) {}

  GroupCacheNode(StarterSettings.Resolved settings, Codecs codecs, List<CacheValueLoader> loaders) {
    this.settings = settings;
    Map<String, CacheValueLoader> loaderOf = new java.util.LinkedHashMap<>();
    for (CacheValueLoader l : loaders) {
      if (!settings.caches().containsKey(l.cacheName())) {
        throw new IllegalArgumentException("the CacheValueLoader " + l + " loads cache '" + l.cacheName() + "', which is "
            + "not declared: declare it (groupcache4j.caches." + l.cacheName() + ".cache-bytes=64MB) or fix the name; "
            + "declared: " + settings.caches().keySet());
      }
      if (loaderOf.putIfAbsent(l.cacheName(), l) != null) {
        throw new IllegalArgumentException("cache '" + l.cacheName() + "' has two CacheValueLoader beans: "
            + loaderOf.get(l.cacheName()) + " and " + l);
      }
    }
    Map<String, ValueCodec<?>> codecOf = new java.util.LinkedHashMap<>();
    settings.caches().forEach((name, c) -> codecOf.put(name, codec(name, c.codec(), codecs)));
    checkHeap(settings);
    GroupCache built = build(settings);
    try {
      GroupCacheCacheManager.Builder mb = GroupCacheCacheManager.builder(built).valueCodec(codecs.defaults());
      for (Map.Entry<String, StarterSettings.Cache> e : settings.caches().entrySet()) {
        String name = e.getKey();
        StarterSettings.Cache c = e.getValue();
        java.util.function.Consumer<org.groupcache4j.Group.Builder> group =
            g -> c.group().applyTo(g).maxKeyBytes(c.maxKeyBytes());
        CacheValueLoader loader = loaderOf.get(name);
        if (loader == null) {
          mb.cache(name, group, codecOf.get(name));
        } else {
          mb.cache(name, group, codecOf.get(name), loader);
        }
      }
      this.manager = mb.build();
    } catch (RuntimeException e) {
      built.close();
      throw e;
    }
    this.cache = built;
    this.codecOf = Map.copyOf(codecOf);
  }

  private static GroupCache build(StarterSettings.Resolved settings) {
    NodeSpec n = settings.node();
    if (n == null) {
      GroupCache.Builder b = GroupCache.builder();
      return b.build(); // this JVM alone
    }
    Duration response = settings.peerResponseTimeout();
    HttpPeerTransport.Builder tb = HttpPeerTransport.builder().basePath(n.basePath()).connectTimeout(n.peerConnectTimeout());
    if (response != null) {
      tb.responseTimeout(response);
    }
    if (n.peerListen() != null) {
      InetSocketAddress a = n.peerListen();
      InetSocketAddress resolved = a.isUnresolved() ? new InetSocketAddress(a.getHostString(), a.getPort()) : a;
      if (resolved.isUnresolved()) {
        throw new IllegalArgumentException("Invalid value for property 'groupcache4j.listen': host '" + a.getHostString()
            + "' does not resolve");
      }
      tb.bindAddress(resolved);
    }
    if (n.tlsCertificate() != null || n.tlsCa() != null) {
      PeerTls.Builder tls = PeerTls.builder();
      if (n.tlsCertificate() != null) {
        tls.certificate(n.tlsCertificate(), n.tlsKey());
      }
      if (n.tlsCa() != null) {
        tls.trustedCertificates(n.tlsCa());
      }
      tb.tls(tls.mutual(n.peerMtls()).build());
    }
    if (n.peerTokenFile() != null) {
      tb.peerTokenFile(n.peerTokenFile());
    }
    if (n.peerConnections() != null) {
      tb.maxConnectionsPerPeer(n.peerConnections());
    }
    if (n.peerThreads() != null) {
      tb.eventLoopThreads(n.peerThreads());
    }
    HttpPeerTransport transport = tb.build();
    try {
      GroupCache.Builder cb = GroupCache.builder().self(n.self()).ringMode(n.ring()).transport(transport);
      if (n.ring().hasReplicas()) {
        cb.replicas(n.replicas());
      }
      return cb.build();
    } catch (java.io.UncheckedIOException e) {
      String why = String.valueOf(e.getCause().getMessage());
      throw new IllegalStateException("groupcache4j.self=" + n.self() + ": cannot listen for peers"
          + (n.peerListen() != null ? " on " + n.peerListen() : "") + ": " + why
          + (why.contains("in use") ? " (is another process using the port? give self another port, or set listen)" : ""), e);
    }
  }

  /** The node's {@link GroupCache}. */
  public GroupCache cache() {
    return cache;
  }

  /** The cache manager over the declared caches. */
  public GroupCacheCacheManager cacheManager() {
    return manager;
  }

  /** Where the node is in its life. */
  public State state() {
    return state;
  }

  /** Since when it is in {@link #state()}. */
  public Instant since() {
    return since;
  }

  /** What the warm-up did at the start ({@code groupcache4j.warm-up}). */
  StarterWarmup.Report warmUp() {
    return warmUp;
  }

  /** What the node thinks of each remote peer ({@link GroupCache#peerStates()}). */
  public List<PeerState> peerStates() {
    return cache.peerStates();
  }

  /** Where the peers come from and what was last found, or null for a fixed list. */
  public PeerWatcher.Status peerDiscovery() {
    PeerWatcher w = watcher;
    return w == null ? null : w.status();
  }

  /**
   * Why the node is short of heap, or null: a heap pool was more than 90 % full right after its
   * last collection (the caches, the values in flight and the application no longer fit).
   */
  public String heapShortage() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      // Old generations only: a survivor space full after a minor collection is normal (young pools
      // have no usage threshold).
      if (pool.getType() != MemoryType.HEAP || !pool.isCollectionUsageThresholdSupported()
          || !pool.isUsageThresholdSupported()) {
        continue;
      }
      MemoryUsage after = pool.getCollectionUsage();
      if (after != null && after.getMax() > 0 && after.getUsed() > HEAP_SHORT_FRACTION * after.getMax()) {
        return "heap pool '" + pool.getName() + "' is " + Math.round(100.0 * after.getUsed() / after.getMax())
            + "% full after garbage collection (" + (after.getUsed() >> 20) + " MiB of " + (after.getMax() >> 20)
            + " MiB; cache budgets " + (totalBudget() >> 20) + " MiB): raise -Xmx or lower groupcache4j.caches.*.cache-bytes";
      }
    }
    return null;
  }

  long totalBudget() {
    long sum = 0;
    for (GroupCacheCache c : manager.caches()) {
      sum += c.getNativeCache().cacheBytes();
    }
    return sum;
  }

  // ---- lifecycle

  @Override
  public synchronized void start() {
    if (state != State.STARTING) {
      return;
    }
    NodeSpec n = settings.node();
    if (n != null) {
      // before it joins: peers and the health check find it only once its JVM is warm
      warmUp = StarterWarmup.run(settings, codecOf, settings.warmUp());
      if (n.peerSource() != null) {
        watcher = PeerWatcher.start(cache, n.peerSource().discovery(), n.peerSource().interval());
      } else {
        cache.setPeers(n.peers());
      }
      // A restart or a rolling deploy: its keys are at the instances that held them meanwhile.
      cache.takeBack();
    }
    move(State.READY);
    log.info("groupcache4j node " + cache.self() + " ready: caches " + manager.getCacheNames() + ", peers "
        + cache.peers() + (watcher != null ? " from " + watcher.status().source() : ""));
  }

  @Override
  public void stop() {
    synchronized (this) {
      if (state != State.READY) {
        return;
      }
      move(State.DRAINING);
    }
    long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
    while (inFlight() > 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(10_000_000L);
    }
    int left = inFlight();
    if (left > 0) {
      log.warn("groupcache4j node " + cache.self() + ": " + left + " load(s) of this node's callers still running after "
          + settings.drainTimeout() + " (groupcache4j.drain-timeout); closing anyway");
    }
    close();
  }

  private int inFlight() {
    int n = 0;
    for (GroupCacheCache c : manager.caches()) {
      n += c.loadsInFlight();
    }
    return n;
  }

  /** Stops serving peers and loading; idempotent (also the bean's destroy method). */
  public synchronized void close() {
    if (state == State.STOPPED) {
      return;
    }
    PeerWatcher w = watcher;
    if (w != null) {
      w.close();
    }
    cache.close();
    move(State.STOPPED);
  }

  private void move(State s) {
    state = s;
    since = Instant.now();
  }

  @Override
  public boolean isRunning() {
    return state == State.READY || state == State.DRAINING;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  @Override
  public String toString() {
    return "GroupCacheNode[" + cache.self() + ", " + state + ", caches " + manager.getCacheNames() + "]";
  }

  /** Heap the node needs besides its caches (and besides the application's own). */
  static final long HEADROOM = HeapPerBudgetByte.NODE_HEADROOM;

  /** The caches' budgets must fit the heap, or every new key would fail for lack of it instead of evicting. */
  private static void checkHeap(StarterSettings.Resolved settings) {
    String refusal = heapRefusal(settings.caches().values().stream().map(StarterSettings.Cache::group).toList(),
        Runtime.getRuntime().maxMemory());
    if (refusal != null) {
      throw new IllegalArgumentException(refusal);
    }
  }

  /**
   * Why the budgets of {@code groups} cannot fit a heap of at most {@code maxHeap} bytes, or null
   * if they fit: each budget takes the heap per budget byte that BENCHMARKS.md measures for its
   * store ({@link HeapPerBudgetByte}: less for the compact store than for W-TinyLFU and LRU), and
   * the node {@link #HEADROOM} besides.
   */
  static String heapRefusal(Collection<GroupSpec> groups, long maxHeap) {
    long total = 0;
    double need = HEADROOM;
    double least = Double.MAX_VALUE;
    double most = 0;
    for (GroupSpec g : groups) {
      total = total + g.cacheBytes() < 0 ? Long.MAX_VALUE : total + g.cacheBytes(); // saturates: never wraps to "fits"
      double factor = HeapPerBudgetByte.of(g.eviction());
      need += Math.ceil(g.cacheBytes() * factor);
      if (g.cacheBytes() > 0) {
        least = Math.min(least, factor);
        most = Math.max(most, factor);
      }
    }
    if (total == 0 || need <= maxHeap) {
      return null;
    }
    return "the caches' budgets (groupcache4j.caches.*.cache-bytes) add up to " + (total >> 20) + " MiB, which needs "
        + "about " + (long) Math.ceil(need / (1 << 20)) + " MiB of heap (" + (least == most ? least : least + " to " + most)
        + " bytes of heap per budget byte" + (least == most ? "" : " by each cache's eviction policy") + " + "
        + (HEADROOM >> 20) + " MiB), but this JVM may use at most " + (maxHeap >> 20) + " MiB besides the "
        + "application's own: raise -Xmx or lower the budgets";
  }

  private static ValueCodec<?> codec(String cache, String codec, Codecs codecs) {
    switch (codec) {
      case "default":
        return codecs.defaults();
      case "java":
        return codecs.javaOnly();
      case "text":
        return ValueCodec.utf8();
      case "bytes":
        return ValueCodec.bytes();
      default:
        ValueCodec<?> bean = codecs.beans().apply(codec);
        if (bean == null) {
          throw new IllegalArgumentException("Invalid value for property 'groupcache4j.caches." + cache + ".codec': '"
              + codec + "': use default, java, text, bytes or the name of a ValueCodec bean (there is no such bean)");
        }
        return bean;
    }
  }
}
