package org.groupcache4j;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.groupcache4j.internal.Entry;
import org.groupcache4j.internal.LoaderExecutors;
import org.groupcache4j.internal.Observers;
import org.groupcache4j.internal.PeerHealth;
import org.groupcache4j.internal.RateLimitedLog;
import org.groupcache4j.peer.HandoffClient;
import org.groupcache4j.peer.HandoffEntry;
import org.groupcache4j.peer.HandoffHandler;
import org.groupcache4j.peer.PeerClient;
import org.groupcache4j.peer.PeerRequestHandler;
import org.groupcache4j.peer.PeerState;
import org.groupcache4j.peer.PeerTransport;
import org.groupcache4j.peer.PeerValue;
import org.groupcache4j.ring.HashFunction;
import org.groupcache4j.ring.HashRing;
import org.groupcache4j.ring.RingMode;

/**
 * One cache node: its groups, its view of the peers (a {@link HashRing}), and its peer transport.
 *
 * <pre>{@code
 * GroupCache cache = GroupCache.builder()
 *     .self("http://10.0.0.1:8001")
 *     .transport(httpTransport)          // from groupcache4j-http; omit for a single node
 *     .build();
 * cache.setPeers("http://10.0.0.1:8001", "http://10.0.0.2:8001", "http://10.0.0.3:8001");
 * Group scores = cache.newGroup("scores", 64 << 20, key -> db.lookup(key));
 * ByteView v = scores.get("Tom");
 * }</pre>
 *
 * <p>There is no global registry: several instances can live in one JVM (tests run whole
 * clusters that way) and none sees another's groups. {@link #setPeers} may be called at any time;
 * it builds a new immutable ring and swaps it in, so lookups never lock and fetches in flight
 * finish against the peer they started with.
 */
public final class GroupCache implements AutoCloseable {
  private final String self;
  private final PeerTransport transport;
  private final RingMode ringMode;
  private final Executor loaderExecutor;
  private final ExecutorService ownedExecutor; // closed with the cache; null if the user supplied one
  private final Map<String, Group> groups = new ConcurrentHashMap<>();
  private final RateLimitedLog peerErrorLog;
  private final Duration removedPeerGrace;
  private final Clock clock;
  private final PeerRequestHandler peerHandler = new PeerHandler();
  private volatile Membership membership;
  private volatile boolean closed;
  private boolean departing; // close() began; guarded by this
  private volatile Observers observers;
  private final java.util.concurrent.atomic.AtomicLong ringMismatches = new java.util.concurrent.atomic.AtomicLong();
  private volatile String lastRingMismatchPeer;
  /** Ring mismatch warnings: one per peer and fingerprint, again every 10 minutes while it lasts. */
  private static final RateLimitedLog RING_LOG = new RateLimitedLog("org.groupcache4j.ring", Duration.ofMinutes(10));

  private final PeerHealth health; // null: no transport, or probes turned off
  private final Handoff handoff;

  /**
   * The ring of the members, the ring of those that answer ({@code live}: the members minus the
   * peers judged down, which picks every key's owner), and a client per remote member; replaced
   * as a whole on every membership or health change.
   */
  private record Membership(HashRing ring, HashRing live, Map<String, PeerClient> clients) {}

  private GroupCache(Builder b) {
    HashRing empty = b.emptyRing(); // first: it checks the ring's options
    this.self = b.self;
    this.transport = b.transport;
    this.ringMode = b.ringMode;
    if (b.loaderExecutor != null) {
      this.loaderExecutor = b.loaderExecutor;
      this.ownedExecutor = null;
    } else {
      this.ownedExecutor = LoaderExecutors.createDefault();
      this.loaderExecutor = ownedExecutor;
    }
    this.peerErrorLog = new RateLimitedLog("org.groupcache4j.peers", b.peerErrorLogInterval);
    this.removedPeerGrace = b.removedPeerGrace;
    this.clock = b.clock;
    this.observers = b.observers;
    this.membership = new Membership(empty, empty, Map.of());
    this.health = transport == null || b.probeInterval.isZero() ? null
        : new PeerHealth(self, b.probeInterval, b.probeTimeout, this::peerStateChanged);
    this.handoff = new Handoff(this, b.handoffTime, b.handoffBytesPerSecond);
    if (transport != null) {
      try {
        transport.start(self, peerHandler);
      } catch (RuntimeException e) {
        if (ownedExecutor != null) {
          ownedExecutor.shutdownNow();
        }
        if (health != null) {
          health.close();
        }
        throw e;
      }
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Creates a group with the defaults of {@link Group.Builder} and this budget and loader. */
  public Group newGroup(String name, long cacheBytes, Loader loader) {
    return groupBuilder(name).cacheBytes(cacheBytes).loader(loader).build();
  }

  /** Starts configuring a group named {@code name}. */
  public Group.Builder groupBuilder(String name) {
    return new Group.Builder(this, name);
  }

  Group register(Group.Builder b) {
    checkOpen();
    Group g = new Group(this, b, loaderExecutor, peerErrorLog, clock);
    if (groups.putIfAbsent(b.name(), g) != null) {
      throw new IllegalStateException("this GroupCache already has a group named '" + b.name()
          + "'; use group(\"" + b.name() + "\") to get it, or pick another name");
    }
    return g;
  }

  /** The group named {@code name}, if this cache has it. */
  public Optional<Group> group(String name) {
    return Optional.ofNullable(groups.get(Objects.requireNonNull(name, "name")));
  }

  /** All groups, in no particular order. */
  public Collection<Group> groups() {
    return List.copyOf(groups.values());
  }

  /** This node's peer URL (as it appears in the peer list). */
  public String self() {
    return self;
  }

  /** Sets the full peer list, this node included, as in groupcache's {@code HTTPPool.Set}. */
  public void setPeers(String... peers) {
    setPeers(Arrays.asList(peers));
  }

  /**
   * Sets the full peer list, this node included. Peers are named by their exact URL strings; the
   * ring hashes those strings (in {@link RingMode#GROUPCACHE_GO} mode their {@code host:port}), so
   * every node must use the same list. Clients of peers that left are closed after a grace period,
   * so fetches already under way can finish.
   *
   * @throws IllegalStateException if this cache has no transport
   * @throws IllegalArgumentException if a peer URL is null or blank; in {@link RingMode#GROUPCACHE_GO}
   *     mode, if a peer has no host or two peers share a {@code host:port}
   */
  public synchronized void setPeers(Collection<String> peers) {
    checkOpen();
    Objects.requireNonNull(peers, "peers");
    if (transport == null) {
      throw new IllegalStateException("this GroupCache has no peer transport; pass one to "
          + "GroupCache.builder().transport(...) to form a cluster");
    }
    for (String p : peers) {
      if (p == null || p.isBlank()) {
        throw new IllegalArgumentException("peer URLs must not be null or blank: " + peers);
      }
    }
    Membership old = membership;
    HashRing ring = old.ring.withPeers(peers);
    Map<String, PeerClient> clients = new HashMap<>();
    for (String p : ring.peers()) {
      if (!p.equals(self)) {
        PeerClient c = old.clients.get(p);
        clients.put(p, c != null ? c : transport.client(p));
      }
    }
    if (health != null) {
      health.setPeers(clients);
    }
    membership = new Membership(ring, live(ring), Map.copyOf(clients));
    observers.peersChanged(ring.peers());
    List<PeerClient> gone = new ArrayList<>();
    for (Map.Entry<String, PeerClient> e : old.clients.entrySet()) {
      if (!clients.containsKey(e.getKey())) {
        gone.add(e.getValue());
      }
    }
    if (!gone.isEmpty()) {
      Executor later = CompletableFuture.delayedExecutor(removedPeerGrace.toMillis(), TimeUnit.MILLISECONDS);
      later.execute(() -> gone.forEach(PeerClient::close));
    }
  }

  /**
   * Adds an observer of loads, peer fetches and membership changes (e.g. a metrics binder
   * attached after the cache was built). Observers are never removed; they live as long as the cache.
   */
  public synchronized void addObserver(CacheObserver observer) {
    observers = observers.with(Objects.requireNonNull(observer, "observer"));
  }

  /** The observers, for the groups' slow paths. */
  CacheObserver observer() {
    return observers;
  }

  /** {@code ring} without the peers judged down (itself when none is). */
  private HashRing live(HashRing ring) {
    java.util.Set<String> down = health == null ? java.util.Set.of() : health.down();
    java.util.Set<String> departing = handoff.departingPeers();
    if (down.isEmpty() && departing.isEmpty()) {
      return ring;
    }
    List<String> up = new ArrayList<>(ring.peers());
    up.removeAll(down);
    up.removeAll(departing);
    return ring.withPeers(up);
  }

  /** A departing peer's handoff window opened or ended ({@link Handoff}): re-form the live ring. */
  synchronized void liveRingChanged() {
    if (!closed) {
      Membership m = membership;
      membership = new Membership(m.ring, live(m.ring), m.clients);
    }
  }

  /**
   * A peer went down or came back: re-form the live ring, and release the fetches waiting on a
   * peer that went down, so that they go to its keys' next owner now rather than at their deadline.
   */
  private void peerStateChanged(PeerState state, PeerClient client) {
    synchronized (this) {
      if (closed) {
        return;
      }
      if (!state.isUp()) {
        handoff.peerDown(state.peer()); // a departing peer that is gone: it owns its keys again once it answers
      }
      Membership m = membership;
      membership = new Membership(m.ring, live(m.ring), m.clients);
    }
    if (!state.isUp()) {
      client.failPending(new IllegalStateException("peer " + state.peer() + " is judged down: " + state.reason()));
    }
    observers.peerStateChanged(state);
  }

  /**
   * What this node thinks of each remote member: up or down, since when and why (from probes
   * and fetches). Empty without a transport or with probes turned off.
   */
  public List<PeerState> peerStates() {
    return health == null ? List.of() : health.states();
  }

  /**
   * What this node thinks of {@code peer} now, as in {@link #peerStates()}, without building the
   * list: one lookup, for a metrics gauge or a page that asks per peer. Empty for this node, for a
   * URL that is not a member, and without a transport or with probes turned off.
   */
  public Optional<PeerState> peerState(String peer) {
    return health == null || peer == null ? Optional.empty() : Optional.ofNullable(health.state(peer));
  }

  /** Whether this node judges {@code peer} down now. */
  boolean isDown(String peer) {
    return health != null && health.isDown(peer);
  }

  /** The state of {@code peer} if this node judges it down now, else null. */
  PeerState downState(String peer) {
    return health == null ? null : health.downState(peer);
  }

  /** A fetch from {@code peer} failed in the transport with {@code cause}: check on the peer now. */
  void fetchFailed(String peer, Throwable cause) {
    if (health != null) {
      health.fetchFailed(peer, cause);
    }
  }

  /** The current peer list, in the order given. */
  public List<String> peers() {
    return membership.ring.peers();
  }

  /** The current ring of the members, down or not (immutable). */
  public HashRing ring() {
    return membership.ring;
  }

  /**
   * How many requests and answers came from a peer whose ring fingerprint differs from ours
   * ({@link HashRing#fingerprint} of {@link #ring()}): its peer list, ring mode or replica count is not ours,
   * so the two nodes disagree on keys' owners. Only our own nodes send a fingerprint.
   */
  public long ringMismatches() {
    return ringMismatches.get();
  }

  /** The peer of the last {@linkplain #ringMismatches ring mismatch}, or {@code null} if there was none. */
  public String lastRingMismatchPeer() {
    return lastRingMismatchPeer;
  }

  /** Counts a ring mismatch, and warns once per peer and fingerprint (again every 10 minutes while it lasts). */
  private void ringMismatch(String peer, String theirs) {
    ringMismatches.incrementAndGet();
    lastRingMismatchPeer = peer;
    HashRing ours = membership.ring;
    RING_LOG.log(peer + " " + theirs + " " + self, System.Logger.Level.WARNING, () -> "peer " + peer
        + " has ring fingerprint " + theirs + ", this node (" + self + ") has " + ours.fingerprint() + " ("
        + ours.peers().size() + (ours.peers().size() == 1 ? " peer" : " peers") + ", ring mode " + ours.mode().id()
        + (ours.mode().hasReplicas() ? ", replicas=" + ours.replicas() : "")
        + "): the peer lists or ring settings differ, so keys are loaded by more than one node. Give every node the "
        + "same set of peer URLs, the same ring mode and the same number of replicas (logged once per peer and "
        + "fingerprint every 10 minutes; counted by GroupCache.ringMismatches())", null);
  }

  /**
   * The peer URL that owns {@code key} now, on the ring of the members that answer:
   * {@link #self()} when this node does or when there are no peers.
   */
  public String ownerOf(String key) {
    String o = membership.live.owner(key);
    return o == null ? self : o;
  }

  /** The client of the remote owner of {@code key}, or {@code null} if this node owns it. */
  PeerClient ownerClient(String key) {
    Membership m = membership;
    if (m.clients.isEmpty()) {
      return null;
    }
    String owner = m.live.owner(key);
    return owner == null || owner.equals(self) ? null : m.clients.get(owner);
  }

  /** The client of peer {@code url}, or {@code null} if it is not (or no longer) in the ring. */
  PeerClient clientOf(String url) {
    return membership.clients.get(url);
  }

  private Group groupOrThrow(String group) {
    Group g = group == null ? null : groups.get(group);
    if (g == null) {
      throw new UnknownGroupException(group);
    }
    return g;
  }

  /**
   * What this node handed over when it closed and took from departing peers
   * ({@link Builder#handoffTime}).
   */
  public HandoffStats handoffStats() {
    return new HandoffStats(handoff.handedOff.sum(), handoff.handedOffKept.sum(), handoff.received.sum(),
        handoff.receivedDropped.sum());
  }

  /** Answers peers: reads from the stores or a local load, writes applied to this node alone; handoffs of departing peers. */
  private final class PeerHandler implements PeerRequestHandler, HandoffHandler {
    @Override
    public HandoffClient.Reply receiveHandoff(String sender, Duration window, List<HandoffEntry> entries) {
      return handoff.receive(sender, window, entries);
    }

    @Override
    public CompletableFuture<PeerValue> get(String group, String key) {
      return serve(group, key).thenApply(Group::toPeerValue);
    }

    private CompletableFuture<Entry> serve(String group, String key) {
      try {
        return groupOrThrow(group).serveFromPeer(key);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    @Override
    public String ringFingerprint() {
      HashRing r = membership.ring;
      return r.isEmpty() ? null : r.fingerprint();
    }

    @Override
    public RingMode ringMode() {
      return ringMode;
    }

    @Override
    public void ringMismatch(String peer, String theirs) {
      GroupCache.this.ringMismatch(peer, theirs);
    }

    @Override
    public void remove(String group, String key) {
      groupOrThrow(group).removeFromPeer(key);
    }

    @Override
    public void removeAll(String group, List<String> keys) {
      Group g = groupOrThrow(group);
      keys.forEach(g::removeFromPeer);
    }

    @Override
    public void set(String group, String key, ByteView value, long expireUnixNanos) {
      groupOrThrow(group).setFromPeer(key, value, expireUnixNanos);
    }

    @Override
    public CompletableFuture<Void> setFromOtherLineage(String group, String key, ByteView value, long expireUnixNanos) {
      try {
        return groupOrThrow(group).setFromOtherLineage(key, value, expireUnixNanos);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    @Override
    public CompletableFuture<org.groupcache4j.peer.LeaseAnswer> lease(String group, String key, String asker,
        Duration wait) {
      try {
        return groupOrThrow(group).leaseFromPeer(key, asker, wait);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    @Override
    public boolean completeLease(String group, String key, String leaseId, ByteView value, long expireUnixNanos,
        String failure) {
      return groupOrThrow(group).completeLeaseFromPeer(key, leaseId, value, expireUnixNanos, failure);
    }

    @Override
    public void clear(String group) {
      groupOrThrow(group).clearFromPeer();
    }

    @Override
    public PeerValue putIfAbsent(String group, String key, ByteView value, long expireUnixNanos) {
      return groupOrThrow(group).putIfAbsentFromPeer(key, value, expireUnixNanos);
    }
  }

  /** The handler that answers peers' requests; for transports mounted by hand (see {@link PeerTransport}). */
  public PeerRequestHandler peerRequestHandler() {
    return peerHandler;
  }

  /**
   * Hands the entries of the main stores to the peers that own their keys without this node
   * (within {@link Builder#handoffTime}, see there), then stops the transport, closes peer
   * clients, and shuts down the default loader executor.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed || departing) {
        return;
      }
      departing = true;
    }
    try {
      handoff.depart(membership.clients);
    } catch (RuntimeException e) {
      System.getLogger("org.groupcache4j.handoff").log(System.Logger.Level.WARNING, "handoff of " + self
          + " failed; closing without it", e);
    }
    closeNow();
  }

  private synchronized void closeNow() {
    closed = true;
    if (health != null) {
      health.close();
    }
    if (transport != null) {
      transport.close();
    }
    membership.clients.values().forEach(PeerClient::close);
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this GroupCache (" + self + ") is closed");
    }
  }

  @Override
  public String toString() {
    return "GroupCache[" + self + ", groups=" + groups.keySet() + ", peers=" + peers() + "]";
  }

  /** Configures a {@link GroupCache}. Every option has a default; a single node needs none. */
  public static final class Builder {
    private String self = "local";
    private PeerTransport transport;
    private RingMode ringMode = HashRing.DEFAULT_MODE;
    private int replicas = HashRing.DEFAULT_REPLICAS;
    private boolean replicasSet;
    private HashFunction hash = HashFunction.CRC32_IEEE;
    private boolean hashSet;
    private Executor loaderExecutor;
    private Duration peerErrorLogInterval = Duration.ofSeconds(10);
    private Duration removedPeerGrace = Duration.ofSeconds(30);
    private Clock clock = Clock.systemUTC();
    private Observers observers = Observers.NONE;
    private Duration probeInterval = Duration.ofMillis(250);
    private Duration probeTimeout = Duration.ofSeconds(1);
    private Duration handoffTime = DEFAULT_HANDOFF_TIME;
    private long handoffBytesPerSecond = DEFAULT_HANDOFF_BYTES_PER_SECOND;

    /** Default {@link #handoffTime}: 5 s. */
    public static final Duration DEFAULT_HANDOFF_TIME = Duration.ofSeconds(5);
    /** Default {@link #handoffBytesPerSecond}: 64 MiB/s. */
    public static final long DEFAULT_HANDOFF_BYTES_PER_SECOND = 64L << 20;

    private Builder() {}

    /**
     * How long {@link GroupCache#close()} may spend handing the entries of this node's main stores
     * to the peers that own their keys once it is gone (default 5 s; {@link Duration#ZERO}: no
     * handoff). The entries go most valuable first (by the eviction policy), with their expiry,
     * cached "not found" answers included, to our own nodes only (a transport's client that
     * implements {@link org.groupcache4j.peer.HandoffClient}; never to golang/groupcache peers).
     * A receiver keeps an entry only if nothing newer can be known there (no write of the key since
     * the handoff began, no load of it under way, no entry of it), and its budget and policy decide
     * how long. During the handoff the peers no longer give this node keys to own, so reads and
     * writes of its keys go to their next owners.
     */
    public Builder handoffTime(Duration time) {
      Objects.requireNonNull(time, "handoffTime");
      if (time.isNegative()) {
        throw new IllegalArgumentException("handoffTime must be >= 0, was " + time);
      }
      this.handoffTime = time;
      return this;
    }

    /** The bandwidth the handoff may use, in bytes of keys and values per second (default 64 MiB/s; 0: unbounded). */
    public Builder handoffBytesPerSecond(long bytesPerSecond) {
      if (bytesPerSecond < 0) {
        throw new IllegalArgumentException("handoffBytesPerSecond must be >= 0, was " + bytesPerSecond);
      }
      this.handoffBytesPerSecond = bytesPerSecond;
      return this;
    }

    /**
     * How often each peer is probed (default 250 ms); {@link Duration#ZERO} turns probes off, and
     * with them the detection of peers that hang (a peer is then only skipped when its fetches fail).
     */
    public Builder peerProbeInterval(Duration interval) {
      Objects.requireNonNull(interval, "peerProbeInterval");
      if (interval.isNegative()) {
        throw new IllegalArgumentException("peerProbeInterval must be >= 0, was " + interval);
      }
      this.probeInterval = interval;
      return this;
    }

    /**
     * How long a probe may go unanswered before its peer is judged down (default 1 s): its keys
     * then go to the other peers, and the fetches waiting on it are released to them at once.
     * A peer busy with slow loads still answers probes at once.
     */
    public Builder peerProbeTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "peerProbeTimeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("peerProbeTimeout must be positive, was " + timeout);
      }
      this.probeTimeout = timeout;
      return this;
    }

    /** Adds an observer of loads, peer fetches and membership changes; may be called more than once. */
    public Builder observer(CacheObserver observer) {
      this.observers = observers.with(Objects.requireNonNull(observer, "observer"));
      return this;
    }

    /** This node's URL exactly as it appears in the peer list, e.g. {@code http://10.0.0.1:8001}. */
    public Builder self(String selfUrl) {
      if (selfUrl == null || selfUrl.isBlank()) {
        throw new IllegalArgumentException("self URL must not be null or blank");
      }
      this.self = selfUrl;
      return this;
    }

    /** The peer transport (e.g. groupcache4j-http's); without one the node works alone. */
    public Builder transport(PeerTransport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /**
     * How the ring places keys; default {@link HashRing#DEFAULT_MODE} ({@link RingMode#GOLANG}).
     * Every node of a cluster needs the same one: {@link RingMode#MAILGUN} or
     * {@link RingMode#GROUPCACHE_GO} to be a peer of those libraries' nodes (their nodes then take
     * this node's writes, and it takes theirs), {@link RingMode#BALANCED} for a cluster of
     * groupcache4j nodes alone (a peer that answers as another groupcache server is then left out
     * of the ring, judged down with the reason).
     */
    public Builder ringMode(RingMode mode) {
      this.ringMode = Objects.requireNonNull(mode, "ringMode");
      return this;
    }

    /**
     * Ring points per peer; default 50, as golang/groupcache's HTTPPool (and mailgun's and
     * groupcache-go's). {@link RingMode#BALANCED} has no such option: {@link #build} refuses both.
     */
    public Builder replicas(int replicas) {
      if (replicas < 1) {
        throw new IllegalArgumentException("replicas must be >= 1, was " + replicas);
      }
      this.replicas = replicas;
      this.replicasSet = true;
      return this;
    }

    /**
     * The ring's hash; default CRC-32 (IEEE), as golang/groupcache. Only for {@link RingMode#GOLANG}:
     * the other modes' hashes are fixed, and {@link #build} refuses both.
     */
    public Builder hashFunction(HashFunction hash) {
      this.hash = Objects.requireNonNull(hash, "hashFunction");
      this.hashSet = true;
      return this;
    }

    /** The ring of no peer with the chosen mode and options; checks that the options fit the mode. */
    HashRing emptyRing() {
      if (!ringMode.hasReplicas() && replicasSet) {
        throw new IllegalArgumentException("the " + ringMode.id() + " ring has no replicas option (it was given "
            + replicas + "); leave replicas unset, or choose another ring mode");
      }
      if (ringMode != RingMode.GOLANG && hashSet) {
        throw new IllegalArgumentException("the " + ringMode.id() + " ring's hash is fixed (it was given "
            + hash + "); a hash function is an option of the golang ring only");
      }
      return ringMode == RingMode.GOLANG ? HashRing.of(List.of(), replicas, hash)
          : ringMode.hasReplicas() ? HashRing.of(ringMode, List.of(), replicas) : HashRing.of(ringMode, List.of());
    }

    /**
     * Where loaders run. Default: a virtual thread per load on JDK 21+, else a pool of
     * {@value LoaderExecutors#PLATFORM_POOL_THREADS} daemon threads. A supplied executor is not
     * shut down by {@link GroupCache#close()}.
     */
    public Builder loaderExecutor(Executor executor) {
      this.loaderExecutor = Objects.requireNonNull(executor, "loaderExecutor");
      return this;
    }

    /** At most one log line per failing peer per this interval (default 10 s). */
    public Builder peerErrorLogInterval(Duration interval) {
      this.peerErrorLogInterval = Objects.requireNonNull(interval, "peerErrorLogInterval");
      return this;
    }

    /** How long a removed peer's client stays open for fetches under way (default 30 s). */
    public Builder removedPeerGrace(Duration grace) {
      this.removedPeerGrace = Objects.requireNonNull(grace, "removedPeerGrace");
      return this;
    }

    /**
     * The wall clock that expiry is measured with (default {@link Clock#systemUTC()}); tests pass
     * one they can move. Expiry crosses the wire as Unix time, so nodes' clocks should agree
     * (NTP): a peer whose clock is ahead by d keeps others' copies d shorter, one behind, d longer,
     * never more than the group's hot store max age.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the node and starts its transport.
     *
     * @throws java.io.UncheckedIOException if the transport cannot listen
     * @throws IllegalArgumentException if the ring's options do not fit its mode (replicas for
     *     {@link RingMode#BALANCED}, a hash function for any mode but {@link RingMode#GOLANG})
     */
    public GroupCache build() {
      return new GroupCache(this);
    }
  }
}
