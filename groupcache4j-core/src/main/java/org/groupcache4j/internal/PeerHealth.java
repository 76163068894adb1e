package org.groupcache4j.internal;

import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.groupcache4j.peer.OwnershipState;
import org.groupcache4j.peer.PeerClient;
import org.groupcache4j.peer.PeerState;
import org.groupcache4j.peer.PeerState.Status;

/**
 * The one model of this node's peers: for each remote peer whether it answers, which incarnation
 * and ownership state its answers say, whether it is reached directly or through another peer, and
 * how it went down. A failure detector made of active probes, what fetches see and what answers
 * say; no gossip: each node judges for itself, and nodes that briefly disagree are kept safe by one
 * hop.
 *
 * <ul>
 *   <li>Every {@code interval} each peer gets a probe ({@link PeerClient#probe}), at most one at a
 *       time, which it answers without loading anything: a peer whose loads are slow (a slow
 *       origin) still answers at once and stays up.</li>
 *   <li>A probe refused or reset makes the peer {@code DOWN} at once (a dead process: nothing
 *       listens). A probe not answered within {@code timeout} (a frozen process, a host off the
 *       network, a cut link: none refuses a connection) is first asked again through another peer
 *       of ours that is up ({@link PeerClient#via}, an indirect probe as in SWIM): if that peer
 *       reaches it, it is not down but <em>reachable through</em> that peer, and fetches and writes
 *       for it go that way; otherwise it is {@code DOWN}. A direct answer takes it back to direct.</li>
 *   <li>A probe that overlapped a pause of this process ({@link PauseDetector}) counts for nothing:
 *       after a stop every probe under way times out at once, for no fault of the peers'.</li>
 *   <li>A fetch that cannot connect (refused, or the connect timed out) makes the peer
 *       {@code DOWN} at once. Any other transport failure of a fetch (reset, timed out) makes it
 *       suspect: it is probed at once rather than at the next tick.</li>
 *   <li>A peer that has not answered since it joined the list is not judged down for refusing
 *       connections during its first {@link #START_GRACE_SECONDS} s: nodes that start together
 *       refuse each other for a moment. A probe it leaves unanswered counts at once.</li>
 *   <li>A {@code DOWN} peer is probed on; {@value #ANSWERS_TO_RISE} answered probes in a row bring it
 *       back {@code UP}, once the listener lets it ({@link Listener#mayRise}: the hints held for it
 *       were delivered). Its first answer is reported at once ({@link Listener#answered}). A peer
 *       that asks for its keys back counts as one answer and is probed at once
 *       ({@link #askedForItsKeys}).</li>
 *   <li>Every answer of a peer of ours carries its incarnation and ownership state
 *       ({@link #heard}); a peer that is up but not {@link OwnershipState#READY} owns no keys.</li>
 *   <li>Every remote peer judged down by timeouts after it had answered, none refused: this node is cut off
 *       ({@link Listener#isolated}).</li>
 * </ul>
 *
 * The listener hears every change (on the thread that saw it); the cache then re-forms its ring
 * without the peers that own no keys now and releases the fetches waiting on one that went down.
 */
public final class PeerHealth implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("org.groupcache4j.peers");
  /** Answered probes in a row that bring a down peer back. */
  static final int ANSWERS_TO_RISE = 2;
  /** How long a peer that never answered may refuse connections before it is judged down. */
  static final long START_GRACE_SECONDS = 10;

  /** Hears what happens to the peers. */
  public interface Listener {
    /** A peer's state changed: up or down, its ownership state, or the peer it is reached through. */
    void changed(PeerState now, PeerClient client);

    /**
     * {@code peer} answered a probe; {@code downSinceMillis} is when this node judged it down
     * (Unix ms) if this is its first answer since, else 0 (also when it restarted since: that was
     * another process).
     */
    default void answered(PeerState now, PeerClient client, long downSinceMillis) {}

    /** Whether {@code peer}, down and answering again, may rise now (nothing is held back for it). */
    default boolean mayRise(String peer) {
      return true;
    }

    /**
     * {@code peer} answered as another incarnation than before: it restarted, some time after it
     * last answered as the old one ({@code lastHeardNanos}, {@link System#nanoTime()}).
     */
    default void restarted(String peer, long oldIncarnation, long newIncarnation, long lastHeardNanos) {}

    /** Every remote peer is judged down by timeouts: this node is the one cut off. */
    default void isolated() {}
  }

  private final String self;
  private final Duration interval;
  private final Duration timeout;
  private final Listener listener;
  private final PauseDetector pauses; // null: none
  private final ScheduledExecutorService timer;
  private final Map<String, Entry> peers = new ConcurrentHashMap<>();

  private static final class Entry {
    final PeerClient client;
    final AtomicBoolean probing = new AtomicBoolean();
    volatile PeerState state;
    int answersInARow; // guarded by this
    boolean answeredOnce; // guarded by this
    long downSinceMillis; // guarded by this; 0: not down, its first answer since was reported, or it restarted since
    final long joinedNanos = System.nanoTime();
    volatile long lastHeardNanos = System.nanoTime();
    volatile long downAtNanos; // when it was last judged down ({@link System#nanoTime()})
    volatile int relayTurn; // which relay to ask it through next: moves on when one did not get an answer

    Entry(PeerClient client, PeerState state) {
      this.client = client;
      this.state = state;
    }
  }

  /**
   * @param interval time between probes of a peer
   * @param timeout how long a probe may go unanswered before the peer is judged down (or asked
   *     for through another peer)
   * @param pauses this process's pause detector, or {@code null}
   */
  public PeerHealth(String self, Duration interval, Duration timeout, PauseDetector pauses, Listener listener) {
    this.self = self;
    this.interval = interval;
    this.timeout = timeout;
    this.listener = listener;
    this.pauses = pauses;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "groupcache4j-peer-health " + self);
      t.setDaemon(true);
      return t;
    });
    long ms = Math.max(1, interval.toMillis());
    timer.scheduleWithFixedDelay(this::probeAll, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** The remote peers to watch now: new ones start {@code UP}, those gone are forgotten. */
  public void setPeers(Map<String, PeerClient> clients) {
    peers.keySet().retainAll(clients.keySet());
    clients.forEach((url, c) -> {
      Entry e = peers.get(url);
      if (e == null || e.client != c) {
        peers.put(url, new Entry(c, new PeerState(url, Status.UP, Instant.now(), "joined the peer list")));
      }
    });
  }

  /** Peers that own no keys now: judged down, or up but not ready. */
  public Set<String> notOwning() {
    Set<String> d = new HashSet<>();
    peers.forEach((url, e) -> {
      if (!e.state.owns()) {
        d.add(url);
      }
    });
    return d;
  }

  public boolean isDown(String peer) {
    return downState(peer) != null;
  }

  /** The state of {@code peer} if it is judged down now (since when, and why), else null. */
  public PeerState downState(String peer) {
    PeerState s = state(peer);
    return s == null || s.isUp() ? null : s;
  }

  /** The state of {@code peer}, or null if it is not watched. */
  public PeerState state(String peer) {
    Entry e = peers.get(peer);
    return e == null ? null : e.state;
  }

  /** Whether {@code peer} answered a probe since it was last judged down (a write to it may get through). */
  public boolean answeringAgain(String peer) {
    Entry e = peers.get(peer);
    if (e == null) {
      return false;
    }
    synchronized (e) {
      return e.answersInARow > 0;
    }
  }

  /** Every remote peer's state, by URL. */
  public List<PeerState> states() {
    List<PeerState> all = new ArrayList<>();
    peers.values().forEach(e -> all.add(e.state));
    all.sort(Comparator.comparing(PeerState::peer));
    return all;
  }

  /**
   * An answer of {@code peer} said it is of {@code incarnation} in {@code state} ({@code null}:
   * said nothing, a peer not of ours: ready). Cheap when nothing changed.
   */
  public void heard(String peer, long incarnation, OwnershipState state) {
    Entry e = peers.get(peer);
    if (e == null) {
      return;
    }
    OwnershipState ownership = state == null ? OwnershipState.READY : state;
    PeerState s = e.state;
    long now = System.nanoTime();
    if (s.incarnation() == incarnation && s.ownership() == ownership) {
      e.lastHeardNanos = now;
      return;
    }
    PeerState changed;
    long lastHeard;
    boolean restarted;
    synchronized (e) {
      s = e.state;
      lastHeard = e.lastHeardNanos;
      e.lastHeardNanos = now;
      if (s.incarnation() == incarnation && s.ownership() == ownership) {
        return;
      }
      changed = new PeerState(s.peer(), s.status(), s.ownership() != ownership ? Instant.now() : s.since(),
          s.ownership() != ownership ? "says it is " + ownership.wireName() : s.reason(), incarnation, ownership,
          s.through(), s.refused());
      e.state = changed;
      restarted = s.incarnation() != 0 && incarnation != 0 && s.incarnation() != incarnation;
      if (restarted) {
        e.downSinceMillis = 0; // "unreachable since" was of the old process: the new one has no notice to take
      }
    }
    if (restarted) {
      long old = s.incarnation();
      LOG.log(Level.INFO, () -> "peer " + peer + " restarted (incarnation " + Long.toHexString(old) + " is now "
          + Long.toHexString(incarnation) + ")");
      listener.restarted(peer, old, incarnation, lastHeard);
    }
    if (s.ownership() != ownership) {
      PeerState c = changed;
      LOG.log(Level.INFO, () -> "peer " + peer + " is " + ownership.wireName() + (c.owns() ? ": it owns its keys again"
          : ownership != OwnershipState.READY ? ": its keys stay with the other peers until it is ready"
          : ": it owns its keys again once this node judges it up again"));
      listener.changed(changed, e.client);
    }
  }

  /** The peer {@code peer} is reached through now, or {@code null} (directly, or not watched). */
  public String through(String peer) {
    PeerState s = state(peer);
    return s == null ? null : s.through();
  }

  /**
   * {@code peer}, judged down here, asked this node for its keys back: it started again and
   * reached this node. That counts as one answer, and it is probed at once, so it rises as soon
   * as it answers that probe, rather than after probes a probe interval apart. While it takes its
   * keys back, then, this node sends it the requests for them: those for a key it loads ahead wait
   * for that load, where this node, still their owner, would load the key a second time.
   */
  public void askedForItsKeys(String peer) {
    Entry e = peers.get(peer);
    if (e == null || e.state.isUp()) {
      return;
    }
    synchronized (e) {
      e.answersInARow = Math.max(e.answersInARow, ANSWERS_TO_RISE - 1);
    }
    probe(peer, e);
  }

  /** A fetch from {@code peer} failed in the transport with {@code cause}: down if it could not connect, else probe it now. */
  public void fetchFailed(String peer, Throwable cause) {
    Entry e = peers.get(peer);
    if (e == null || !e.state.isUp()) {
      return;
    }
    if (e.state.through() == null) {
      for (Throwable t = cause; t != null; t = t.getCause()) {
        if (t instanceof ConnectException) {
          unanswered(e, "a fetch could not connect: " + t.getMessage(), refused(t));
          return;
        }
      }
    }
    probe(peer, e);
  }

  private void probeAll() {
    peers.forEach(this::probe);
  }

  private void probe(String url, Entry e) {
    if (!e.probing.compareAndSet(false, true)) {
      return;
    }
    Probe p = new Probe(url, e, System.nanoTime());
    ask(e.client, timeout.toNanos()).whenComplete((v, err) -> p.direct(err == null ? null : Failures.unwrap(err)));
    schedule(p::indirectly, timeout.dividedBy(2));
  }

  /**
   * One probe of a peer: the direct request, and the indirect one through another peer of ours,
   * begun at half the timeout if the direct one has not been answered by then (or at once when it
   * fails sooner without being refused). The two overlap, so a peer that answers neither is judged
   * down after one timeout, not two; a direct answer decides for "directly" even when the relay
   * answered first, so a peer that was merely slow is not routed through another.
   */
  private final class Probe {
    final String url;
    final Entry e;
    final long start;
    private boolean directKnown; // guarded by this
    private Throwable directFailure; // guarded by this
    private boolean indirectBegun; // guarded by this
    private int indirect; // guarded by this: 0 not known yet, 1 answered, -1 failed or no relay
    private String relayUrl; // guarded by this
    private boolean decided; // guarded by this

    Probe(String url, Entry e, long start) {
      this.url = url;
      this.e = e;
      this.start = start;
    }

    void direct(Throwable t) {
      if (t == null || refused(t)) {
        synchronized (this) {
          if (decided) {
            return;
          }
          decided = true;
        }
        if (ignored(url, e, start)) {
          return;
        }
        if (t == null) {
          answered(e, start, null);
        } else {
          e.probing.set(false);
          unanswered(e, why(t), true);
        }
        return;
      }
      synchronized (this) {
        directKnown = true;
        directFailure = t;
      }
      indirectly();
      decideIfKnown();
    }

    /** Asks through a relay, once, unless the direct probe was answered or refused already. */
    void indirectly() {
      synchronized (this) {
        if (decided || indirectBegun) {
          return;
        }
        indirectBegun = true;
      }
      Entry relay = relayFor(url);
      PeerClient via = relay == null ? null : e.client.via(relay.client);
      if (via == null) {
        synchronized (this) {
          indirect = -1;
        }
        decideIfKnown();
        return;
      }
      long left = Math.max(timeout.toNanos() - (System.nanoTime() - start), timeout.toNanos() / 2);
      ask(via, left).whenComplete((v, err) -> {
        if (err != null) {
          e.relayTurn++; // the next probe asks through another relay, if there is one
        }
        synchronized (this) {
          indirect = err == null ? 1 : -1;
          relayUrl = relay.client.url();
        }
        decideIfKnown();
      });
    }

    /** Once the direct probe failed and the indirect one is known: reached through the relay, or down. */
    private void decideIfKnown() {
      Throwable direct;
      String through;
      boolean answeredThrough;
      synchronized (this) {
        if (decided || !directKnown || indirect == 0) {
          return;
        }
        decided = true;
        direct = directFailure;
        through = relayUrl;
        answeredThrough = indirect == 1;
      }
      if (ignored(url, e, start)) {
        return;
      }
      if (answeredThrough) {
        answered(e, start, through);
      } else {
        e.probing.set(false);
        unanswered(e, why(direct) + (through == null ? "" : ", nor through " + through), false);
      }
    }
  }

  /** Whether the outcome of a probe of {@code e} begun at {@code start} is to be ignored; releases the probe then. */
  private boolean ignored(String url, Entry e, long start) {
    if (peers.get(url) != e) {
      e.probing.set(false);
      return true; // left the peer list meanwhile
    }
    if (pauses != null && pauses.overlapsPause(start)) {
      e.probing.set(false);
      return true; // this process was paused meanwhile: the peer is not to blame
    }
    return false;
  }

  /** Probes through {@code c}, failing after {@code nanos}. */
  private CompletableFuture<Void> ask(PeerClient c, long nanos) {
    CompletableFuture<Void> answer;
    try {
      answer = c.probe(Duration.ofNanos(nanos));
    } catch (RuntimeException ex) {
      answer = CompletableFuture.failedFuture(ex);
    }
    return Timeouts.orTimeout(answer, nanos);
  }

  /** Another peer of ours to ask {@code url} through: the first of {@link #relaysFor}, or null. */
  private Entry relayFor(String url) {
    List<String> relays = relaysFor(url);
    return relays.isEmpty() ? null : peers.get(relays.get(0));
  }

  /**
   * The peers of ours that may carry a request to {@code peer}, best first: those up and reached
   * directly, {@code peer} left out; the one it is reached through now first, then the others by
   * URL from the one whose turn it is (the turn moves on when a probe through one got no answer,
   * so that a peer that one relay does not reach is found through another). Empty if none.
   */
  public List<String> relaysFor(String peer) {
    List<String> relays = new ArrayList<>();
    for (Map.Entry<String, Entry> p : peers.entrySet()) {
      PeerState r = p.getValue().state;
      if (!p.getKey().equals(peer) && r.isUp() && r.through() == null && r.incarnation() != 0) {
        relays.add(p.getKey());
      }
    }
    relays.sort(null);
    Entry e = peers.get(peer);
    if (relays.isEmpty() || e == null) {
      return relays;
    }
    Collections.rotate(relays, -Math.floorMod(e.relayTurn, relays.size()));
    String now = e.state.through();
    if (now != null && relays.remove(now)) {
      relays.add(0, now);
    }
    return relays;
  }

  private void answered(Entry e, long start, String through) {
    PeerState changed = null;
    PeerState answered;
    long firstSinceDown = 0;
    boolean mayRise = true;
    synchronized (e) {
      e.answersInARow++;
      e.answeredOnce = true;
      if (e.downSinceMillis != 0) {
        firstSinceDown = e.downSinceMillis;
        e.downSinceMillis = 0;
      }
    }
    answered = e.state;
    listener.answered(answered, e.client, firstSinceDown);
    if (!answered.isUp()) {
      mayRise = listener.mayRise(answered.peer());
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    synchronized (e) {
      PeerState s = e.state;
      if (!s.isUp() && e.answersInARow >= ANSWERS_TO_RISE && mayRise) {
        changed = new PeerState(s.peer(), Status.UP, Instant.now(), "answers probes again" + (through == null ? ""
            : " through " + through) + " (last in " + ms + " ms; down since " + s.since() + ": " + s.reason() + ")",
            s.incarnation(), s.ownership(), through, false);
      } else if (s.isUp() && !java.util.Objects.equals(s.through(), through)) {
        changed = new PeerState(s.peer(), Status.UP, s.since(), through == null ? "answers probes directly again"
            : "answers probes through " + through + " only", s.incarnation(), s.ownership(), through, false);
      } else if (s.isUp() && s.reason().equals("joined the peer list")) {
        e.state = new PeerState(s.peer(), Status.UP, s.since(), "answers probes", s.incarnation(), s.ownership(), through,
            false);
      }
      if (changed != null) {
        e.state = changed;
      }
      e.probing.set(false);
    }
    if (changed != null) {
      PeerState c = changed;
      if (!answered.isUp()) {
        LOG.log(Level.INFO, () -> "peer " + c.peer() + " is up again" + (c.owns() ? ": it owns its keys again" : "")
            + " (" + c.reason() + ")");
      } else {
        LOG.log(Level.INFO, () -> "peer " + c.peer() + " " + c.reason() + (c.through() == null ? ""
            : ": it is reached through that peer while this node cannot reach it directly"));
      }
      listener.changed(c, e.client);
    }
  }

  private void unanswered(Entry e, String why, boolean refused) {
    PeerState changed = null;
    synchronized (e) {
      e.answersInARow = 0;
      boolean starting = refused && !e.answeredOnce
          && System.nanoTime() - e.joinedNanos < TimeUnit.SECONDS.toNanos(START_GRACE_SECONDS);
      PeerState s = e.state;
      if (s.isUp() && !starting) {
        changed = new PeerState(s.peer(), Status.DOWN, Instant.now(), why, s.incarnation(), s.ownership(), null, refused);
        e.state = changed;
        e.downAtNanos = System.nanoTime();
        // A peer never heard from (nodes that start together on a busy machine) held nothing this node knew of.
        e.downSinceMillis = e.answeredOnce ? System.currentTimeMillis() : 0;
      }
    }
    if (changed != null) {
      PeerState c = changed;
      LOG.log(Level.WARNING, () -> "peer " + c.peer() + " is down: " + c.reason()
          + "; its keys go to the other peers until it answers again");
      listener.changed(c, e.client);
      if (!refused && isolated()) {
        listener.isolated();
      }
    }
  }

  /**
   * Whether every remote peer (one at least) is judged down by timeouts, none refused, each after it
   * had answered, and each lately (within a few probe timeouts of now): this node was in touch with
   * the cluster and lost all of it at once. A peer that went down well before the others did went
   * away by itself (a frozen peer, not yet taken back, and then another one lost): that is not this
   * node cut off, and a catch-up would only churn the ring and drop what it holds. Nor is a peer
   * whose answer reached this node since it was judged down, within a probe timeout (it says it is
   * catching up, say): a node that catches up for nothing drops the set values it alone keeps.
   */
  private boolean isolated() {
    if (peers.isEmpty()) {
      return false;
    }
    long now = System.nanoTime();
    long lately = timeout.multipliedBy(3).plus(interval).toNanos();
    for (Entry e : peers.values()) {
      PeerState s = e.state;
      boolean answered;
      synchronized (e) {
        answered = e.answeredOnce;
      }
      // When it was judged down, not the state's time: an answer that says it catches up changes that.
      long downAt = e.downAtNanos;
      if (s.isUp() || s.refused() || !answered || now - downAt > lately) {
        return false;
      }
      long heard = e.lastHeardNanos;
      if (heard - downAt > 0 && now - heard < timeout.toNanos()) {
        return false; // it answered since (one that says it catches up is down here until it answered twice)
      }
    }
    return true;
  }

  private String why(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof TimeoutException) { // ours, or the transport's own deadline for the probe
        return "no answer to a probe within " + timeout.toMillis() + " ms";
      }
    }
    if (t instanceof ConnectException) {
      return "probe refused: " + t.getMessage();
    }
    String m = t.getMessage();
    return "probe failed: " + (m == null ? t.toString() : m);
  }

  /** Whether {@code t} says a connection was refused: nothing listens there (yet). */
  private static boolean refused(Throwable t) {
    for (; t != null; t = t.getCause()) {
      if (t instanceof ConnectException && String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("refused")) {
        return true;
      }
    }
    return false;
  }

  /** Runs {@code task} on the failure detector's thread after {@code delay}. */
  public void schedule(Runnable task, Duration delay) {
    try {
      timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  @Override
  public String toString() {
    return "PeerHealth[" + self + ", every " + interval.toMillis() + " ms, timeout " + timeout.toMillis() + " ms, "
        + states() + "]";
  }
}
