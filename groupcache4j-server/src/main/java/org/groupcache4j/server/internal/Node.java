package org.groupcache4j.server.internal;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.groupcache4j.Group;
import org.groupcache4j.GroupCache;
import org.groupcache4j.discovery.PeerWatcher;
import org.groupcache4j.http.HttpPeerTransport;
import org.groupcache4j.http.internal.http1.IoResources;
import org.groupcache4j.node.internal.Values;
import org.groupcache4j.node.settings.NodeSpec;
import org.groupcache4j.server.internal.api.ApiServer;
import org.groupcache4j.server.internal.api.StatsJson;
import org.groupcache4j.server.internal.dashboard.ClusterView;
import org.groupcache4j.server.internal.dashboard.DashboardRoutes;
import org.groupcache4j.server.internal.observe.MemoryWatch;
import org.groupcache4j.server.internal.observe.NodeMetrics;
import org.groupcache4j.server.internal.origin.Origin;
import org.groupcache4j.server.internal.origin.OriginConfigException;
import org.groupcache4j.server.internal.origin.OriginLoader;
import org.groupcache4j.server.internal.origin.Origins;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running node: its origins, its {@link GroupCache} with the HTTP peer transport and its groups
 * (one origin each), and (optionally) the client API. Built in that order and closed in reverse:
 * the groups exist before the peer list is set and before the API listens. Before anything
 * listens, the node warms its request path up ({@link Warmup}, {@code --warm-up}), so that peers
 * and clients that find it find a warm JVM.
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
  private final List<Served> served = new ArrayList<>();
  private final GroupCache cache;
  private final ApiServer api;
  private NodeMetrics metrics;
  /**
   * The API's key policy: one object for the warm-up's API and the node's, so the JIT meets one
   * class. It asks the group's origin, known before the warm-up ({@code originOf}), so the warm-up
   * runs its branches as the node does.
   */
  private final ApiServer.KeyPolicy keyPolicy = this::refuse;
  private final Map<String, Origin> originOf;
  private MemoryWatch memoryWatch;
  private volatile boolean started; // fully built: the status document can be written
  private final long startedNanos = System.nanoTime();
  private final Readiness readiness = new Readiness();
  private final PeerWatcher peerWatcher; // null with a fixed peer list
  private HttpPeerTransport transport;
  private EventLoopGroup loops; // shared by the API and the transport, or null

  /** A group of the node with its origin. */
  private record Served(NodeConfig.GroupConfig config, Origin origin, OriginLoader loader, Group group) {}

  private Node(NodeConfig c) throws OriginConfigException, IOException {
    this.config = c;
    Map<String, Origin> origins = new LinkedHashMap<>(); // by group, in the config's order
    GroupCache gc = null;
    ApiServer server = null;
    PeerWatcher watcher = null;
    try {
      for (NodeConfig.GroupConfig g : c.groups()) {
        try {
          origins.put(g.name(), Origins.create(g.originSpec(), g.origin()));
        } catch (OriginConfigException e) {
          throw e.inGroup(g.name());
        }
      }
      originOf = Map.copyOf(origins);
      NodeSpec spec = c.node();
      HttpPeerTransport.Builder tb = HttpPeerTransport.builder()
          .basePath(spec.basePath())
          .connectTimeout(spec.peerConnectTimeout())
          .responseTimeout(c.transportPeerTimeout());
      if (spec.peerListen() != null) {
        tb.bindAddress(Values.resolve("--peer-listen", spec.peerListen()));
      }
      if (c.security().tls() != null) {
        tb.tls(c.security().tls());
      }
      if (c.security().peerTokenFile() != null) {
        tb.peerTokenFile(c.security().peerTokenFile());
      }
      if (spec.peerConnections() != null) {
        tb.maxConnectionsPerPeer(spec.peerConnections());
      }
      if (spec.peerThreads() != null) {
        tb.eventLoopThreads(spec.peerThreads());
      } else {
        loops = IoResources.newGroup(c.apiThreads(), "groupcache4j-io", true);
        tb.eventLoopGroup(loops);
      }
      if (!c.warmUp().isZero()) { // before anything listens: peers and clients find the node only once it is warm
        refuseTakenPorts(c);
        readiness.starting("warming up the request path (at most " + Values.formatDuration(c.warmUp()) + ")");
        readiness.warmedUp(Warmup.run(c, loops, origins.values().stream().map(Origin::nonBlocking).toList(), keyPolicy,
            c.warmUp()));
        readiness.starting("the node is starting");
      }
      tb.statusDocument(() -> started ? statsJson() : null); // the dashboard's source on the peer port
      transport = tb.build();
      try {
        // A change of the peer list is logged once, by the PeerWatcher that makes it.
        GroupCache.Builder cb = GroupCache.builder().self(c.self()).ringMode(c.ring()).transport(transport)
            .handoffTime(c.handoffTime()).handoffBytesPerSecond(c.handoffBytesPerSecond());
        if (c.ring().hasReplicas()) {
          cb.replicas(c.replicas());
        }
        gc = cb.build();
      } catch (UncheckedIOException e) {
        String why = String.valueOf(e.getCause().getMessage());
        String hint = why.contains("in use") ? " (is another node using the port?)"
            : e.getCause().getCause() instanceof UnresolvedAddressException
                ? " (its host does not resolve: use a name or address of this machine, or --peer-listen)" : "";
        throw new IOException("--self " + c.self() + ": cannot listen for peers"
            + (spec.peerListen() != null ? " on " + Values.format(spec.peerListen()) : "") + ": " + why + hint, e);
      }
      this.cache = gc;
      for (NodeConfig.GroupConfig g : c.groups()) {
        Origin origin = originOf.get(g.name());
        OriginLoader loader = new OriginLoader(g.name(), origin);
        Group.Builder gb = loader.loading(g.spec().applyTo(gc.groupBuilder(g.name())), origin.nonBlocking());
        served.add(new Served(g, origin, loader, gb.build()));
      }
      GroupCache built = gc;
      metrics = new NodeMetrics(built);
      memoryWatch = new MemoryWatch(() -> built.groups().stream().mapToLong(Group::cacheBytes).sum());
      ClusterView clusterView = new ClusterView(built, transport, this::statsJson, Duration.ofSeconds(1));
      if (c.peerSource() != null) { // said before the API answers, so that no /healthz sees an earlier stage
        readiness.starting("looking up the peers (" + c.peerSource().discovery().describe() + ")");
      }
      if (!c.api().isEmpty()) {
        server = ApiServer.builder(gc, c.groups().get(0).name())
            .keyPolicy(keyPolicy)
            .stats(this::statsJson)
            .healthProblem(this::healthProblem)
            .notServing(new StartingGate(readiness, c.self()))
            .pages(b -> DashboardRoutes.addTo(b, metrics, clusterView))
            .listen(c.api())
            .threads(c.apiThreads())
            .maxConnections(c.apiMaxConnections())
            .idleTimeout(c.apiIdleTimeout())
            .eventLoops(loops)
            .tls(c.security().apiTls())
            .auth(c.security().apiAuth())
            .build()
            .start();
      }
      this.api = server; // /healthz answers 503 "starting" until the peers are known
      if (c.peerSource() != null) {
        watcher = PeerWatcher.start(gc, c.peerSource().discovery(), c.peerSource().interval());
      } else {
        gc.setPeers(c.peers());
      }
      this.peerWatcher = watcher;
      if (!c.handoffTime().isZero()) { // a restart or a rolling deploy: its keys are at the nodes that held them meanwhile
        readiness.starting("taking its keys back from its peers (at most " + Values.formatDuration(c.handoffTime()) + ")");
        gc.takeBack();
      }
      started = true;
      readiness.ready("serving");
    } catch (RuntimeException | IOException | OriginConfigException e) {
      if (watcher != null) {
        watcher.close();
      }
      if (server != null) {
        server.close();
      }
      if (gc != null) {
        gc.close();
      } else if (transport != null) {
        transport.close();
      }
      origins.values().forEach(Origin::close);
      closeObservers();
      shutdownLoops();
      throw e;
    }
  }

  /**
   * Fails at once, naming the flag, if a port the node is about to listen on is taken: the binds
   * after the warm-up would fail the same way, only seconds later.
   */
  private static void refuseTakenPorts(NodeConfig c) throws IOException {
    NodeSpec spec = c.node();
    InetSocketAddress peer = spec.peerListen();
    if (peer == null) {
      URI self = URI.create(c.self());
      peer = new InetSocketAddress(self.getHost(), self.getPort() >= 0 ? self.getPort()
          : c.self().startsWith("https:") ? 443 : 80);
    }
    String taken = taken(peer);
    if (taken != null) {
      throw new IOException("--self " + c.self() + ": cannot listen for peers" + (spec.peerListen() != null ? " on "
          + Values.format(spec.peerListen()) : "") + ": " + taken
          + (taken.contains("in use") ? " (is another node using the port?)" : ""));
    }
    for (InetSocketAddress a : c.api()) {
      taken = taken(a);
      if (taken != null) {
        throw new IOException("--api " + a.getHostString() + ":" + a.getPort() + ": cannot listen: " + taken
            + (taken.contains("in use") ? " (another process has this port; pick another or stop it)" : ""));
      }
    }
  }

  /** Why {@code a} cannot be bound now, or null (also when it does not resolve: the bind itself says so later). */
  private static String taken(InetSocketAddress a) {
    InetSocketAddress resolved = a.isUnresolved() ? new InetSocketAddress(a.getHostString(), a.getPort()) : a;
    if (resolved.getPort() == 0 || resolved.isUnresolved()) {
      return null;
    }
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(resolved);
      return null;
    } catch (BindException e) {
      return e.getMessage() == null ? "the address is in use" : e.getMessage();
    } catch (IOException e) {
      return null; // not a taken port: the bind after the warm-up reports it
    }
  }

  private String refuse(String group, String key) {
    Origin origin = originOf.get(group);
    return origin == null ? null : origin.refuse(key);
  }

  private void shutdownLoops() {
    if (loops != null) {
      loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /**
   * Starts a node.
   *
   * @param c the node's configuration, its TLS and token files read ({@link NodeConfig#withSecurity})
   * @throws OriginConfigException if the origin cannot be set up
   * @throws IOException if a port cannot be bound
   * @throws IllegalArgumentException if the TLS and token files of {@code c} are not read
   */
  public static Node start(NodeConfig c) throws OriginConfigException, IOException {
    if (c.security() == null) {
      throw new IllegalArgumentException("the TLS and token files of the node's configuration are not read yet: "
          + "give it NodeConfig.withSecurity");
    }
    Node n = new Node(c);
    for (Served s : n.served) {
      NodeConfig.GroupConfig g = s.config();
      log.info("node {} serving group '{}' ({}, {}) from {}", c.self(), g.name(),
          g.cacheBytes() == 0 ? "caching off" : Values.formatSize(g.cacheBytes()), g.eviction(),
          s.origin().describe());
    }
    List<String> ring = n.cache.peers();
    log.info("node {}: peers on {}{}; ring of {} peer{}{}: {}", c.self(), Values.format(n.peerAddress()), c.basePath(),
        ring.size(), ring.size() == 1 ? "" : "s",
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

  /** Where the peers come from and what was last found, or null with a fixed peer list. */
  public PeerWatcher.Status peerDiscovery() {
    return peerWatcher == null ? null : peerWatcher.status();
  }

  /** The {@code /stats} document. */
  public String statsJson() {
    List<StatsJson.GroupView> groups = new ArrayList<>();
    for (Served s : served) {
      groups.add(new StatsJson.GroupView(s.group().name(), s.group().cacheBytes(), s.group().stats(),
          s.origin().describe(), s.loader().counts()));
    }
    StatsJson.MembershipView mv = new StatsJson.MembershipView(readiness.snapshot(), cache.peerStates(), peerDiscovery(),
        new StatsJson.RingView(cache.ring().mode().id(), cache.ring().isEmpty() ? null : cache.ring().fingerprint(),
            cache.ringMismatches(), cache.lastRingMismatchPeer()), cache.ownershipStats(), readiness.warmUp(),
        cache.handoffStats());
    return StatsJson.render(cache.self(), config.instance(), cache.peers(), config.replicas(), config.basePath(),
        (System.nanoTime() - startedNanos) / 1_000_000, Runtime.getRuntime().maxMemory(), mv, groups);
  }

  /**
   * Why the node is unhealthy, or null: a load failed for lack of heap within the last
   * {@link #OUT_OF_MEMORY_UNHEALTHY} (the heap is too small for the budgets and the values).
   */
  public String healthProblem() {
    Readiness.Snapshot r = readiness.snapshot();
    if (!r.isReady()) {
      return r.state().name().toLowerCase(java.util.Locale.ROOT) + ": " + r.reason() + " (since " + r.since() + ")";
    }
    for (Served s : served) {
      long last = s.loader().lastOutOfMemoryNanos();
      long ago = System.nanoTime() - last;
      if (last != 0 && ago <= OUT_OF_MEMORY_UNHEALTHY.toNanos()) {
        return "out of memory: " + s.loader().counts().outOfMemory() + " load(s) of group '" + s.group().name()
            + "' failed for lack of heap, the last " + TimeUnit.NANOSECONDS.toSeconds(ago) + " s ago (heap at most "
            + (Runtime.getRuntime().maxMemory() >> 20) + " MiB, cache budgets " + Values.formatSize(config.totalCacheBytes())
            + "); give the node more heap (-Xmx) or lower the budgets";
      }
    }
    return null;
  }

  /**
   * Graceful stop: the node stops being ready ({@code /healthz} 503), the API stops accepting,
   * requests in flight are answered (for at most {@code grace}), then the peer transport, the
   * cache and the origin are closed.
   */
  public void shutdown(Duration grace) {
    readiness.draining("shutting down");
    cache.drain(); // peers take this node out of their live rings as they hear it
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
    served.forEach(s -> s.origin().close());
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
}
