package org.groupcache4j.spring.boot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.groupcache4j.EvictionPolicy;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code groupcache4j.*} properties as IDEs see them: Spring Boot's configuration processor
 * makes the configuration metadata (completion, help, defaults) from this class. The values are
 * not bound here: they are read, defaulted and checked through the node's table of settings
 * ({@link StarterSettings}), and {@code ConfigurationMetadataTest} holds this class to that
 * table (every setting here, under its property name and with its default, and nothing else).
 *
 * <pre>
 * groupcache4j.self=http://10.0.0.1:8001
 * groupcache4j.peers=http://10.0.0.1:8001,http://10.0.0.2:8001,http://10.0.0.3:8001
 * groupcache4j.caches.books.cache-bytes=64MB
 * groupcache4j.caches.books.ttl=10m
 * </pre>
 *
 * Without {@code self} the node has no peers and no port: a cache of this JVM alone (for
 * development and tests).
 */
@ConfigurationProperties("groupcache4j")
public class GroupCacheProperties {
  /**
   * This node's peer URL, exactly as the peer list names it (http://HOST:PORT, or https:// with
   * tls-cert and tls-key). The peer port listens on its port (see listen). Unset: a node of
   * this JVM alone.
   */
  private String self;

  /** Every node's peer URL, this one included (comma-separated); the order does not matter. Default: self alone. */
  private List<String> peers = new ArrayList<>();

  /** A file with one peer URL a line, followed while the application runs (instead of peers). */
  private Path peersFile;

  /**
   * http://NAME:PORT whose DNS A/AAAA records are the peers, followed while the application runs
   * (a Kubernetes headless Service; instead of peers).
   */
  private String peersDns;

  /** How often peers-file or peers-dns is read again. */
  private Duration peersDnsInterval = Duration.ofSeconds(5);

  /** The name server (HOST:PORT) that peers-dns asks. Default: those of /etc/resolv.conf, asked directly. */
  private String peersDnsServer;

  /** HOST:PORT the peer port binds (e.g. 0.0.0.0:8001 behind NAT). Default: the host and port of self. */
  private String listen;

  /** Deadline of a connection to a peer. */
  private Duration peerConnectTimeout = Duration.ofSeconds(1);

  /** Connections to each peer. Default: the transport's. */
  private Integer peerConnections;

  /** Event-loop threads of the peer transport. Default: the transport's. */
  private Integer peerThreads;

  /** The path under which peers ask each other; the same on every node. */
  private String basePath = "/_groupcache/";

  /**
   * How the ring places keys, the same on every node: golang (golang/groupcache's), mailgun
   * (mailgun/groupcache v2.2.1 and later), groupcache-go (groupcache-go v3) or balanced
   * (groupcache4j nodes alone: every node within 4% of the mean share of the keys; no replicas).
   */
  private String ring = "golang";

  /** Points per peer on the hash ring; the same on every node (not with ring balanced). */
  private int replicas = 50;

  /** This node's TLS certificate chain (PEM, leaf first), for an https:// self URL. */
  private Path tlsCert;

  /** The private key of tls-cert (PEM). */
  private Path tlsKey;

  /** The certificates (PEM) that https:// peers' certificates must chain to. Default: the JDK's trust store. */
  private Path tlsCa;

  /** Whether peers must present certificates from tls-ca to each other (mutual TLS). */
  private boolean peerMtls;

  /** A file of bearer tokens, one a line: peers' requests must carry one of them; the first is sent. */
  private Path peerTokenFile;

  /**
   * Packages whose classes cached values may hold, besides java.* and the application's own
   * packages (those of @SpringBootApplication); nothing else is ever instantiated from cached bytes.
   */
  private List<String> allowedPackages = new ArrayList<>();

  /** How long the node waits, when the application stops, for the values its callers are computing. */
  private Duration drainTimeout = Duration.ofSeconds(10);

  /**
   * Before the node joins its peers (and the application reports ready), it runs the caches'
   * path on loopback (leases, peer fetches, evictions and the value codecs between two throw-away
   * nodes of its own, made-up values: no cached method runs) until the JIT compilers go quiet, at
   * most this long. Only with groupcache4j.self; 0 or off: it starts cold.
   */
  private Duration warmUp = Duration.ofSeconds(5);

  /** Whether the starter configures a node and its CacheManager at all. */
  private boolean enabled = true;

  /** The caches, by name; a cache the application uses must be declared here. */
  private Map<String, Cache> caches = new LinkedHashMap<>();

  /** One declared cache. */
  public static class Cache {
    /** The byte budget of the cache on each node (keys and values), e.g. 64MB. */
    private DataSize cacheBytes = DataSize.ofMegabytes(64);

    /** How long a value lives after it was stored. Default: until evicted. */
    private Duration ttl;

    /** How long a "not found" answer of a loader is remembered. Default: not at all. */
    private Duration notFoundTtl;

    /** Serve an expired value for up to this long after it expired while its reload fails. Default: off. */
    private Duration staleIfError;

    /** Keep popular keys owned by other nodes here too. */
    private boolean hotStore = true;

    /** Deadline of a fetch from the key's owner. Default: load-timeout + 1s. */
    private Duration peerTimeout;

    /** Eviction policy: compact (the default), w-tiny-lfu or lru. */
    private EvictionPolicy eviction = EvictionPolicy.COMPACT; // the library's default, written out for the configuration metadata

    /**
     * How values become bytes: default (Serializable values through Java serialization, others as
     * JSON; only allowed classes), java (Java serialization only), text (Strings as UTF-8), bytes
     * (byte arrays), or the name of a ValueCodec bean.
     */
    private String codec = "default";

    /** How long a load may take before its callers fail. */
    private Duration loadTimeout = Duration.ofSeconds(10);

    /** The longest key, in UTF-8 bytes once encoded. */
    private int maxKeyBytes = 4096;

    public DataSize getCacheBytes() {
      return cacheBytes;
    }

    public void setCacheBytes(DataSize cacheBytes) {
      this.cacheBytes = cacheBytes;
    }

    public Duration getTtl() {
      return ttl;
    }

    public void setTtl(Duration ttl) {
      this.ttl = ttl;
    }

    public Duration getNotFoundTtl() {
      return notFoundTtl;
    }

    public void setNotFoundTtl(Duration notFoundTtl) {
      this.notFoundTtl = notFoundTtl;
    }

    public Duration getStaleIfError() {
      return staleIfError;
    }

    public void setStaleIfError(Duration staleIfError) {
      this.staleIfError = staleIfError;
    }

    public boolean isHotStore() {
      return hotStore;
    }

    public void setHotStore(boolean hotStore) {
      this.hotStore = hotStore;
    }

    public Duration getPeerTimeout() {
      return peerTimeout;
    }

    public void setPeerTimeout(Duration peerTimeout) {
      this.peerTimeout = peerTimeout;
    }

    public EvictionPolicy getEviction() {
      return eviction;
    }

    public void setEviction(EvictionPolicy eviction) {
      this.eviction = eviction;
    }

    public String getCodec() {
      return codec;
    }

    public void setCodec(String codec) {
      this.codec = codec;
    }

    public Duration getLoadTimeout() {
      return loadTimeout;
    }

    public void setLoadTimeout(Duration loadTimeout) {
      this.loadTimeout = loadTimeout;
    }

    public int getMaxKeyBytes() {
      return maxKeyBytes;
    }

    public void setMaxKeyBytes(int maxKeyBytes) {
      this.maxKeyBytes = maxKeyBytes;
    }
  }

  public String getSelf() {
    return self;
  }

  public void setSelf(String self) {
    this.self = self;
  }

  public List<String> getPeers() {
    return peers;
  }

  public void setPeers(List<String> peers) {
    this.peers = peers;
  }

  public Path getPeersFile() {
    return peersFile;
  }

  public void setPeersFile(Path peersFile) {
    this.peersFile = peersFile;
  }

  public String getPeersDns() {
    return peersDns;
  }

  public void setPeersDns(String peersDns) {
    this.peersDns = peersDns;
  }

  public Duration getPeersDnsInterval() {
    return peersDnsInterval;
  }

  public void setPeersDnsInterval(Duration peersDnsInterval) {
    this.peersDnsInterval = peersDnsInterval;
  }

  public String getPeersDnsServer() {
    return peersDnsServer;
  }

  public void setPeersDnsServer(String peersDnsServer) {
    this.peersDnsServer = peersDnsServer;
  }

  public Duration getPeerConnectTimeout() {
    return peerConnectTimeout;
  }

  public void setPeerConnectTimeout(Duration peerConnectTimeout) {
    this.peerConnectTimeout = peerConnectTimeout;
  }

  public Integer getPeerConnections() {
    return peerConnections;
  }

  public void setPeerConnections(Integer peerConnections) {
    this.peerConnections = peerConnections;
  }

  public Integer getPeerThreads() {
    return peerThreads;
  }

  public void setPeerThreads(Integer peerThreads) {
    this.peerThreads = peerThreads;
  }

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getListen() {
    return listen;
  }

  public void setListen(String listen) {
    this.listen = listen;
  }

  public String getBasePath() {
    return basePath;
  }

  public void setBasePath(String basePath) {
    this.basePath = basePath;
  }

  public String getRing() {
    return ring;
  }

  public void setRing(String ring) {
    this.ring = ring;
  }

  public int getReplicas() {
    return replicas;
  }

  public void setReplicas(int replicas) {
    this.replicas = replicas;
  }

  public Path getTlsCert() {
    return tlsCert;
  }

  public void setTlsCert(Path tlsCert) {
    this.tlsCert = tlsCert;
  }

  public Path getTlsKey() {
    return tlsKey;
  }

  public void setTlsKey(Path tlsKey) {
    this.tlsKey = tlsKey;
  }

  public Path getTlsCa() {
    return tlsCa;
  }

  public void setTlsCa(Path tlsCa) {
    this.tlsCa = tlsCa;
  }

  public boolean isPeerMtls() {
    return peerMtls;
  }

  public void setPeerMtls(boolean peerMtls) {
    this.peerMtls = peerMtls;
  }

  public Path getPeerTokenFile() {
    return peerTokenFile;
  }

  public void setPeerTokenFile(Path peerTokenFile) {
    this.peerTokenFile = peerTokenFile;
  }

  public List<String> getAllowedPackages() {
    return allowedPackages;
  }

  public void setAllowedPackages(List<String> allowedPackages) {
    this.allowedPackages = allowedPackages;
  }

  public Duration getDrainTimeout() {
    return drainTimeout;
  }

  public void setDrainTimeout(Duration drainTimeout) {
    this.drainTimeout = drainTimeout;
  }

  public Duration getWarmUp() {
    return warmUp;
  }

  public void setWarmUp(Duration warmUp) {
    this.warmUp = warmUp;
  }

  public Map<String, Cache> getCaches() {
    return caches;
  }

  public void setCaches(Map<String, Cache> caches) {
    this.caches = caches;
  }
}
