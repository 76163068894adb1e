package org.groupcache4j.node.settings;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.groupcache4j.EvictionPolicy;
import org.groupcache4j.Group;
import org.groupcache4j.discovery.PeerDiscovery;
import org.groupcache4j.http.HttpPeerTransport;
import org.groupcache4j.node.internal.Values;
import org.groupcache4j.ring.HashRing;
import org.groupcache4j.ring.RingMode;

/**
 * The settings of a cache node, each declared once, and their resolution into a {@link NodeSpec}
 * and {@link GroupSpec}s. Defaults are the library's own ({@link Group.Builder},
 * {@link HashRing}, {@link HttpPeerTransport}); values are read by the node's one set of parsers
 * (sizes {@value Values#SIZES}; durations {@value Values#DURATIONS}).
 *
 * <p>The server's command line and config file are made from {@link #TABLE} (with the server's
 * own settings added), as is its flag reference; an integration that configures a node another
 * way (framework properties) gives a {@link SettingSource} and calls {@link #resolve} and
 * {@link #resolveGroup}.
 */
public final class NodeSettings {
  private NodeSettings() {}

  // ---- the node

  public static final Setting<String> SELF = Setting.of("self", Scope.NODE, String.class, Values::peerUrl)
      .label("URL").defaultValue("http://127.0.0.1:8001")
      .help("This node's peer URL, exactly as it appears in --peers; the peer port listens on its host and port.")
      .build();

  public static final Setting<String> BASE_PATH = Setting.of("base-path", Scope.NODE, String.class,
          HttpPeerTransport::checkBasePath)
      .label("PATH").defaultValue(HttpPeerTransport.DEFAULT_BASE_PATH)
      .help("Path prefix of the peer protocol, the same on every node.")
      .build();

  public static final Setting<RingMode> RING = Setting.of("ring", Scope.NODE, RingMode.class, NodeSettings::ringMode)
      .label("MODE").defaultValue(HashRing.DEFAULT_MODE.id())
      .help("How the ring places keys, the same on every node: " + RingMode.GOLANG.id() + " (golang/groupcache's), "
          + RingMode.MAILGUN.id() + " (mailgun/groupcache v2.2.1 and later), " + RingMode.GROUPCACHE_GO.id()
          + " (groupcache-go v3; it hashes each peer's HOST:PORT, peers stay URLs here) or " + RingMode.BALANCED.id()
          + " (groupcache4j nodes alone: every node within 4% of the mean share of the keys; no --replicas). With "
          + RingMode.MAILGUN.id() + " or " + RingMode.GROUPCACHE_GO.id() + " that library's nodes are peers: they "
          + "take this node's writes and it takes theirs. A balanced node leaves out a peer that is another "
          + "groupcache (judged down, with why).")
      .build();

  public static final Setting<Integer> REPLICAS = Setting.of("replicas", Scope.NODE, Integer.class,
          t -> Values.atLeastOne(t, "(" + HashRing.DEFAULT_REPLICAS + " is golang/groupcache's default)"))
      .label("N").defaultValue(String.valueOf(HashRing.DEFAULT_REPLICAS))
      .defaultHelp(HashRing.DEFAULT_REPLICAS + " (as golang/groupcache, mailgun and groupcache-go)")
      .help("Hash-ring points per peer, the same on every node (not for --ring " + RingMode.BALANCED.id() + ").")
      .build();

  public static final Setting<Duration> PEER_CONNECT_TIMEOUT = Setting.of("peer-connect-timeout", Scope.NODE,
          Duration.class, Values::positiveDuration)
      .label("DURATION").defaultValue(Values.formatDuration(HttpPeerTransport.DEFAULT_CONNECT_TIMEOUT))
      .help("Deadline of a connection to a peer.")
      .build();

  public static final Setting<InetSocketAddress> PEER_LISTEN = Setting.of("peer-listen", Scope.NODE,
          InetSocketAddress.class, Values::hostPort)
      .label("HOST:PORT").defaultHelp("from --self")
      .help("Where the peer port listens, if not on the host and port of --self (e.g. 0.0.0.0:8001).")
      .build();

  public static final Setting<Integer> PEER_CONNECTIONS = Setting.of("peer-connections", Scope.NODE, Integer.class,
          t -> Values.atLeastOne(t, ""))
      .label("N").defaultHelp("the transport's")
      .help("Connections to each peer.")
      .build();

  public static final Setting<Integer> PEER_THREADS = Setting.of("peer-threads", Scope.NODE, Integer.class,
          t -> Values.atLeastOne(t, ""))
      .label("N").defaultHelp("none of its own; it shares the client API's (--api-threads), so that a request runs "
          + "on one thread from client to peer and back")
      .help("Event-loop threads of a peer transport of its own.")
      .build();

  public static final Setting<Path> TLS_CERT = Setting.of("tls-cert", Scope.NODE, Path.class,
          path("name the certificate file (PEM)"))
      .label("FILE").defaultHelp("none")
      .help("This node's certificate (PEM, leaf first, then any intermediates). With an https:// --self the peer "
          + "port serves TLS with it; --api-tls serves the client API with it; --peer-mtls presents it to peers. "
          + "Read again when it changes.")
      .build();

  public static final Setting<Path> TLS_KEY = Setting.of("tls-key", Scope.NODE, Path.class,
          path("name the private key file (PEM)"))
      .label("FILE").defaultHelp("none")
      .help("The private key of --tls-cert (PEM, unencrypted; RSA or EC; PKCS#8, PKCS#1 or SEC1).")
      .build();

  public static final Setting<Path> TLS_CA = Setting.of("tls-ca", Scope.NODE, Path.class,
          path("name the CA certificates file (PEM)"))
      .label("FILE").defaultHelp("the JDK's trust store")
      .help("CA certificates (PEM) that https:// peers' certificates must chain to (and, with --peer-mtls, the "
          + "peers' client certificates).")
      .build();

  public static final Setting<Boolean> PEER_MTLS = Setting.ofSwitch("peer-mtls", Scope.NODE).negatable()
      .help("Mutual TLS between peers: the peer port requires a client certificate from --tls-ca, and this node "
          + "presents --tls-cert when it fetches (--no-peer-mtls: off, over a config file's peer-mtls: true).")
      .build();

  public static final Setting<Path> PEER_TOKEN_FILE = Setting.of("peer-token-file", Scope.NODE, Path.class,
          path("name the file with the token (one per line)"))
      .label("FILE").defaultHelp("none")
      .help("Require 'Authorization: Bearer TOKEN' on the peer port and send it to peers (for peers behind a "
          + "TLS-terminating proxy); every node needs the same token. Read again when it changes. FILE may hold "
          + "several tokens, one per line: all are accepted and the first is sent, so a token is rotated with no "
          + "fetch refused by adding the new one as a second line on every node, then swapping the two lines, then "
          + "removing the old one (see docs/security.md). golang/groupcache nodes send no token.")
      .build();

  // ---- its peers

  public static final Setting<List<String>> PEERS = Setting.of("peers", Scope.PEERS, listOfStrings(),
          Values::peerUrls)
      .label("URL,URL,...").fileKey("list").acceptsList().defaultHelp("--self alone")
      .help("Every node's peer URL, this one included. Every node needs the same set of URLs, each spelled the same "
          + "(127.0.0.1 and localhost differ), and the same --replicas; the order does not matter.")
      .build();

  public static final Setting<Path> PEERS_FILE = Setting.of("peers-file", Scope.PEERS, Path.class,
          path("name a file with one peer URL a line"))
      .label("PATH").fileKey("file")
      .help("Instead of --peers: a file with one peer URL a line (# starts a comment), the same on every node. The "
          + "node follows changes to it (written in place or replaced) within a second, without a restart.")
      .build();

  public static final Setting<String> PEERS_DNS = Setting.of("peers-dns", Scope.PEERS, String.class, url -> {
        PeerDiscovery.dns(url); // its form only: nothing is looked up
        return url;
      })
      .label("URL").fileKey("dns")
      .help("Instead of --peers: http://NAME:PORT, e.g. http://groupcache.default.svc.cluster.local:8001 (a "
          + "Kubernetes headless Service). Every A/AAAA record of NAME is a peer http://IP:PORT; --self must be one "
          + "of them.")
      .build();

  public static final Setting<Duration> PEERS_DNS_INTERVAL = Setting.of("peers-dns-interval", Scope.PEERS,
          Duration.class, Values::positiveDuration)
      .label("DURATION").fileKey("dns-interval").defaultValue("5s")
      .help("How often --peers-dns is looked up again.")
      .build();

  public static final Setting<InetSocketAddress> PEERS_DNS_SERVER = Setting.of("peers-dns-server", Scope.PEERS,
          InetSocketAddress.class, Values::hostPort)
      .label("HOST:PORT").fileKey("dns-server")
      .defaultHelp("those of /etc/resolv.conf (asked directly: no JVM address cache delays a change)")
      .help("The name server --peers-dns asks.")
      .build();

  // ---- each group

  public static final Setting<Long> CACHE_BYTES = Setting.of("cache-bytes", Scope.GROUP, Long.class, Values::size)
      .label("SIZE").defaultValue(Values.formatSize(Group.Builder.DEFAULT_CACHE_BYTES))
      .help("Cache budget (keys + values) of the group: 64MiB, 1GiB, 512KiB or plain bytes; 0 disables caching.")
      .build();

  public static final Setting<EvictionPolicy> EVICTION = Setting.of("eviction", Scope.GROUP, EvictionPolicy.class,
          NodeSettings::eviction)
      .label("POLICY").defaultValue(name(Group.Builder.DEFAULT_EVICTION_POLICY))
      .help("How the cache holds entries and what it evicts: " + name(EvictionPolicy.COMPACT) + " (W-TinyLFU in large"
          + " byte arrays: the least heap and garbage, its budget counts all the heap it takes), "
          + name(EvictionPolicy.W_TINY_LFU) + " (Caffeine: the cheapest hit, about 190 bytes of heap an entry"
          + " beyond its key and value) or " + name(EvictionPolicy.LRU) + " (as golang/groupcache evicts).")
      .build();

  public static final Setting<Boolean> HOT_STORE = Setting.ofSwitch("hot-store", Scope.GROUP).negatable()
      .defaultValue(String.valueOf(Group.Builder.DEFAULT_HOT_STORE))
      .help("Keep popular keys owned by other nodes here too (--no-hot-store: never).")
      .build();

  public static final Setting<Duration> TTL = Setting.of("ttl", Scope.GROUP, Duration.class, Values::positiveDuration)
      .label("DURATION")
      .help("How long a value loaded from the origin stays fresh (default: until evicted or removed). An HTTP "
          + "origin's own headers win over it: Cache-Control no-store, no-cache or private (not cached), then "
          + "s-maxage, then max-age, then Expires; --ttl applies to answers without them.")
      .build();

  public static final Setting<Duration> STALE_IF_ERROR = Setting.of("stale-if-error", Scope.GROUP, Duration.class,
          Values::positiveDuration)
      .label("DURATION").defaultHelp("off")
      .help("Serve an expired value for up to this long after it expired while its reload fails (origin error or "
          + "timeout; RFC 5861), counted as staleHits.")
      .build();

  public static final Setting<Duration> NOT_FOUND_TTL = Setting.of("not-found-ttl", Scope.GROUP, Duration.class,
          Values::positiveDuration)
      .label("DURATION").defaultHelp("off, so a key created at the origin is seen at once")
      .help("Remember that the origin has no such key for this long (counted as notFoundHits, dropped by DELETE, "
          + "shared with peers).")
      .build();

  public static final Setting<Duration> LOAD_TIMEOUT = Setting.of("load-timeout", Scope.GROUP, Duration.class,
          Values::positiveDuration)
      .label("DURATION").defaultValue(Values.formatDuration(Group.Builder.DEFAULT_LOAD_TIMEOUT))
      .help("Deadline of a load on this node (origin call included).")
      .build();

  public static final Setting<Duration> PEER_TIMEOUT = Setting.of("peer-timeout", Scope.GROUP, Duration.class,
          Values::positiveDuration)
      .label("DURATION").defaultHelp("--load-timeout + " + Values.formatDuration(Group.Builder.PEER_TIMEOUT_MARGIN))
      .help("Deadline of a fetch from the key's owner; past it this node loads the key itself.")
      .build();

  /** Every setting of a node, in the order of help. */
  public static final SettingTable TABLE = SettingTable.of(SELF, PEERS, PEERS_FILE, PEERS_DNS, PEERS_DNS_INTERVAL,
      PEERS_DNS_SERVER, CACHE_BYTES, BASE_PATH, RING, REPLICAS, EVICTION, HOT_STORE, TTL, STALE_IF_ERROR, NOT_FOUND_TTL,
      LOAD_TIMEOUT, PEER_TIMEOUT, PEER_CONNECT_TIMEOUT, PEER_LISTEN, PEER_CONNECTIONS, PEER_THREADS, TLS_CERT, TLS_KEY,
      TLS_CA, PEER_MTLS, PEER_TOKEN_FILE);

  /**
   * The node that {@code r}'s settings describe, checked across settings: the peer list names
   * this node; at most one of a list, a file and DNS; a certificate with its key; https and mutual
   * TLS with what they need. No file is read.
   *
   * @throws SettingException naming the setting (as the source gave it) and what to do
   */
  public static NodeSpec resolve(SettingResolver r) {
    String self = r.get(SELF);
    List<String> peers = r.text(PEERS) == null ? List.of(self) : r.get(PEERS);
    if (!peers.contains(self)) {
      throw r.bad(PEERS, null, "it does not list " + r.name(SELF) + " " + self
          + "; list every node, this one included, exactly as each names itself");
    }
    PeerSource source = peerSource(r);
    String basePath = r.get(BASE_PATH);
    RingMode ring = r.get(RING);
    int replicas = r.get(REPLICAS);
    if (!ring.hasReplicas()) {
      if (r.isGiven(REPLICAS, null)) {
        throw r.usage(REPLICAS, null, "does not apply to " + r.name(RING) + " " + ring.id() + ", which has no "
            + "replicas; leave it out, or choose another ring mode" + r.alsoIn("and", RING));
      }
      replicas = 0;
    }
    try {
      HashRing.of(ring, peers); // a groupcache-go ring names peers by host:port: two may not share one
    } catch (IllegalArgumentException e) {
      throw r.bad(PEERS, null, e.getMessage());
    }
    Duration connectTimeout = r.get(PEER_CONNECT_TIMEOUT);
    InetSocketAddress listen = r.get(PEER_LISTEN);
    Integer connections = r.get(PEER_CONNECTIONS);
    Integer threads = r.get(PEER_THREADS);

    Path cert = r.get(TLS_CERT);
    Path key = r.get(TLS_KEY);
    Path ca = r.get(TLS_CA);
    boolean mtls = r.get(PEER_MTLS);
    Path peerToken = r.get(PEER_TOKEN_FILE);
    boolean httpsSelf = self.startsWith("https://");
    if ((cert == null) != (key == null)) {
      throw r.bad(cert == null ? TLS_KEY : TLS_CERT, null, "give " + r.name(TLS_CERT) + " and " + r.name(TLS_KEY)
          + " together" + r.alsoIn("and", TLS_CERT, TLS_KEY));
    }
    if (httpsSelf && cert == null) {
      throw r.bad(SELF, null, "an https:// peer URL needs " + r.name(TLS_CERT) + " and " + r.name(TLS_KEY)
          + " (what the peer port serves)" + r.alsoIn("and", TLS_CERT, TLS_KEY));
    }
    if (mtls && !httpsSelf) {
      throw r.usage(PEER_MTLS, null, "needs an https:// " + r.name(SELF) + " (was " + self + ")");
    }
    if (mtls && ca == null) {
      throw r.usage(PEER_MTLS, null, "needs " + r.name(TLS_CA) + r.alsoIn("and", TLS_CA) + ", the CA that peers' "
          + "certificates must chain to (the JDK's public trust store would admit any publicly certified client)");
    }
    return new NodeSpec(self, peers, source, listen, basePath, ring, replicas, connectTimeout, connections, threads, cert,
        key, ca, mtls, peerToken);
  }

  /**
   * A group as {@code r}'s settings for {@code name} describe it.
   *
   * @throws SettingException naming the setting (as the source gave it) and what is accepted
   */
  public static GroupSpec resolveGroup(SettingResolver r, String name) {
    long cacheBytes = r.get(CACHE_BYTES, name);
    EvictionPolicy eviction = r.get(EVICTION, name);
    boolean hotStore = r.get(HOT_STORE, name);
    Duration loadTimeout = r.get(LOAD_TIMEOUT, name);
    Duration peerTimeout = r.get(PEER_TIMEOUT, name);
    GroupSpec.Freshness freshness = new GroupSpec.Freshness(r.get(TTL, name), r.get(STALE_IF_ERROR, name),
        r.get(NOT_FOUND_TTL, name));
    return new GroupSpec(name, cacheBytes, eviction, hotStore, loadTimeout, peerTimeout, freshness);
  }

  /**
   * {@code name}, if it can name a group: not empty, no {@code /} (a peer's request path is
   * {@code GROUP/KEY}), no spaces or control characters. The one check of a group name.
   *
   * @throws IllegalArgumentException saying what is accepted
   */
  public static String checkGroupName(String name) {
    if (name == null || name.isEmpty() || name.indexOf('/') >= 0 || !name.chars().allMatch(c -> c > 0x20 && c != 0x7f)) {
      throw new IllegalArgumentException("use a name without '/', spaces or control characters, e.g. scores");
    }
    return name;
  }

  /** {@code --peers-file} or {@code --peers-dns} (at most one, and not with a peer list), or null. */
  private static PeerSource peerSource(SettingResolver r) {
    String file = r.text(PEERS_FILE);
    String dns = r.text(PEERS_DNS);
    boolean list = r.text(PEERS) != null;
    if (file != null && dns != null) {
      throw r.bad(PEERS_FILE, null, notBoth(r, PEERS_FILE, PEERS_DNS));
    }
    if (file != null && list) {
      throw r.bad(PEERS_FILE, null, notBoth(r, PEERS_FILE, PEERS));
    }
    if (dns != null && list) {
      throw r.bad(PEERS_DNS, null, notBoth(r, PEERS_DNS, PEERS));
    }
    if (dns == null && r.text(PEERS_DNS_SERVER) != null) {
      throw r.bad(PEERS_DNS_SERVER, null, "it only applies with " + r.name(PEERS_DNS));
    }
    if (file != null) {
      return PeerSource.file(r.get(PEERS_FILE));
    }
    if (dns == null) {
      return null;
    }
    Duration interval = r.get(PEERS_DNS_INTERVAL);
    InetSocketAddress server = r.get(PEERS_DNS_SERVER);
    return PeerSource.dns(r.get(PEERS_DNS), server == null ? null
        : new InetSocketAddress(server.getHostString(), server.getPort()), interval);
  }

  private static String notBoth(SettingResolver r, Setting<?> a, Setting<?> b) {
    return "give " + r.name(a) + " or " + r.name(b) + ", not both" + r.alsoIn("or", a, b);
  }

  /** A path setting's parser: not blank ({@code ifBlank} says what to give), and a valid path. */
  private static Function<String, Path> path(String ifBlank) {
    return v -> Values.path(v, ifBlank);
  }

  private static RingMode ringMode(String text) {
    try {
      return RingMode.fromId(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("use one of " + RingMode.ids());
    }
  }

  private static EvictionPolicy eviction(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "compact" -> EvictionPolicy.COMPACT;
      case "w-tiny-lfu", "w_tiny_lfu", "tinylfu", "wtinylfu" -> EvictionPolicy.W_TINY_LFU;
      case "lru" -> EvictionPolicy.LRU;
      default -> throw new IllegalArgumentException("use " + name(EvictionPolicy.COMPACT) + ", "
          + name(EvictionPolicy.W_TINY_LFU) + " or " + name(EvictionPolicy.LRU));
    };
  }

  /** An eviction policy as settings name it: {@code compact}, {@code w-tiny-lfu}, {@code lru}. */
  private static String name(EvictionPolicy p) {
    return p.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  @SuppressWarnings("unchecked")
  private static Class<List<String>> listOfStrings() {
    return (Class<List<String>>) (Class<?>) List.class;
  }
}
