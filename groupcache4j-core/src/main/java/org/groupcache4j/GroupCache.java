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
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.groupcache4j.internal.Entry;
import org.groupcache4j.internal.Hints;
import org.groupcache4j.internal.LoaderExecutors;
import org.groupcache4j.internal.Observers;
import org.groupcache4j.internal.PauseDetector;
import org.groupcache4j.internal.PeerHealth;
import org.groupcache4j.internal.RateLimitedLog;
import org.groupcache4j.internal.Timeouts;
import org.groupcache4j.peer.HintAck;
import org.groupcache4j.peer.HintDelivery;
import org.groupcache4j.peer.OwnershipState;
import org.groupcache4j.peer.HandoffClient;
import org.groupcache4j.peer.HandoffEntry;
import org.groupcache4j.peer.TakeBackAnswer;
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
 *
 * <h2>Keys that change owner</h2>
 * A key's owner is its owner on this node's <em>live ring</em>: the members ({@link #ring()})
 * without the peers that own no keys now (judged down by the failure detector, or up but not
 * ready: catching up or draining) and without this node while it is not ready. Ownership moves
 * when a peer goes down, comes back, joins or leaves; the machinery that keeps a value written
 * before the move from being lost, and a value older than it from coming back:
 * <ul>
 *   <li>every node of ours has an <b>incarnation</b> and an <b>ownership state</b>, which its
 *       answers carry ({@link PeerState}, {@link OwnershipState});</li>
 *   <li>a write reaches every node that may answer as the key's owner (the live owner, the member
 *       ring's owner, and the key's successor on both rings, where a set value is kept too), a peer
 *       that cannot be reached is tried through another peer (a relay), and one still not told
 *       gets a <b>hint</b> here ({@code WriteFanOut}, {@link WriteResult});</li>
 *   <li>a node that knows it was away <b>catches up</b> before it owns keys again, and a peer
 *       judged down owns its keys again only once it took its hints ({@code NodeOwnership});</li>
 *   <li>for {@linkplain Builder#previousOwnerGrace a grace period} after its live ring changed, a
 *       node that misses a key it owns <b>asks the key's previous owner</b> (and the nodes that keep
 *       a set value) before it loads it ({@code Loads}).</li>
 * </ul>
 * None of this is sent to golang/groupcache, mailgun or groupcache-go peers. It needs the failure
 * detector: with probes turned off the node is always ready and a peer not told is not covered.
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
  private final PauseDetector pauses; // null with health
  private final Hints hints;
  private final NodeOwnership ownership;
  private final Duration previousOwnerGrace;
  /** How many peek timeouts a previous holder whose peek timed out is not asked again. */
  static final int PEEK_TIMEOUT_SKIPS = 2;
  /** Previous holders whose last peek timed out, and when ({@link #peekTimedOut}). */
  private final ConcurrentHashMap<String, Long> peeksTimedOut = new ConcurrentHashMap<>();
  /**
   * Keys a peer's hint dropped here while this node owned them, by the peer that sent it and when
   * ({@link #hintedBy}): the next miss asks it first. Bounded; entries older than the grace are dropped.
   */
  private final ConcurrentHashMap<GroupKey, HintedHolder> hintedHolders = new ConcurrentHashMap<>();
  private static final int MAX_HINTED_HOLDERS = 100_000;

  private record GroupKey(String group, String key) {}

  private record HintedHolder(String peer, long atNanos) {}
  /** When the pause detector last saw this process's own pause end ({@link System#nanoTime()}; 0: never). */
  private volatile long pauseSeenAtNanos;
  private final Duration probeTimeout;
  /** Clients of peers that left the list, kept for {@code removedPeerGrace}: they are still sent writes. */
  private final Map<String, Departed> departed = new ConcurrentHashMap<>();
  /** Peer-list changes begun and ended ({@link #setPeers}: +1 at each), for {@link #writePeers} to see one in between. */
  private final java.util.concurrent.atomic.AtomicLong peerListChanges = new java.util.concurrent.atomic.AtomicLong();
  /** Clients that reach a peer through another one, by "peer relay". */
  private final Map<String, PeerClient> viaClients = new ConcurrentHashMap<>();

  private record Departed(PeerClient client, long sinceNanos) {}
  private final Handoff handoff;

  /**
   * The ring of the members; the live ring (the members that own keys now, which picks every key's
   * owner); a client per remote member and the route to each (the client itself, or one through
   * the peer it is reached through); and the live ring before its last change with the time of
   * that change. Replaced as a whole on every membership, health or ownership change.
   */
  private record Membership(HashRing ring, HashRing live, Map<String, PeerClient> clients,
      Map<String, PeerClient> routes, HashRing previous, long changedAtNanos) {}

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
    this.membership = new Membership(empty, empty, Map.of(), Map.of(), empty,
        System.nanoTime() - b.previousOwnerGrace.toNanos() - 1);
    this.previousOwnerGrace = b.previousOwnerGrace;
    this.probeTimeout = b.probeTimeout;
    this.hints = new Hints(b.hintsPerPeer, b.hintBytesPerPeer);
    long inc;
    do {
      inc = ThreadLocalRandom.current().nextLong();
    } while (inc == 0);
    this.ownership = new NodeOwnership(this, inc, b.probeTimeout, b.probeInterval, b.peerErrorLogInterval);
    boolean probes = transport != null && !b.probeInterval.isZero();
    this.pauses = probes ? new PauseDetector(self, b.probeTimeout, this::paused) : null;
    this.health = probes ? new PeerHealth(self, b.probeInterval, b.probeTimeout, pauses, new HealthListener()) : null;
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
          pauses.close();
        }
        throw e;
      }
    }
  }

  /** What the failure detector tells this node of its peers. */
  private final class HealthListener implements PeerHealth.Listener {
    @Override
    public void changed(PeerState now, PeerClient client) {
      peerStateChanged(now, client);
    }

    @Override
    public void answered(PeerState now, PeerClient client, long downSinceMillis) {
      ownership.answered(now, downSinceMillis);
    }

    @Override
    public boolean mayRise(String peer) {
      return ownership.mayRise(peer);
    }

    @Override
    public void restarted(String peer, long oldIncarnation, long newIncarnation, long lastHeardNanos) {
      ownership.restarted(peer, lastHeardNanos);
    }

    @Override
    public void isolated() {
      ownership.isolated();
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
    g.serving(ownership.serves());
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
  public void setPeers(Collection<String> peers) {
    boolean member;
    synchronized (this) {
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
      peerListChanges.incrementAndGet();
      Membership old = membership;
      HashRing ring = old.ring.withPeers(peers);
      Map<String, PeerClient> clients = new HashMap<>();
      List<String> back = new ArrayList<>();
      for (String p : ring.peers()) {
        if (!p.equals(self)) {
          PeerClient c = old.clients.get(p);
          if (c == null) {
            Departed d = departed.get(p);
            c = d != null ? d.client : transport.client(p);
            if (d != null) {
              back.add(p);
            }
          }
          clients.put(p, c);
        }
      }
      if (health != null) {
        health.setPeers(clients);
      }
      member = ring.peers().contains(self);
      // A peer that leaves is among the departed before the new membership is published, and one
      // that comes back leaves the departed only after: writePeers() and routeOf() read both
      // without this lock, and a write in between must still reach it (a write that skipped it
      // would name it nowhere).
      long now = System.nanoTime();
      List<Map.Entry<String, Departed>> leaving = new ArrayList<>();
      for (Map.Entry<String, PeerClient> e : old.clients.entrySet()) {
        if (!clients.containsKey(e.getKey())) {
          Departed d = new Departed(e.getValue(), now);
          departed.put(e.getKey(), d);
          leaving.add(Map.entry(e.getKey(), d));
        }
      }
      membership = formed(old, ring, Map.copyOf(clients));
      back.forEach(departed::remove);
      peerListChanges.incrementAndGet();
      observers.peersChanged(ring.peers());
      for (Map.Entry<String, Departed> e : leaving) {
        String peer = e.getKey();
        Departed d = e.getValue();
        ownership.forget(peer);
        Executor later = CompletableFuture.delayedExecutor(removedPeerGrace.toMillis(), TimeUnit.MILLISECONDS);
        later.execute(() -> {
          if (departed.remove(peer, d)) {
            d.client.close();
          }
        });
      }
    }
    if (health != null) {
      ownership.peersSet(member, removedPeerGrace);
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

  /**
   * {@code ring} without the peers that own no keys now (judged down, or not ready) and without
   * this node while it is not ready.
   */
  private HashRing live(HashRing ring) {
    Set<String> out = health == null ? Set.of() : health.notOwning();
    boolean selfOut = !ownership.owns();
    if (out.isEmpty() && !selfOut) {
      return ring;
    }
    List<String> up = new ArrayList<>(ring.peers());
    up.removeAll(out);
    if (selfOut) {
      up.remove(self);
    }
    return up.size() == ring.peers().size() ? ring : ring.withPeers(up);
  }

  /**
   * The membership of {@code ring} and {@code clients} after {@code old}: its live ring and routes,
   * and the live ring before, with the time, if the live ring changed.
   */
  private Membership formed(Membership old, HashRing ring, Map<String, PeerClient> clients) {
    HashRing live = live(ring);
    Map<String, PeerClient> routes = new HashMap<>(clients);
    if (health != null) {
      for (Map.Entry<String, PeerClient> c : clients.entrySet()) {
        String through = health.through(c.getKey());
        PeerClient relay = through == null ? null : clients.get(through);
        if (relay != null) {
          PeerClient via = viaClients.computeIfAbsent(c.getKey() + " " + through, k -> c.getValue().via(relay));
          if (via != null) {
            routes.put(c.getKey(), via);
          }
        }
      }
    }
    boolean same = new java.util.HashSet<>(live.peers()).equals(new java.util.HashSet<>(old.live.peers()));
    return same ? new Membership(ring, live, clients, Map.copyOf(routes), old.previous, old.changedAtNanos)
        : new Membership(ring, live, clients, Map.copyOf(routes), old.live, System.nanoTime());
  }

  /** Forms the live ring and the routes again: a peer's state or this node's changed. */
  synchronized void reform() {
    if (closed) {
      return;
    }
    Membership m = membership;
    membership = formed(m, m.ring, m.clients);
  }

  /**
   * A peer went down or came back, or its ownership state or route changed: re-form the live ring,
   * and release the fetches waiting on a peer that went down, so that they go to its keys' next
   * owner now rather than at their deadline.
   */
  private void peerStateChanged(PeerState state, PeerClient client) {
    PeerState before;
    synchronized (this) {
      if (closed) {
        return;
      }
      if (!state.isUp()) {
        handoff.peerDown(state.peer()); // a departing peer that is gone: its handoff ends here
      }
      Membership m = membership;
      membership = formed(m, m.ring, m.clients);
      before = lastStatus.put(state.peer(), state);
    }
    if (!state.isUp()) {
      IllegalStateException why = new IllegalStateException("peer " + state.peer() + " is judged down: " + state.reason());
      client.failPending(why);
      viaClients.forEach((route, via) -> {
        if (route.startsWith(state.peer() + " ")) {
          via.failPending(why); // what went to it through another peer
        }
      });
    }
    if (state.isUp() && state.through() != null && (before == null || before.through() == null)) {
      // It is reached only through another peer now: what waits on the direct connection (an answer
      // a cut link holds back) goes again, through that peer.
      client.failPending(new IllegalStateException("peer " + state.peer() + " is reached only through "
          + state.through() + " now"));
    }
    if (before == null ? !state.isUp() : before.isUp() != state.isUp()) {
      observers.peerStateChanged(state); // observers hear a peer go down and come back
    }
  }

  /** The last state observers heard of, by peer; guarded by this. */
  private final Map<String, PeerState> lastStatus = new HashMap<>();

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

  /** Whether {@code peer}, judged down, answered a probe since (a write to it may get through). */
  boolean answeringAgain(String peer) {
    return health != null && health.answeringAgain(peer);
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
    observers.ringMismatch(peer, theirs);
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

  /** The client of the remote owner of {@code key} (through a relay if need be), or {@code null} if this node owns it. */
  PeerClient ownerClient(String key) {
    Membership m = membership;
    if (m.clients.isEmpty()) {
      return null;
    }
    String owner = m.live.owner(key);
    if (owner == null && health != null) {
      // Nobody owns keys in this node's view: it is catching up and judges every peer down (it was
      // cut off). Its peers may answer again before it takes them back: ask the key's owner on the
      // member ring, or for a key of its own the node that held it meanwhile (its successor),
      // rather than load every key from the origin without storing it.
      owner = m.ring.owner(key);
      if (self.equals(owner)) {
        owner = m.ring.successor(key);
      }
    }
    return owner == null || owner.equals(self) ? null : m.routes.get(owner);
  }

  /**
   * The client of {@code key}'s owner on the live ring without {@code failed} (which could not be
   * fetched from), or {@code null} if that is this node or there is none: where a set value is
   * also kept. When nobody owns keys in this node's view (it is catching up and judges every peer
   * down, as {@link #ownerClient}), on the ring of the members: the key's successor there keeps its
   * set value, and may well answer (this node's view of it is what is out of date), where a load
   * here would get the value the set replaced. If that successor is this node, which keeps nothing
   * while it catches up, the next node on that ring: the one the writers kept the set value at,
   * since this node was out of their live rings.
   */
  PeerClient successorClient(String key, String failed) {
    Membership m = membership;
    boolean nobodyOwns = m.live.owner(key) == null && health != null;
    HashRing ring = nobodyOwns ? m.ring : m.live;
    String owner = ring.owner(key);
    String next = failed.equals(owner) ? ring.successor(key) : owner;
    if (nobodyOwns && self.equals(next)) {
      List<String> others = new ArrayList<>(ring.peers());
      others.remove(self);
      others.remove(failed);
      next = others.isEmpty() ? null : ring.withPeers(others).owner(key);
    }
    return next == null || next.equals(self) || next.equals(failed) ? null : m.routes.get(next);
  }

  /** The client of peer {@code url}, or {@code null} if it is not (or no longer) in the ring. */
  PeerClient clientOf(String url) {
    return membership.clients.get(url);
  }

  /**
   * How to reach peer {@code url}: its client, or one through the peer it is reached through, or
   * the client of a peer that left the list less than the removed-peer grace ago; {@code null} if
   * none.
   */
  PeerClient routeOf(String url) {
    // The departed are read before and after the membership, as in writePeers().
    Departed before = departed.get(url);
    PeerClient c = membership.routes.get(url);
    if (c != null) {
      return c;
    }
    Departed d = before != null ? before : departed.get(url);
    return d == null ? null : d.client;
  }

  /**
   * Clients that carry requests to {@code peer} through another peer of ours that this node
   * reaches directly and that is up, for a request this node could not deliver itself: at most
   * {@code max}, one per relay, in the order the failure detector would probe it through
   * ({@link PeerHealth#relaysFor}); empty if there is none (no relays, or no such peer).
   */
  List<PeerClient> relaysTo(String peer, int max) {
    if (health == null) {
      return List.of();
    }
    Membership m = membership;
    PeerClient target = m.clients.get(peer);
    if (target == null) {
      return List.of();
    }
    List<PeerClient> relays = new ArrayList<>(max);
    for (String r : health.relaysFor(peer)) {
      if (relays.size() == max) {
        break;
      }
      PeerClient relay = m.clients.get(r);
      PeerClient via = relay == null ? null : viaClients.computeIfAbsent(peer + " " + r, k -> target.via(relay));
      if (via != null) {
        relays.add(via);
      }
    }
    return relays;
  }

  /** The peers a write is sent to besides this node: the members, and the peers that left less than the grace ago. */
  List<String> writePeers() {
    // setPeers() adds a leaving peer to the departed before it publishes the membership without
    // it, and removes a returning one after it publishes the membership with it. So the departed
    // read before the membership hold every peer coming back that the membership may lack, and
    // those read after it every peer leaving that it may lack: no peer is missed mid-change. That
    // holds for one change at a time; if a whole change ended between the reads (a peer gone and
    // back again), they are read again, and every peer seen in any read is kept (a write to one
    // more peer is harmless).
    List<String> all = new ArrayList<>();
    for (int attempt = 0; ; attempt++) {
      long changes = peerListChanges.get();
      List<String> before = departed.isEmpty() ? List.of() : List.copyOf(departed.keySet());
      addPeers(all, membership.ring.peers());
      addPeers(all, before);
      addPeers(all, departed.keySet());
      if (peerListChanges.get() - changes <= 1 || attempt == 2) {
        return all;
      }
    }
  }

  /** Adds to {@code to} the peers of {@code from} it lacks, this node left out. */
  private void addPeers(List<String> to, Collection<String> from) {
    for (String p : from) {
      if (!p.equals(self) && !to.contains(p)) {
        to.add(p);
      }
    }
  }

  /** Whether no node owns keys in this node's view (this node is not ready, and every member is out of its live ring). */
  boolean nobodyOwns() {
    Membership m = membership;
    return health != null && !m.ring.peers().isEmpty() && m.live.peers().isEmpty();
  }

  /** The remote members. */
  List<String> remoteMembers() {
    return List.copyOf(membership.clients.keySet());
  }

  /**
   * Where a write of {@code key} stores a set value (this node among them when it is one): the
   * owner on the live ring, the owner on the ring of the members, and the key's successor on both
   * (its owner on each ring without that ring's owner: the node that takes the key over should its
   * owner go), so that whichever of them answers as the owner next holds the value.
   */
  Set<String> ownersOf(String key) {
    Membership m = membership;
    Set<String> owners = new LinkedHashSet<>();
    String live = m.live.owner(key);
    owners.add(live == null ? self : live);
    addIfSet(owners, m.ring.owner(key));
    addIfSet(owners, m.ring.successor(key));
    addIfSet(owners, m.live.successor(key));
    return owners;
  }

  /**
   * The node after {@code passed} in {@code key}'s order on the ring of the members (its owner on
   * that ring without them), or {@code null} if every member is passed: where a set value is kept
   * as well when fewer than two of its {@link #ownersOf owners} took it. It is the node that owns
   * the key should those before it go (the first of them is also asked for it by a new owner that
   * misses it: it is the key's successor on the live ring then, {@link #previousHolders}).
   */
  String nextKeeper(String key, Collection<String> passed) {
    HashRing ring = membership.ring;
    List<String> others = new ArrayList<>(ring.peers());
    others.removeAll(passed);
    return others.isEmpty() ? null : ring.withPeers(others).owner(key);
  }

  private static void addIfSet(Set<String> s, String peer) {
    if (peer != null) {
      s.add(peer);
    }
  }

  /**
   * The peers to ask for {@code key} before this node, its owner, loads it, if its live ring
   * changed less than the grace period ago or a peer's hint dropped the key here within it
   * ({@link #hintedBy}, asked once): that peer, the key's owner on the live ring before the change,
   * and the nodes that keep a set value of it (its owner and successor on the member ring, its
   * successor on the live ring); those of them that own keys now, this node left out. Empty
   * otherwise.
   */
  List<PeerClient> previousHolders(String group, String key) {
    Membership m = membership;
    if (health == null || !self.equals(m.live.owner(key))) {
      return List.of();
    }
    long now = System.nanoTime();
    long grace = previousOwnerGrace.toNanos();
    HintedHolder hinted = hintedHolders.isEmpty() ? null : hintedHolders.remove(new GroupKey(group, key));
    boolean wasHinted = hinted != null && now - hinted.atNanos <= grace;
    if (now - m.changedAtNanos > grace && !wasHinted) {
      return List.of();
    }
    long skipNanos = PEEK_TIMEOUT_SKIPS * peekTimeout().toNanos();
    Set<String> candidates = new LinkedHashSet<>();
    if (wasHinted) {
      candidates.add(hinted.peer); // it wrote the key while it judged this node down
    }
    addIfSet(candidates, m.previous.owner(key));
    addIfSet(candidates, m.ring.owner(key));
    addIfSet(candidates, m.ring.successor(key));
    addIfSet(candidates, m.live.successor(key));
    candidates.remove(self);
    List<PeerClient> ask = new ArrayList<>(candidates.size());
    for (String c : candidates) {
      Long timedOut = peeksTimedOut.get(c);
      if (timedOut != null) {
        if (now - timedOut < skipNanos) {
          continue; // answers no peek in time: each flight of a key would wait for it once more
        }
        peeksTimedOut.remove(c, timedOut);
      }
      PeerState s = health.state(c);
      PeerClient route = m.routes.get(c);
      // A peer that answers probes again but is not taken back yet (e.g. this node was the one cut
      // off) may hold the value too, and so does one that is draining (it serves what it holds and
      // applies writes until it has handed its entries over): asked as well.
      if (s != null && route != null && (s.owns() || answeringAgain(c)
          || s.isUp() && s.ownership() == OwnershipState.DRAINING)) {
        ask.add(route);
      }
    }
    return ask;
  }

  /**
   * A hint from {@code peer} dropped {@code key} of {@code group} here: a write of it that this node missed, made
   * while {@code peer} judged this node down, and kept by the nodes that owned the key in its view
   * then (the writer, and the key's owner on the ring without this node). A node that did not know
   * it was away stays ready and its ring does not change, so without this its next miss of the
   * key would load it from the source: the value a set replaced. For the grace period, the next
   * miss here asks them first ({@link #previousHolders}).
   */
  void hintedBy(String group, String key, String peer) {
    long now = System.nanoTime();
    if (hintedHolders.size() >= MAX_HINTED_HOLDERS) {
      long grace = previousOwnerGrace.toNanos();
      hintedHolders.values().removeIf(h -> now - h.atNanos > grace);
      if (hintedHolders.size() >= MAX_HINTED_HOLDERS) {
        return; // a flood of hints: these keys are loaded, as before
      }
    }
    hintedHolders.put(new GroupKey(group, key), new HintedHolder(peer, now));
  }

  /**
   * A peek of {@code peer} as a previous holder timed out: it is not asked as one for the next
   * {@link #PEEK_TIMEOUT_SKIPS} peek timeouts (a frozen or overloaded node, until the failure
   * detector judges it; a key asked again, by callers or because writes invalidate its flights,
   * would wait a peek timeout each time).
   */
  void peekTimedOut(String peer) {
    long now = System.nanoTime();
    long seen = pauseSeenAtNanos;
    if (pausedNow() || seen != 0 && now - seen < peekTimeout().toNanos()) {
      return; // it timed out across this process's own pause: that says nothing of the peer
    }
    peeksTimedOut.put(peer, now);
  }

  /**
   * This process was paused (SIGSTOP, a frozen VM, a long GC): the peeks that timed out across the
   * pause are forgotten (right after it, when this node catches up and asks its keys' previous
   * holders, it would otherwise skip every one of them), then the node catches up.
   */
  private void paused(long nanos) {
    pauseSeenAtNanos = System.nanoTime();
    peeksTimedOut.clear();
    ownership.paused(nanos);
  }

  /** Whether peers are probed (the ownership machinery needs it). */
  boolean hasFailureDetector() {
    return health != null;
  }

  /** How long a peek or a hint exchange may take. */
  Duration peekTimeout() {
    return probeTimeout.multipliedBy(2);
  }

  /**
   * Keeps a drop of {@code keys} of {@code group} for {@code peer}, which was not told; false if
   * it cannot be kept (no failure detector to deliver it, the peer left the list, or it is not
   * known as a node of ours: another lineage's node, which takes writes but no hints).
   */
  boolean holdHint(String peer, String group, List<String> keys) {
    if (!takesHints(peer)) {
      return false;
    }
    hints.add(peer, group, keys);
    return true;
  }

  /** As {@link #holdHint}, for a drop of every entry of {@code group} (a clear {@code peer} missed). */
  boolean holdGroupHint(String peer, String group) {
    if (!takesHints(peer)) {
      return false;
    }
    hints.addGroup(peer, group);
    return true;
  }

  private boolean takesHints(String peer) {
    if (health == null || !membership.clients.containsKey(peer)) {
      return false;
    }
    PeerState s = health.state(peer);
    return s != null && s.incarnation() != 0; // else not heard from as a node of ours (a mailgun or groupcache-go peer)
  }

  Hints hints() {
    return hints;
  }

  /** Abandons every group's flights ({@link Group#abandonFlights}): this node learned it was away. */
  int abandonFlights() {
    int n = 0;
    for (Group g : groups.values()) {
      n += g.abandonFlights();
    }
    return n;
  }

  /** The groups serve from their stores ({@code true}) or bypass them. */
  void serving(boolean serving) {
    for (Group g : groups.values()) {
      g.serving(serving);
    }
  }

  /**
   * When this node last held nothing ({@link System#nanoTime()}): its start, or the beginning of
   * its last coarse drop. A hint made before it stands for a write whose drop is done already.
   */
  private volatile long everythingDroppedNanos = System.nanoTime();

  /** Drops every entry of every group (the coarse drop); returns how many there were. */
  long dropEverything() {
    everythingDroppedNanos = System.nanoTime(); // from here on, what is stored is newer than a write made before
    long n = 0;
    for (Group g : groups.values()) {
      n += g.dropAllHere();
    }
    return n;
  }

  long everythingDroppedNanos() {
    return everythingDroppedNanos;
  }

  /** Runs {@code task} on the failure detector's thread after {@code delay}. */
  void runLater(Runnable task, Duration delay) {
    if (health != null) {
      health.schedule(task, delay);
    }
  }

  /** Whether this process is in a pause its detector has not seen the end of yet. */
  boolean pausedNow() {
    return pauses != null && pauses.pausedNow();
  }

  /** Plays a pause of this process of {@code length} that just ended (for tests: a process cannot stop itself). */
  void pauseDetected(Duration length) {
    if (pauses != null) {
      pauses.simulate(length);
    }
  }

  /** Counts a request that went through a relay. */
  void relayed() {
    ownership.relayedRequests.increment();
  }

  /**
   * This node's incarnation: a random number drawn when it was built, which its answers to peers
   * of ours carry, so that they notice a restart.
   */
  public long incarnation() {
    return ownership.incarnation;
  }

  /**
   * Whether this node owns keys now ({@link OwnershipState#READY}), is catching up after it was
   * away, or drains; what its answers tell peers of ours.
   */
  public OwnershipState ownershipState() {
    return ownership.state();
  }

  /**
   * This node leaves on purpose: from now on it tells its peers it is draining, so that they take
   * it out of their live rings (as soon as they hear it: its next answer to each), and it owns no
   * keys itself; it still serves what it holds to peers that ask and applies writes.
   * {@link #close()} drains first and tells the peers at once (the handoff's notice); call this
   * earlier to let the peers move off this node for longer before it closes.
   */
  public void drain() {
    ownership.drain();
  }

  /**
   * {@code peer} told this node that it leaves (the notice of its handoff): it owns no keys here
   * from now on, as if its answers had said it is draining, until it answers as another state or
   * another incarnation (it started again). Without a failure detector there is no live ring to
   * take it out of.
   */
  void peerDraining(String peer) {
    if (health != null) {
      PeerState s = health.state(peer);
      if (s != null) {
        health.heard(peer, s.incarnation(), OwnershipState.DRAINING);
      }
    }
  }

  /** Whether this node's groups serve from their stores (what they hold is not older than a write it missed). */
  boolean servesFromStores() {
    return ownership.serves();
  }

  /** Whether {@code peer} owns no keys in this node's view now (judged down, catching up or draining). */
  boolean ownsNoKeys(String peer) {
    PeerState s = health == null ? null : health.state(peer);
    return s != null && !s.owns();
  }

  /**
   * What this node does to keep ownership changes safe: its state, the hints it holds for peers
   * that missed writes, and counters (see {@link OwnershipStats}).
   */
  public OwnershipStats ownershipStats() {
    return new OwnershipStats(ownership.state(), ownership.incarnation, hints.pending(), hints.added(), hints.delivered(),
        hints.collapses(), ownership.catchUps.sum(), ownership.coarseDrops.sum(), ownership.hintsApplied.sum(),
        ownership.relayedRequests.sum());
  }

  private Group groupOrThrow(String group) {
    Group g = group == null ? null : groups.get(group);
    if (g == null) {
      throw new UnknownGroupException(group);
    }
    return g;
  }

  /**
   * Takes this node's keys back from its peers, as a node that starts again (a restart, a rolling
   * deploy) does before it reports ready: asks every member of ours, for each group, for the fresh
   * main-store entries it holds of keys this node owns on the ring of the members (the handoff of
   * the node that stopped put them there, or the peers loaded them while it was away), the most
   * valuable first, and keeps each one that nothing newer here can supersede (the rules of a
   * handoff: no entry, no flight, no write of the key since the take-back began). The peers also
   * name the keys of this node's they hold only as copies made lately (callers asked for them; a
   * copy may have missed a write, so it is not given): this node loads those with its loaders
   * ahead, at most 8 at a time, each as a load of its own that a peer's fetch of the key joins and
   * a write of the key meanwhile wins over, none of a key held here or written since the take-back
   * began (after a crash, the keys the peers served from their copies while it was away, which
   * nobody loaded). Blocks until every peer answered
   * and the loads ahead ended, or the {@linkplain Builder#handoffTime handoff time} ran out (zero:
   * takes nothing back); a peer that is not one of ours gives nothing. A peer that is not up, does not
   * list this node yet (a scale-up: the others add a node once it is ready) or is catching up is
   * asked again in the background, every 500 ms for up to 60 s, until it gives; meanwhile its keys
   * are asked of it on a miss, within the previous-owner grace. Call it after {@link #setPeers},
   * before the node reports ready. Logs one INFO line, and one for each later round that got
   * entries.
   *
   * @return the entries kept (those loaded ahead are counted in {@link #handoffStats()})
   */
  public long takeBack() {
    return handoff.takeBack(membership.clients);
  }

  /** The client of member {@code peer}, or null if it is not a member (any more). */
  PeerClient memberClient(String peer) {
    return membership.clients.get(peer);
  }

  /**
   * What this node handed over when it closed and took from departing peers
   * ({@link Builder#handoffTime}), and from peers when it took its keys back ({@link #takeBack}).
   */
  public HandoffStats handoffStats() {
    return new HandoffStats(handoff.handedOff.sum(), handoff.handedOffKept.sum(), handoff.received.sum(),
        handoff.receivedDropped.sum(), handoff.loadedAhead.sum());
  }

  /** Answers peers: reads from the stores or a local load, writes applied to this node alone; handoffs of departing peers. */
  private final class PeerHandler implements PeerRequestHandler, HandoffHandler {
    @Override
    public HandoffClient.Reply receiveHandoff(String sender, Duration window, List<HandoffEntry> entries) {
      return handoff.receive(sender, window, entries);
    }

    @Override
    public TakeBackAnswer takeBack(String requester, String group, long maxBytes) {
      Group g = groupOrThrow(group);
      if (health != null) {
        health.askedForItsKeys(requester);
      }
      return handoff.takeBackFor(requester, g, maxBytes);
    }

    @Override
    public CompletableFuture<PeerValue> get(String group, String key) {
      return get(group, key, null);
    }

    @Override
    public CompletableFuture<PeerValue> get(String group, String key, long[] after) {
      if (pausedNow()) {
        ownership.paused(probeTimeout.toNanos());
      }
      Group g;
      try {
        g = groupOrThrow(group);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
      return g.afterWrites(key, after).thenCompose(x -> serve(group, key)).thenApply(Group::toPeerValue);
    }

    @Override
    public long incarnation() {
      return ownership.incarnation;
    }

    @Override
    public OwnershipState ownershipState() {
      if (pausedNow()) {
        ownership.paused(probeTimeout.toNanos()); // the first answer after a stop already says so
      }
      return ownership.state();
    }

    @Override
    public void peerSaid(String peer, long incarnation, OwnershipState state) {
      if (health != null) {
        health.heard(peer, incarnation, state);
      }
    }

    @Override
    public CompletableFuture<java.util.Optional<PeerValue>> peek(String group, String key) {
      return peek(group, key, null);
    }

    @Override
    public CompletableFuture<java.util.Optional<PeerValue>> peek(String group, String key, long[] after) {
      Group g = groupOrThrow(group);
      if (after != null && after.length > 0) {
        // Half the asker's peek timeout at most: the answer after the wait still reaches it.
        return g.afterWrites(key, after, peekTimeout().toNanos() / 2).thenCompose(x -> peekNow(g, key));
      }
      return peekNow(g, key);
    }

    private CompletableFuture<java.util.Optional<PeerValue>> peekNow(Group g, String key) {
      if (pausedNow()) {
        ownership.paused(probeTimeout.toNanos());
      }
      if (ownership.state() != OwnershipState.CATCHING_UP) {
        return CompletableFuture.completedFuture(g.peekHere(key));
      }
      // What it holds may be older than what it missed: it answers once it caught up (or not at all).
      return Timeouts.orTimeout(ownership.whenReady(), peekTimeout().toNanos())
          .handle((x, err) -> err == null ? g.peekHere(key) : java.util.Optional.empty());
    }

    @Override
    public HintAck hints(HintDelivery delivery) {
      return ownership.take(delivery);
    }

    @Override
    public HintDelivery hintsFor(String peer, long incarnation) {
      if (health != null && incarnation != 0) {
        health.heard(peer, incarnation, OwnershipState.CATCHING_UP); // a restart shows here first
      }
      return hints.delivery(peer, self, ownership.incarnation, incarnation, 0);
    }

    @Override
    public void hintsAcked(HintAck ack) {
      hints.acked(ack.from(), ack.through());
    }

    @Override
    public boolean relaysTo(String peer) {
      if (!membership.clients.containsKey(peer) && !departed.containsKey(peer)) {
        return false;
      }
      PeerState s = health == null ? null : health.state(peer);
      boolean reaches = s == null || (s.isUp() && s.through() == null);
      if (reaches) {
        relayed();
      }
      return reaches;
    }

    @Override
    public void relayMissed(String peer, String group, List<String> keys) {
      boolean held = keys == null ? holdGroupHint(peer, group) : holdHint(peer, group, keys);
      if (held) {
        System.getLogger("org.groupcache4j.peers").log(System.Logger.Level.DEBUG, () -> "a write of group '" + group
            + "' that this node (" + self + ") was asked to carry to peer " + peer + " did not reach it: "
            + (keys == null ? "a drop of the whole group" : keys.size() + " drop(s)") + " held for it (a hint)");
      }
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
      remove(group, key, 0);
    }

    @Override
    public void remove(String group, String key, long write) {
      groupOrThrow(group).removeFromPeer(key, write);
    }

    @Override
    public void removeAll(String group, List<String> keys) {
      removeAll(group, keys, 0);
    }

    @Override
    public void removeAll(String group, List<String> keys, long write) {
      Group g = groupOrThrow(group);
      keys.forEach(k -> g.removeFromPeer(k, write));
    }

    @Override
    public void set(String group, String key, ByteView value, long expireUnixNanos) {
      set(group, key, value, expireUnixNanos, 0);
    }

    @Override
    public void set(String group, String key, ByteView value, long expireUnixNanos, long write) {
      if (pausedNow()) {
        ownership.paused(probeTimeout.toNanos()); // a set that waited out a stop is applied as a drop
      }
      groupOrThrow(group).setFromPeer(key, value, expireUnixNanos, write);
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
    public CompletableFuture<Void> removeAllFromOtherLineage(String group, List<String> keys) {
      try {
        return groupOrThrow(group).removeAllFromOtherLineage(keys);
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
   * Drains ({@link #drain}), hands the entries of the main stores to the peers that own their keys
   * without this node (within {@link Builder#handoffTime}, see there), then stops the transport,
   * closes peer clients, and shuts down the default loader executor.
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
      ownership.drain(); // its answers say so from now on, and the handoff's notice at once
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
      pauses.close();
    }
    if (transport != null) {
      transport.close();
    }
    membership.clients.values().forEach(PeerClient::close);
    departed.values().forEach(d -> d.client.close());
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
    private Duration removedPeerGrace = DEFAULT_REMOVED_PEER_GRACE;
    private Clock clock = Clock.systemUTC();
    private Observers observers = Observers.NONE;
    private Duration probeInterval = Duration.ofMillis(250);
    private Duration probeTimeout = Duration.ofSeconds(1);
    private Duration previousOwnerGrace = DEFAULT_PREVIOUS_OWNER_GRACE;
    private int hintsPerPeer = DEFAULT_HINTS_PER_PEER;
    private long hintBytesPerPeer = DEFAULT_HINT_BYTES_PER_PEER;

    /** Default {@link #previousOwnerGrace}: 30 s. */
    public static final Duration DEFAULT_PREVIOUS_OWNER_GRACE = Duration.ofSeconds(30);
    /** Default of {@link #hintBounds}: drops held for one peer. */
    public static final int DEFAULT_HINTS_PER_PEER = 10_000;
    /** Default of {@link #hintBounds}: bytes of group and key names held for one peer (1 MiB). */
    public static final long DEFAULT_HINT_BYTES_PER_PEER = 1L << 20;
    /** Default {@link #removedPeerGrace}. */
    public static final Duration DEFAULT_REMOVED_PEER_GRACE = Duration.ofSeconds(30);

    private Duration handoffTime = DEFAULT_HANDOFF_TIME;
    private long handoffBytesPerSecond = DEFAULT_HANDOFF_BYTES_PER_SECOND;

    /** Default {@link #handoffTime}: 5 s. */
    public static final Duration DEFAULT_HANDOFF_TIME = Duration.ofSeconds(5);
    /** Default {@link #handoffBytesPerSecond}: 64 MiB/s. */
    public static final long DEFAULT_HANDOFF_BYTES_PER_SECOND = 64L << 20;

    private Builder() {}

    /**
     * How long after its live ring changed (a peer went down or came back, joined or left, or this
     * node became ready) a node that misses a key it owns asks the key's previous owner, and the
     * nodes that keep a set value of it, before it loads the key (default 30 s): how a restarted
     * node takes its keys back warm, and how a value set while its owner was away reaches it.
     * {@link Duration#ZERO} never asks.
     */
    public Builder previousOwnerGrace(Duration grace) {
      Objects.requireNonNull(grace, "previousOwnerGrace");
      if (grace.isNegative()) {
        throw new IllegalArgumentException("previousOwnerGrace must be >= 0, was " + grace);
      }
      this.previousOwnerGrace = grace;
      return this;
    }

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
     * How many drops (and bytes of group and key names) this node holds for one peer that missed
     * writes, until the peer takes them (defaults {@value #DEFAULT_HINTS_PER_PEER} and 1 MiB). Past
     * either bound the peer's drops collapse to "drop the whole group", then to "drop everything":
     * coarse, never unsafe.
     */
    public Builder hintBounds(int drops, long bytes) {
      if (drops < 1 || bytes < 1) {
        throw new IllegalArgumentException("hint bounds must be positive, were " + drops + " drops and " + bytes + " bytes");
      }
      this.hintsPerPeer = drops;
      this.hintBytesPerPeer = bytes;
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

    /**
     * How long a removed peer's client stays open for fetches under way and still gets writes, so
     * that a node that has not read the new peer list yet stays in sync (default 30 s).
     */
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
