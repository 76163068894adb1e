package org.groupcache4j.spring.boot;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.groupcache4j.GroupCache;
import org.groupcache4j.ValueCodec;
import org.groupcache4j.discovery.PeerDiscovery;
import org.groupcache4j.discovery.PeerWatcher;
import org.groupcache4j.http.HttpPeerTransport;
import org.groupcache4j.http.PeerTls;
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

  private final GroupCacheProperties properties;
  private final GroupCache cache;
  private final GroupCacheCacheManager manager;
  private volatile State state = State.STARTING;
  private volatile Instant since = Instant.now();
  private volatile PeerWatcher watcher;

  /** What {@code groupcache4j.caches.<name>.codec} names. */
  record Codecs(ValueCodec<Object> defaults, ValueCodec<Object> javaOnly, Function<String, ValueCodec<?>> beans) {}

  GroupCacheNode(GroupCacheProperties properties, Codecs codecs, List<CacheValueLoader> loaders) {
    this.properties = properties;
    Settings.check(properties);
    Map<String, CacheValueLoader> loaderOf = new java.util.LinkedHashMap<>();
    for (CacheValueLoader l : loaders) {
      if (!properties.getCaches().containsKey(l.cacheName())) {
        throw new IllegalArgumentException("the CacheValueLoader " + l + " loads cache '" + l.cacheName() + "', which is "
            + "not declared: declare it (groupcache4j.caches." + l.cacheName() + ".cache-bytes=64MB) or fix the name; "
            + "declared: " + properties.getCaches().keySet());
      }
      if (loaderOf.putIfAbsent(l.cacheName(), l) != null) {
        throw new IllegalArgumentException("cache '" + l.cacheName() + "' has two CacheValueLoader beans: "
            + loaderOf.get(l.cacheName()) + " and " + l);
      }
    }
    GroupCache built = build(properties);
    try {
      GroupCacheCacheManager.Builder mb = GroupCacheCacheManager.builder(built).valueCodec(codecs.defaults());
      for (Map.Entry<String, GroupCacheProperties.Cache> e : properties.getCaches().entrySet()) {
        String name = e.getKey();
        GroupCacheProperties.Cache c = e.getValue();
        ValueCodec<?> codec = Settings.codec(name, c.getCodec(), codecs);
        java.util.function.Consumer<org.groupcache4j.Group.Builder> settings = g -> {
          g.cacheBytes(c.getCacheBytes().toBytes())
              .evictionPolicy(c.getEviction())
              .loadTimeout(c.getLoadTimeout())
              .maxKeyBytes(c.getMaxKeyBytes());
          if (c.getTtl() != null) {
            g.expireAfterWrite(c.getTtl());
          }
          if (c.getNotFoundTtl() != null) {
            g.notFoundTtl(c.getNotFoundTtl());
          }
        };
        CacheValueLoader loader = loaderOf.get(name);
        if (loader == null) {
          mb.cache(name, settings, codec);
        } else {
          mb.cache(name, settings, codec, loader);
        }
      }
      this.manager = mb.build();
    } catch (RuntimeException e) {
      built.close();
      throw e;
    }
    this.cache = built;
  }

  private static GroupCache build(GroupCacheProperties p) {
    GroupCache.Builder b = GroupCache.builder().replicas(p.getReplicas());
    if (p.getSelf() == null) {
      return b.build(); // this JVM alone
    }
    HttpPeerTransport.Builder tb = HttpPeerTransport.builder().basePath(p.getBasePath());
    if (p.getListen() != null) {
      tb.bindAddress(Settings.hostPort("groupcache4j.listen", p.getListen()));
    }
    if (p.getTlsCert() != null || p.getTlsCa() != null) {
      PeerTls.Builder tls = PeerTls.builder();
      if (p.getTlsCert() != null) {
        tls.certificate(p.getTlsCert(), p.getTlsKey());
      }
      if (p.getTlsCa() != null) {
        tls.trustedCertificates(p.getTlsCa());
      }
      tb.tls(tls.mutual(p.isPeerMtls()).build());
    }
    if (p.getPeerTokenFile() != null) {
      tb.peerTokenFile(p.getPeerTokenFile());
    }
    HttpPeerTransport transport = tb.build();
    try {
      return b.self(p.getSelf()).transport(transport).build();
    } catch (java.io.UncheckedIOException e) {
      String why = String.valueOf(e.getCause().getMessage());
      throw new IllegalStateException("groupcache4j.self=" + p.getSelf() + ": cannot listen for peers"
          + (p.getListen() != null ? " on " + p.getListen() : "") + ": " + why
          + (why.contains("in use") ? " (is another process using the port? set another port in self, or listen)" : ""), e);
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
      if (pool.getType() != MemoryType.HEAP || !pool.isCollectionUsageThresholdSupported()) {
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
    GroupCacheProperties p = properties;
    if (p.getSelf() != null) {
      if (p.getPeersFile() != null) {
        watcher = PeerWatcher.start(cache, PeerDiscovery.file(p.getPeersFile()), p.getPeersDnsInterval());
      } else if (p.getPeersDns() != null) {
        watcher = PeerWatcher.start(cache, PeerDiscovery.dns(p.getPeersDns()), p.getPeersDnsInterval());
      } else {
        cache.setPeers(p.getPeers().isEmpty() ? List.of(p.getSelf()) : p.getPeers());
      }
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
    long deadline = System.nanoTime() + properties.getDrainTimeout().toNanos();
    while (inFlight() > 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(10_000_000L);
    }
    int left = inFlight();
    if (left > 0) {
      log.warn("groupcache4j node " + cache.self() + ": " + left + " load(s) of this node's callers still running after "
          + properties.getDrainTimeout() + " (groupcache4j.drain-timeout); closing anyway");
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

  /** Checks and parsing of the properties, with messages that name the property and what it accepts. */
  static final class Settings {
    /** Heap per budget byte (BENCHMARKS.md measures 1.19-1.20 for 1 KiB values), and what the node needs besides. */
    static final double HEAP_PER_BUDGET_BYTE = 1.25;
    static final long HEADROOM = 96L << 20;

    private Settings() {}

    static void check(GroupCacheProperties p) {
      int sources = (p.getPeers().isEmpty() ? 0 : 1) + (p.getPeersFile() == null ? 0 : 1) + (p.getPeersDns() == null ? 0 : 1);
      if (sources > 1) {
        throw new IllegalArgumentException("groupcache4j.peers, groupcache4j.peers-file and groupcache4j.peers-dns "
            + "are alternatives: set one of them");
      }
      if (p.getSelf() == null) {
        if (sources > 0 || p.getListen() != null) {
          throw new IllegalArgumentException("groupcache4j.self is not set, but " + (sources > 0 ? "peers are" : "listen is")
              + ": set groupcache4j.self to this node's peer URL as the peer list names it (e.g. http://10.0.0.1:8001)");
        }
      } else {
        url("groupcache4j.self", p.getSelf());
        for (String peer : p.getPeers()) {
          url("groupcache4j.peers", peer);
        }
        if (!p.getPeers().isEmpty() && !p.getPeers().contains(p.getSelf())) {
          throw new IllegalArgumentException("groupcache4j.peers " + p.getPeers() + " does not name this node's "
              + "groupcache4j.self " + p.getSelf() + ": list every node, this one included, with the same URL strings");
        }
        if (p.getSelf().startsWith("https://") && p.getTlsCert() == null) {
          throw new IllegalArgumentException("groupcache4j.self " + p.getSelf() + " is https://: set groupcache4j.tls-cert "
              + "and groupcache4j.tls-key");
        }
      }
      if ((p.getTlsCert() == null) != (p.getTlsKey() == null)) {
        throw new IllegalArgumentException("groupcache4j.tls-cert and groupcache4j.tls-key go together: set both");
      }
      if (p.getReplicas() < 1) {
        throw new IllegalArgumentException("groupcache4j.replicas must be at least 1, was " + p.getReplicas());
      }
      if (!p.getBasePath().startsWith("/") || !p.getBasePath().endsWith("/")) {
        throw new IllegalArgumentException("groupcache4j.base-path must start and end with '/', was '" + p.getBasePath() + "'");
      }
      long total = 0;
      for (Map.Entry<String, GroupCacheProperties.Cache> e : p.getCaches().entrySet()) {
        GroupCacheProperties.Cache c = e.getValue();
        String at = "groupcache4j.caches." + e.getKey() + ".";
        if (c.getCacheBytes() == null || c.getCacheBytes().toBytes() < 0) {
          throw new IllegalArgumentException(at + "cache-bytes must be a size of 0 or more, e.g. 64MB");
        }
        positive(at + "ttl", c.getTtl());
        positive(at + "not-found-ttl", c.getNotFoundTtl());
        positive(at + "load-timeout", c.getLoadTimeout());
        if (c.getMaxKeyBytes() < 1) {
          throw new IllegalArgumentException(at + "max-key-bytes must be at least 1, was " + c.getMaxKeyBytes());
        }
        total += c.getCacheBytes().toBytes();
      }
      long max = Runtime.getRuntime().maxMemory();
      double need = total * HEAP_PER_BUDGET_BYTE + HEADROOM;
      if (total > 0 && need > max) {
        throw new IllegalArgumentException("the caches' budgets (groupcache4j.caches.*.cache-bytes) add up to "
            + (total >> 20) + " MiB, which needs about " + (long) Math.ceil(need / (1 << 20)) + " MiB of heap ("
            + HEAP_PER_BUDGET_BYTE + " bytes of heap per budget byte + " + (HEADROOM >> 20) + " MiB), but this JVM may "
            + "use at most " + (max >> 20) + " MiB besides the application's own: raise -Xmx or lower the budgets");
      }
    }

    private static void positive(String name, Duration d) {
      if (d != null && (d.isNegative() || d.isZero())) {
        throw new IllegalArgumentException(name + " must be a positive duration (e.g. 10s, 5m), was " + d);
      }
    }

    static URI url(String name, String value) {
      URI u;
      try {
        u = new URI(value);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(name + ": '" + value + "' is not a URL (" + e.getReason()
            + "); write http://HOST:PORT or https://HOST:PORT");
      }
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null || u.getPort() < 1
          || u.getPort() > 65535 || u.getRawPath() != null && !u.getRawPath().isEmpty() || u.getRawQuery() != null) {
        throw new IllegalArgumentException(name + ": '" + value + "' is not http://HOST:PORT or https://HOST:PORT "
            + "(a peer URL has a scheme, a host and a port, and no path)");
      }
      return u;
    }

    static InetSocketAddress hostPort(String name, String value) {
      int colon = value.lastIndexOf(':');
      String host = colon < 0 ? "" : value.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      try {
        port = colon < 0 ? -1 : Integer.parseInt(value.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (host.isEmpty() || port < 0 || port > 65535) {
        throw new IllegalArgumentException(name + ": '" + value + "' is not HOST:PORT (e.g. 0.0.0.0:8001, [::]:8001)");
      }
      InetSocketAddress a = new InetSocketAddress(host, port);
      if (a.isUnresolved()) {
        throw new IllegalArgumentException(name + ": host '" + host + "' of '" + value + "' does not resolve");
      }
      return a;
    }

    static ValueCodec<?> codec(String cache, String codec, Codecs codecs) {
      String c = codec == null ? "default" : codec.trim();
      switch (c) {
        case "default":
          return codecs.defaults();
        case "java":
          return codecs.javaOnly();
        case "text":
          return ValueCodec.utf8();
        case "bytes":
          return ValueCodec.bytes();
        default:
          ValueCodec<?> bean = codecs.beans().apply(c);
          if (bean == null) {
            throw new IllegalArgumentException("groupcache4j.caches." + cache + ".codec: '" + c + "' is neither default, "
                + "java, text nor bytes, and no ValueCodec bean has that name");
          }
          return bean;
      }
    }
  }
}
