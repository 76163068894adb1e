package org.groupcache4j.server.internal;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.groupcache4j.EvictionPolicy;
import org.groupcache4j.server.internal.origin.Origins;

/**
 * Everything a node is started with; the {@code serve} command builds it from its flags.
 *
 * @param peerListen where the peer port listens, or null for the host and port of {@code self}
 * @param peerTimeout the deadline of a fetch from the owner, or null for the load timeout + 1 s
 * @param peerConnections connections per peer, or null for the transport's default
 * @param peerThreads event-loop threads of a peer transport of its own, or null to share the
 *     client API's ({@code apiThreads})
 * @param instance an id of this node process, shown in {@code /stats} (a random one when null):
 *     tells whoever started the node that it answers, and not another process on the same port
 * @param peerSource where the peers come from while the node serves ({@code --peers-file},
 *     {@code --peers-dns}), or null for the fixed list {@code peers}
 */
public record NodeConfig(
    String self,
    List<String> peers,
    InetSocketAddress peerListen,
    String basePath,
    int replicas,
    List<InetSocketAddress> api,
    String group,
    long cacheBytes,
    EvictionPolicy eviction,
    boolean hotStore,
    Duration loadTimeout,
    Duration peerTimeout,
    Duration peerConnectTimeout,
    Integer peerConnections,
    Integer peerThreads,
    String originSpec,
    Origins.Settings origin,
    int apiThreads,
    int apiMaxConnections,
    Duration apiIdleTimeout,
    Duration shutdownGrace,
    String instance,
    PeerSource peerSource,
    Freshness freshness) {

  /**
   * How long values stay fresh: {@code --ttl} (null: no expiry unless the origin says),
   * {@code --stale-if-error} and {@code --not-found-ttl} (null: off).
   */
  public record Freshness(Duration ttl, Duration staleIfError, Duration notFoundTtl) {
    public static final Freshness NONE = new Freshness(null, null, null);
  }

  public NodeConfig {
    if (instance == null) {
      instance = java.util.UUID.randomUUID().toString();
    }
    if (freshness == null) {
      freshness = Freshness.NONE;
    }
  }

  /** A configuration with a random {@code instance}. */
  public NodeConfig(String self, List<String> peers, InetSocketAddress peerListen, String basePath, int replicas,
      List<InetSocketAddress> api, String group, long cacheBytes, EvictionPolicy eviction, boolean hotStore,
      Duration loadTimeout, Duration peerTimeout, Duration peerConnectTimeout, Integer peerConnections,
      Integer peerThreads, String originSpec, Origins.Settings origin, int apiThreads, int apiMaxConnections,
      Duration apiIdleTimeout, Duration shutdownGrace) {
    this(self, peers, peerListen, basePath, replicas, api, group, cacheBytes, eviction, hotStore, loadTimeout,
        peerTimeout, peerConnectTimeout, peerConnections, peerThreads, originSpec, origin, apiThreads,
        apiMaxConnections, apiIdleTimeout, shutdownGrace, null, null, null);
  }

  /** This configuration with other freshness settings. */
  public NodeConfig withFreshness(Freshness f) {
    return new NodeConfig(self, peers, peerListen, basePath, replicas, api, group, cacheBytes, eviction, hotStore,
        loadTimeout, peerTimeout, peerConnectTimeout, peerConnections, peerThreads, originSpec, origin, apiThreads,
        apiMaxConnections, apiIdleTimeout, shutdownGrace, instance, peerSource, f);
  }

  public Duration effectivePeerTimeout() {
    return peerTimeout != null ? peerTimeout : loadTimeout.plusSeconds(1);
  }
}
