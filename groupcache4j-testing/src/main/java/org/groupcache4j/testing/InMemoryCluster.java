package org.groupcache4j.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.groupcache4j.Group;
import org.groupcache4j.GroupCache;

/**
 * Several {@link GroupCache} nodes of one JVM, peers of each other on one {@link InMemoryNetwork},
 * each with the same group: a cluster for tests, without sockets.
 *
 * <pre>{@code
 * try (InMemoryCluster cluster = InMemoryCluster.builder()
 *     .nodes(3)                                                  // mem://a, mem://b, mem://c
 *     .group("scores", (url, g) -> g.cacheBytes(1 << 20).loader(key -> load(url, key)))
 *     .start()) {
 *   String key = cluster.keyOwnedBy("mem://b");
 *   cluster.group("mem://a").get(key);                          // fetched from mem://b, loaded there
 *   cluster.network().freeze("mem://b");                        // mem://b hangs: judged down within a second
 * }
 * }</pre>
 *
 * <p>The nodes are built in order, then each gets its group, then each gets the whole peer list
 * (as a node of the server does: its groups exist before it has peers). Nothing waits for the
 * first probes: {@link #awaitFormed} does, for a test whose outcome depends on the nodes having
 * heard from each other (one that cuts a peer off, for instance: a peer that never answered may
 * refuse connections for a while without being judged down, as nodes that start together do).
 */
public final class InMemoryCluster implements AutoCloseable {
  private final InMemoryNetwork network;
  private final Map<String, GroupCache> nodes;
  private final Map<String, Group> groups;

  private InMemoryCluster(InMemoryNetwork network, Map<String, GroupCache> nodes, Map<String, Group> groups) {
    this.network = network;
    this.nodes = nodes;
    this.groups = groups;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The network the nodes are on: {@link InMemoryNetwork#disconnect}, {@link InMemoryNetwork#freeze}... */
  public InMemoryNetwork network() {
    return network;
  }

  /** The nodes' URLs, in the order they were built (the peer list every node was given). */
  public List<String> urls() {
    return List.copyOf(nodes.keySet());
  }

  /** The node named {@code url}. */
  public GroupCache node(String url) {
    GroupCache n = nodes.get(url);
    if (n == null) {
      throw new IllegalArgumentException("no node " + url + " in this cluster: its nodes are " + nodes.keySet());
    }
    return n;
  }

  /** The nodes, in order. */
  public List<GroupCache> nodes() {
    return List.copyOf(nodes.values());
  }

  /** The group of the node named {@code url} (every node has the same one). */
  public Group group(String url) {
    node(url);
    return groups.get(url);
  }

  /** The groups of the nodes, in the nodes' order. */
  public List<Group> groups() {
    return List.copyOf(groups.values());
  }

  /**
   * The first key {@code "key-0"}, {@code "key-1"}, ... that {@code owner} owns on the ring of all
   * the nodes (judged down or not).
   */
  public String keyOwnedBy(String owner) {
    return keysOwnedBy(owner, "key-", 1).get(0);
  }

  /** The first {@code n} keys {@code prefix + 0}, {@code prefix + 1}, ... that {@code owner} owns on the ring of all the nodes. */
  public List<String> keysOwnedBy(String owner, String prefix, int n) {
    node(owner);
    var ring = nodes.values().iterator().next().ring();
    List<String> keys = new ArrayList<>();
    for (int i = 0; keys.size() < n; i++) {
      if (owner.equals(ring.owner(prefix + i))) {
        keys.add(prefix + i);
      }
    }
    return keys;
  }

  /**
   * Waits until every node has heard each of its peers answer a probe and judges it up (see
   * {@link ClusterFormation}).
   *
   * @throws AssertionError if that does not happen within {@code atMost}, naming what each node thinks
   */
  public InMemoryCluster awaitFormed(Duration atMost) {
    ClusterFormation.awaitFormed(nodes.values(), atMost);
    return this;
  }

  /** Closes every node. */
  @Override
  public void close() {
    RuntimeException failure = null;
    for (GroupCache n : nodes.values()) {
      try {
        n.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "InMemoryCluster" + nodes.keySet();
  }

  /** What the nodes are and how each is built. */
  public static final class Builder {
    private List<String> urls = List.of("mem://a", "mem://b", "mem://c");
    private InMemoryNetwork network;
    private BiConsumer<String, GroupCache.Builder> cacheOptions = (url, b) -> {};
    private String groupName = "g";
    private BiFunction<String, Group.Builder, Group.Builder> groupOptions;

    private Builder() {}

    /** {@code n} nodes named {@code mem://a}, {@code mem://b}, ... (at most 26; default 3). */
    public Builder nodes(int n) {
      if (n < 1 || n > 26) {
        throw new IllegalArgumentException("between 1 and 26 nodes (mem://a to mem://z), was " + n);
      }
      List<String> u = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        u.add("mem://" + (char) ('a' + i));
      }
      this.urls = List.copyOf(u);
      return this;
    }

    /** Nodes with these URLs, in this order (the peer list). */
    public Builder nodes(String... urls) {
      if (urls.length == 0) {
        throw new IllegalArgumentException("a cluster needs at least one node");
      }
      List<String> u = List.of(urls);
      if (u.stream().distinct().count() != u.size()) {
        throw new IllegalArgumentException("node URLs must differ: " + u);
      }
      this.urls = u;
      return this;
    }

    /** The network to put the nodes on (default: a new one, closed with nothing: it holds no resources). */
    public Builder network(InMemoryNetwork network) {
      this.network = Objects.requireNonNull(network, "network");
      return this;
    }

    /** Options of every node's {@link GroupCache.Builder} (self and transport are the cluster's). */
    public Builder cache(Consumer<GroupCache.Builder> options) {
      Objects.requireNonNull(options, "options");
      this.cacheOptions = (url, b) -> options.accept(b);
      return this;
    }

    /** Options of the {@link GroupCache.Builder} of the node named by the first argument. */
    public Builder cache(BiConsumer<String, GroupCache.Builder> options) {
      this.cacheOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * Every node's group {@code name}, as {@code options} configures it for the node named by its
     * first argument (a loader at least); it returns the builder to build.
     */
    public Builder group(String name, BiFunction<String, Group.Builder, Group.Builder> options) {
      this.groupName = Objects.requireNonNull(name, "name");
      this.groupOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * Builds the nodes, their groups, and gives each node the peer list.
     *
     * @throws IllegalStateException if no group was given
     */
    public InMemoryCluster start() {
      if (groupOptions == null) {
        throw new IllegalStateException("give the nodes' group: InMemoryCluster.builder().group(name, (url, g) -> g.loader(...))");
      }
      InMemoryNetwork net = network != null ? network : new InMemoryNetwork();
      Map<String, GroupCache> nodes = new LinkedHashMap<>();
      Map<String, Group> groups = new LinkedHashMap<>();
      InMemoryCluster cluster = new InMemoryCluster(net, nodes, groups);
      try {
        for (String url : urls) {
          GroupCache.Builder b = GroupCache.builder();
          cacheOptions.accept(url, b);
          nodes.put(url, b.self(url).transport(net.transport()).build());
        }
        for (String url : urls) {
          groups.put(url, groupOptions.apply(url, nodes.get(url).groupBuilder(groupName)).build());
        }
        for (GroupCache n : nodes.values()) {
          n.setPeers(urls);
        }
        return cluster;
      } catch (RuntimeException e) {
        try {
          cluster.close();
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    }
  }
}
