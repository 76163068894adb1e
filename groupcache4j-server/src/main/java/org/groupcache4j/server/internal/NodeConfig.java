package org.groupcache4j.server.internal;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.groupcache4j.EvictionPolicy;
import org.groupcache4j.node.settings.GroupSpec;
import org.groupcache4j.node.settings.NodeSpec;
import org.groupcache4j.node.settings.PeerSource;
import org.groupcache4j.server.internal.origin.Origins;

/**
 * Everything a node is started with: the node as its settings describe it (self, peers, ring,
 * transport, TLS files: {@link NodeSpec}), its client API, and its groups, each with its origin.
 * The {@code serve} command resolves it from its flags and its {@code --config} file, without side
 * effects; the TLS and token files it names are read into {@link #security()} when the node
 * starts ({@link #withSecurity}), or by {@code serve --check}.
 *
 * @param api where the client API listens (empty: no client API)
 * @param apiTls whether the client API serves HTTPS (with the node's certificate)
 * @param apiTokenFile the bearer tokens the client API asks for, or null
 * @param apiWriteTokenFile the bearer tokens writes need, or null for those of {@code apiTokenFile}
 * @param warmUp how long the node may warm its request path up before it serves ({@link Warmup});
 *     zero: it does not
 * @param handoffTime how long the node may hand its entries to the next owners when it stops
 *     ({@code GroupCache.Builder.handoffTime}); zero: it does not
 * @param handoffBytesPerSecond the bandwidth of that handoff
 * @param groups the groups the node serves; the first is the client API's default group
 * @param instance an id of this node process, shown in {@code /stats} (a random one when null):
 *     tells whoever started the node that it answers, and not another process on the same port
 * @param security the TLS and token files, read and checked; null until they are
 */
public record NodeConfig(
    NodeSpec node,
    List<InetSocketAddress> api,
    int apiThreads,
    int apiMaxConnections,
    Duration apiIdleTimeout,
    boolean apiTls,
    Path apiTokenFile,
    Path apiWriteTokenFile,
    Duration shutdownGrace,
    Duration warmUp,
    Duration handoffTime,
    long handoffBytesPerSecond,
    List<GroupConfig> groups,
    String instance,
    NodeSecurity security) {

  /**
   * One group of a node: the group as its settings describe it, and its origin.
   *
   * @param originSpec where values come from ({@code --origin})
   * @param origin what some origins need besides their spec
   */
  public record GroupConfig(GroupSpec spec, String originSpec, Origins.Settings origin) {
    public String name() {
      return spec.name();
    }

    public long cacheBytes() {
      return spec.cacheBytes();
    }

    public EvictionPolicy eviction() {
      return spec.eviction();
    }

    public boolean hotStore() {
      return spec.hotStore();
    }

    public Duration loadTimeout() {
      return spec.loadTimeout();
    }

    public GroupSpec.Freshness freshness() {
      return spec.freshness();
    }

    public Duration effectivePeerTimeout() {
      return spec.effectivePeerTimeout();
    }
  }

  public NodeConfig {
    api = List.copyOf(api);
    java.util.Objects.requireNonNull(warmUp, "warmUp");
    groups = List.copyOf(groups);
    if (groups.isEmpty()) {
      throw new IllegalArgumentException("a node serves at least one group");
    }
    if (instance == null) {
      instance = java.util.UUID.randomUUID().toString();
    }
  }

  /** This configuration with its TLS and token files read. */
  public NodeConfig withSecurity(NodeSecurity security) {
    return new NodeConfig(node, api, apiThreads, apiMaxConnections, apiIdleTimeout, apiTls, apiTokenFile,
        apiWriteTokenFile, shutdownGrace, warmUp, handoffTime, handoffBytesPerSecond, groups, instance, security);
  }

  public String self() {
    return node.self();
  }

  public List<String> peers() {
    return node.peers();
  }

  /** Where the peers come from while the node serves ({@code --peers-file}, {@code --peers-dns}), or null for {@link #peers}. */
  public PeerSource peerSource() {
    return node.peerSource();
  }

  public String basePath() {
    return node.basePath();
  }

  public int replicas() {
    return node.replicas();
  }

  public org.groupcache4j.ring.RingMode ring() {
    return node.ring();
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
