package org.groupcache4j.server.internal;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.groupcache4j.Group;
import org.groupcache4j.GroupCache;
import org.groupcache4j.discovery.PeerWatcher;
import org.groupcache4j.http.HttpPeerTransport;
import org.groupcache4j.http.internal.IoResources;
import org.groupcache4j.server.internal.api.ApiServer;
import org.groupcache4j.server.internal.api.StatsJson;
import org.groupcache4j.server.internal.cli.Values;
import org.groupcache4j.server.internal.observe.MemoryWatch;
import org.groupcache4j.server.internal.observe.NodeMetrics;
import org.groupcache4j.server.internal.observe.OperatorLog;
import org.groupcache4j.server.internal.origin.Origin;
import org.groupcache4j.server.internal.origin.OriginConfigException;
import org.groupcache4j.server.internal.origin.OriginLoader;
import org.groupcache4j.server.internal.origin.Origins;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running node: its origin, its {@link GroupCache} with the HTTP peer transport and one group,
 * and (optionally) the client API. Built in that order and closed in reverse: the group exists
 * before the peer list is set and before the API listens.
 *
 * <p>The client API and the peer transport run on one set of event loops (unless
 * {@code --peer-threads} asks for loops of the transport's own): a client request that misses
 * fetches from the key's owner and answers on the thread that read it, with no hand-over
 * between thread pools, and the node has no more busy threads than it needs.
 */
public final class Node implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Node.class);
  /** How long a load failing for lack of heap keeps the node unhealthy. */
  static final Duration OUT_OF_MEMORY_UNHEALTHY = Duration.ofMinutes(1);

  private final NodeConfig config;
  private final Origin origin;
  private final OriginLoader loader;
  private final GroupCache cache;
  private final Group group;
  private final ApiServer api;
  private NodeMetrics metrics;
  private MemoryWatch memoryWatch;
  private final long startedNanos = System.nanoTime();
  private final Readiness readiness = new Readiness();
  private final PeerWatcher peerWatcher; // null with a fixed peer list
  private HttpPeerTransport transport;
  private EventLoopGroup loops; // shared by the API and the transport, or null

  private Node(NodeConfig c) throws OriginConfigException, IOException {
    this.config = c;
    this.origin = Origins.create(c.originSpec(), c.origin());
    GroupCache gc = null;
    ApiServer server = null;
    PeerWatcher watcher = null;
    try {
      this.loader = new OriginLoader(c.group(), origin);
      HttpPeerTransport.Builder tb = HttpPeerTransport.builder()
          .basePath(c.basePath())
          .connectTimeout(c.peerConnectTimeout())
          .responseTimeout(c.effectivePeerTimeout())
          .warmUpOnStart(true); // a node takes traffic right after starting: see HttpPeerTransport.Builder#warmUpOnStart
      if (c.peerListen() != null) {
        tb.bindAddress(c.peerListen());
      }
      if (c.peerConnections() != null) {
        tb.maxConnectionsPerPeer(c.peerConnections());
      }
      if (c.peerThreads() != null) {
        tb.eventLoopThreads(c.peerThreads());
      } else {
        loops = IoResources.newGroup(c.apiThreads(), "groupcache4j-io", true);
        tb.eventLoopGroup(loops);
      }
      transport = tb.build();
      try {
        gc = GroupCache.builder().self(c.self()).replicas(c.replicas()).transport(transport)
            .observer(new OperatorLog(c.self())).build();
      } catch (UncheckedIOException e) {
        throw new IOException("--self " + c.self() + ": cannot listen for peers"
            + (c.peerListen() != null ? " on " + c.peerListen() : "") + ": " + e.getCause().getMessage()
            + " (is another node using the port?)", e);
      }
      this.cache = gc;
      Group.Builder gb = gc.groupBuilder(c.group()).cacheBytes(c.cacheBytes());
      if (origin.nonBlocking()) {
        gb.asyncExpiringLoader(loader::loadValueAsync); // no loader thread per load
      } else {
        gb.expiringLoader(loader::loadValue);
      }
      gb
          .evictionPolicy(c.eviction())
          .loadTimeout(c.loadTimeout())
          .peerTimeout(c.effectivePeerTimeout())
          .hotStore(c.hotStore());
      NodeConfig.Freshness fr = c.freshness();
      if (fr.ttl() != null) {
        gb.expireAfterWrite(fr.ttl());
      }
      if (fr.staleIfError() != null) {
        gb.staleIfError(fr.staleIfError());
      }
      if (fr.notFoundTtl() != null) {
        gb.notFoundTtl(fr.notFoundTtl());
      }
      this.group = gb.build();
      GroupCache built = gc;
      metrics = new NodeMetrics(built);
      memoryWatch = new MemoryWatch(() -> built.groups().stream().mapToLong(Group::cacheBytes).sum());
      if (c.peerSource() != null) {
        watcher = PeerWatcher.start(gc, c.peerSource().discovery(), c.peerSource().interval());
      } else {
        gc.setPeers(c.peers());
      }
      this.peerWatcher = watcher;
      if (!c.api().isEmpty()) {
        server = new ApiServer(gc, c.group(), (g, k) -> g.equals(c.group()) ? origin.refuse(k) : null,
            this::statsJson, c.api(), c.apiThreads(), c.apiMaxConnections(), c.apiIdleTimeout(), loops)
            .healthProblem(this::healthProblem).start();
      }
      this.api = server;
      readiness.ready("serving");
    } catch (RuntimeException | IOException e) {
      if (watcher != null) {
        watcher.close();
      }
      if (gc != null) {
        gc.close();
      } else if (transport != null) {
        transport.close();
      }
      origin.close();
      closeObservers();
      shutdownLoops();
      throw e;
    }
  }

  private void shutdownLoops() {
    if (loops != null) {
      loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /**
   * Starts a node.
   *
   * @throws OriginConfigException if the origin cannot be set up
   * @throws IOException if a port cannot be bound
   */
  public static Node start(NodeConfig c) throws OriginConfigException, IOException {
    Node n = new Node(c);
    List<String> ring = n.cache.peers();
    log.info("node {} serving group '{}' ({}, {}) from {}; peers on {}{}; ring of {} peer{}{}: {}", c.self(), c.group(),
        c.cacheBytes() == 0 ? "caching off" : Values.formatSize(c.cacheBytes()), c.eviction(),
        n.origin.describe(), Values.format(n.peerAddress()), c.basePath(), ring.size(),
        ring.size() == 1 ? "" : "s",
        n.peerWatcher == null ? "" : " from " + n.peerWatcher.status().source() + ", followed every "
            + Values.formatDuration(c.peerSource().interval()), ring);
    return n;
  }

  /** The address the peer transport listens on. */
  public InetSocketAddress peerAddress() {
    return transport.boundAddress();
  }

  /** The client API's addresses (empty without {@code --api}). */
  public List<InetSocketAddress> apiAddresses() {
    return api == null ? List.of() : api.boundAddresses();
  }

  public GroupCache cache() {
    return cache;
  }

  public Group group() {
    return group;
  }

  public OriginLoader loader() {
    return loader;
  }

  /** Whether the node should be sent traffic (what {@code /healthz} answers). */
  public Readiness readiness() {
    return readiness;
  }

  /** Where the peers come from and what was last found, or null with a fixed peer list. */
  public PeerWatcher.Status peerDiscovery() {
    return peerWatcher == null ? null : peerWatcher.status();
  }

  /** The {@code /stats} document. */
  public String statsJson() {
    StatsJson.GroupView gv = new StatsJson.GroupView(group.name(), group.cacheBytes(), group.stats(),
        origin.describe(), loader.counts());
    return StatsJson.render(cache.self(), config.instance(), cache.peers(), config.replicas(), config.basePath(),
        (System.nanoTime() - startedNanos) / 1_000_000, Runtime.getRuntime().maxMemory(), List.of(gv));
  }

  /**
   * Why the node is unhealthy, or null: a load failed for lack of heap within the last
   * {@link #OUT_OF_MEMORY_UNHEALTHY} (the heap is too small for the budget and the values).
   */
  public String healthProblem() {
    long last = loader.lastOutOfMemoryNanos();
    long ago = System.nanoTime() - last;
    if (last == 0 || ago > OUT_OF_MEMORY_UNHEALTHY.toNanos()) {
      return null;
    }
    return "out of memory: " + loader.counts().outOfMemory() + " load(s) of group '" + group.name()
        + "' failed for lack of heap, the last " + TimeUnit.NANOSECONDS.toSeconds(ago) + " s ago (heap at most "
        + (Runtime.getRuntime().maxMemory() >> 20) + " MiB, cache budget " + Values.formatSize(group.cacheBytes())
        + "); give the node more heap (-Xmx) or lower the budget";
  }

  /**
   * Graceful stop: the node stops being ready ({@code /healthz} 503), the API stops accepting,
   * requests in flight are answered (for at most {@code grace}), then the peer transport, the
   * cache and the origin are closed.
   */
  public void shutdown(Duration grace) {
    readiness.draining("shutting down");
    if (api != null) {
      api.stopAccepting();
      try {
        if (!api.awaitIdle(grace)) {
          log.warn("{} client requests still in flight after {}; closing anyway", api.inFlight(),
              Values.formatDuration(grace));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    close();
  }

  @Override
  public void close() {
    readiness.draining("closed");
    if (peerWatcher != null) {
      peerWatcher.close();
    }
    if (api != null) {
      api.close();
    }
    cache.close();
    origin.close();
    closeObservers();
    shutdownLoops();
  }

  private void closeObservers() {
    if (memoryWatch != null) {
      memoryWatch.close();
    }
    if (metrics != null) {
      metrics.close();
    }
  }

  /** The node's meters ({@code GET /metrics}). */
  public NodeMetrics metrics() {
    return metrics;
  }
}
