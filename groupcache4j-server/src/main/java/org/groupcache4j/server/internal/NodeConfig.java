package org.groupcache4j.server.internal;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.groupcache4j.EvictionPolicy;
import org.groupcache4j.node.settings.PeerSource;
import org.groupcache4j.server.internal.origin.Origins;

/**
 * Everything a node is started with; the {@code serve} command builds it from its flags and its
 * {@code --config} file.
 *
 * @param peerListen where the peer port listens, or null for the host and port of {@code self}
 * @param peerConnections connections per peer, or null for the transport's default
 * @param peerThreads event-loop threads of a peer transport of its own, or null to share the
 *     client API's ({@code apiThreads})
 * @param groups the groups the node serves; the first is the client API's default group
 * @param instance an id of this node process, shown in {@code /stats} (a random one when null):
 *     tells whoever started the node that it answers, and not another process on the same port
 * @param peerSource where the peers come from while the node serves ({@code --peers-file},
 *     {@code --peers-dns}), or null for the fixed list {@code peers}
 * @param security TLS and tokens ({@link NodeSecurity#NONE} when null)
 */
public record NodeConfig(
    String self,
    List<String> peers,
    InetSocketAddress peerListen,
    String basePath,
    int replicas,
    List<InetSocketAddress> api,
    Duration peerConnectTimeout,
    Integer peerConnections,
    Integer peerThreads,
    int apiThreads,
    int apiMaxConnections,
    Duration apiIdleTimeout,
    Duration shutdownGrace,
    List<GroupConfig> groups,
    String instance,
    PeerSource peerSource,
    NodeSecurity security) {

  /**
   * How long values stay fresh: {@code --ttl} (null: no expiry unless the origin says),
   * {@code --stale-if-error} and {@code --not-found-ttl} (null: off).
   */
  public record Freshness(Duration ttl, Duration staleIfError, Duration notFoundTtl) {
    public static final Freshness NONE = new Freshness(null, null, null);
  }

  /**
   * One group of a node.
   *
   * @param peerTimeout the deadline of a fetch from the owner, or null for the load timeout + 1 s
   * @param freshness expiry of its values and "not found" answers (null: none)
   */
  public record GroupConfig(
      String name,
      long cacheBytes,
      EvictionPolicy eviction,
      boolean hotStore,
      Duration loadTimeout,
      Duration peerTimeout,
      String originSpec,
      Origins.Settings origin,
      Freshness freshness) {

    public GroupConfig {
      if (freshness == null) {
        freshness = Freshness.NONE;
      }
    }

    public Duration effectivePeerTimeout() {
      return peerTimeout != null ? peerTimeout : loadTimeout.plusSeconds(1);
    }
  }

  public NodeConfig {
    peers = List.copyOf(peers);
    api = List.copyOf(api);
    groups = List.copyOf(groups);
    if (groups.isEmpty()) {
      throw new IllegalArgumentException("a node serves at least one group");
    }
    if (instance == null) {
      instance = java.util.UUID.randomUUID().toString();
    }
    if (security == null) {
      security = NodeSecurity.NONE;
    }
  }

  /** A node with one group, a fixed peer list and a random {@code instance}. */
  public NodeConfig(String self, List<String> peers, InetSocketAddress peerListen, String basePath, int replicas,
      List<InetSocketAddress> api, String group, long cacheBytes, EvictionPolicy eviction, boolean hotStore,
      Duration loadTimeout, Duration peerTimeout, Duration peerConnectTimeout, Integer peerConnections,
      Integer peerThreads, String originSpec, Origins.Settings origin, int apiThreads, int apiMaxConnections,
      Duration apiIdleTimeout, Duration shutdownGrace) {
    this(self, peers, peerListen, basePath, replicas, api, peerConnectTimeout, peerConnections, peerThreads,
        apiThreads, apiMaxConnections, apiIdleTimeout, shutdownGrace,
        List.of(new GroupConfig(group, cacheBytes, eviction, hotStore, loadTimeout, peerTimeout, originSpec, origin,
            null)),
        null, null, null);
  }

  /** The budgets of every group, added up ({@code Long.MAX_VALUE} if more). */
  public long totalCacheBytes() {
    long total = 0;
    for (GroupConfig g : groups) {
      total += g.cacheBytes();
      if (total < 0) { // budgets are not negative: this wrapped
        return Long.MAX_VALUE;
      }
    }
    return total;
  }

  /** The peer transport's deadline: the longest of the groups' peer timeouts. */
  public Duration transportPeerTimeout() {
    return groups.stream().map(GroupConfig::effectivePeerTimeout).max(Duration::compareTo).orElseThrow();
  }
}
