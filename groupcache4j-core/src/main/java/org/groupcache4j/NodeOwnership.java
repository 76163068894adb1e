package org.groupcache4j;

import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.groupcache4j.internal.Failures;
import org.groupcache4j.internal.Hints;
import org.groupcache4j.internal.RateLimitedLog;
import org.groupcache4j.internal.Timeouts;
import org.groupcache4j.peer.HintAck;
import org.groupcache4j.peer.HintDelivery;
import org.groupcache4j.peer.HintOp;
import org.groupcache4j.peer.OwnershipState;
import org.groupcache4j.peer.PeerClient;
import org.groupcache4j.peer.PeerState;

/**
 * Whether this node owns keys now, and how it gets back to owning them after it was away: the
 * ownership state it tells its peers ({@link OwnershipState}), the catch-up round, and the hints
 * it holds for peers that missed writes ({@link Hints}), delivered when they answer again.
 *
 * <h2>Catching up</h2>
 * A node that knows it was away cannot know which writes it missed. It turns
 * {@link OwnershipState#CATCHING_UP} when its
 * {@linkplain org.groupcache4j.internal.PauseDetector pause detector} saw a pause, when it judges
 * every peer down by timeouts at once (it is the one cut off), and when it is back in the peer list
 * after it was out. (A peer that says it could not reach this node delivers what this node missed
 * from it with that notice; that alone is no reason to catch up.)
 * As it turns catching up it abandons its flights ({@code Flights.abandonAll}): a load begun
 * before it knew it was away may wait out its timeout on a connection the outage broke, and a
 * read made since starts its own rather than join it.
 * While catching up it serves nothing from its stores and stores nothing (its groups bypass them),
 * answers peers' reads of its keys as not ready (they ask the key's owner on the ring without it),
 * leaves itself out of its own live ring, and answers peeks once it is ready. Its peers keep it out
 * of their live rings while its answers say so. It runs a <em>catch-up round</em>: it pulls the
 * hints every member of ours holds for it, applies them and acknowledges them. A member that cannot
 * be asked (unless every member times out: then it is still cut off, and tries again), or that
 * restarted since the node went away (its hints are lost), leaves the node unable to know what it
 * missed: it drops everything it holds (a coarse drop, counted and logged). Then it is ready: it
 * owns its keys again, and for a grace period asks the keys' previous owners before it loads.
 *
 * <h2>Hints</h2>
 * A write that could not reach a peer (not even through a relay) leaves a drop for it here. When
 * the peer answers a probe (its first answer after it was judged down included), the drops are
 * pushed to it, with "you were unreachable for me since T" if this node judged it down (unless it
 * restarted since: the new process has no notice to take), and forgotten once it acknowledges
 * them. A peer judged down rises again only after that. Another incarnation of the peer makes the
 * drops held since before its old incarnation last answered moot.
 */
final class NodeOwnership {
  private static final System.Logger LOG = System.getLogger("org.groupcache4j.peers");

  private final GroupCache cache;
  final long incarnation;
  private final Duration roundTimeout;
  private final Duration retryAfter;
  private final RateLimitedLog log;
  private volatile OwnershipState state = OwnershipState.READY;
  private volatile boolean draining; // for good: the node is leaving
  private volatile boolean drainedUnready; // it began to drain while it was not ready: its stores stay bypassed
  private volatile boolean outOfList;
  private long outSinceNanos; // guarded by this
  private volatile CompletableFuture<Void> ready = CompletableFuture.completedFuture(null);
  // The round: guarded by this.
  private boolean roundRunning;
  private boolean rerun;
  private boolean dropAllAtEnd;
  private String why;
  private long awayStartNanos;
  private Map<String, Long> knownBefore = Map.of(); // members' incarnations when the node went away
  // Hints: peer -> when this node judged it down (Unix ms), to tell it with the next delivery.
  private final Map<String, Long> notices = new ConcurrentHashMap<>();
  private final Map<String, Boolean> delivering = new ConcurrentHashMap<>();

  final LongAdder catchUps = new LongAdder();
  final LongAdder coarseDrops = new LongAdder();
  final LongAdder hintsApplied = new LongAdder();
  /** Per member: when this node sent the last pull of its hints that it applied ({@link System#nanoTime()}). */
  private final Map<String, Long> pulledAtNanos = new ConcurrentHashMap<>();
  final LongAdder relayedRequests = new LongAdder();
  private volatile long lastCatchUpMillis;

  NodeOwnership(GroupCache cache, long incarnation, Duration probeTimeout, Duration probeInterval, Duration logInterval) {
    this.cache = cache;
    this.incarnation = incarnation;
    this.roundTimeout = probeTimeout.multipliedBy(2);
    this.retryAfter = probeInterval.isZero() ? probeTimeout : probeInterval;
    this.log = new RateLimitedLog("org.groupcache4j.peers", logInterval);
  }

  /** This node's state, as its peers are told. */
  OwnershipState state() {
    return state;
  }

  /** Whether this node owns keys now (it is in its own live ring). */
  boolean owns() {
    return state == OwnershipState.READY;
  }

  /** Completes when this node is ready (at once if it is). */
  CompletableFuture<Void> whenReady() {
    return ready;
  }

  // ---- entering and leaving the catching-up state

  /**
   * The peer list was set: a node back in the list after it was out of it catches up; one that is
   * out of its own list drains (its stores bypassed, its keys the others'). A node that joins a
   * cluster for the first time (a fresh process) holds nothing it could have missed a write for,
   * so it is ready at once: what was written while it was away (a restart) reaches it as the hints
   * its peers held for it, delivered on its first answer to each, and as the values it finds at the
   * keys' previous owners when it misses them.
   */
  void peersSet(boolean member, Duration removedPeerGrace) {
    boolean rejoin = false;
    long outFor = 0;
    synchronized (this) {
      if (!member) {
        if (!outOfList) {
          outOfList = true;
          outSinceNanos = System.nanoTime();
          LOG.log(Level.WARNING, () -> "this node (" + cache.self() + ") is not in its own peer list: it serves "
              + "nothing from its stores and its keys go to the listed peers until it is listed again");
          setState(OwnershipState.DRAINING);
        }
        return;
      }
      if (outOfList) {
        outOfList = false;
        outFor = System.nanoTime() - outSinceNanos;
        rejoin = true;
      }
    }
    if (rejoin) {
      boolean tooLong = outFor > removedPeerGrace.toNanos();
      long ms = TimeUnit.NANOSECONDS.toMillis(outFor);
      enterCatchingUp("it is back in the peer list after " + ms + " ms out of it" + (tooLong
          ? ", longer than the peers keep telling a removed peer of writes (" + removedPeerGrace.toMillis() + " ms)" : ""),
          tooLong);
    }
  }

  /**
   * This node leaves on purpose: it tells its peers it is draining, and owns no keys from now on.
   * One that was catching up (or out of its own list) keeps its stores bypassed: what they hold
   * may be older than writes it missed, so it neither serves nor hands it over.
   */
  synchronized void drain() {
    if (draining) {
      return;
    }
    drainedUnready = state != OwnershipState.READY;
    draining = true;
    setState(OwnershipState.DRAINING);
    ready.complete(null); // a peek waiting for the end of a catch-up is answered now (as "not here")
  }

  /** This process was paused for {@code nanos}. */
  void paused(long nanos) {
    enterCatchingUp("this process was paused for " + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms", false);
  }

  /** Every peer is judged down by timeouts: this node is the one cut off. */
  void isolated() {
    enterCatchingUp("it reaches none of its peers", false);
  }

  /**
   * Starts catching up (or, during a round, runs another one after it). {@code dropAll}: drop
   * everything at the end whatever the round finds.
   */
  void enterCatchingUp(String reason, boolean dropAll) {
    boolean start;
    boolean entered = false;
    synchronized (this) {
      if (draining || outOfList) {
        return;
      }
      dropAllAtEnd |= dropAll;
      if (state == OwnershipState.CATCHING_UP) {
        rerun |= roundRunning;
        why = why + "; " + reason;
        start = !roundRunning;
      } else {
        why = reason;
        awayStartNanos = System.nanoTime();
        Map<String, Long> known = new HashMap<>();
        for (PeerState s : cache.peerStates()) {
          if (s.incarnation() != 0) {
            known.put(s.peer(), s.incarnation());
          }
        }
        knownBefore = known;
        ready = new CompletableFuture<>();
        catchUps.increment();
        setState(OwnershipState.CATCHING_UP);
        entered = true;
        start = true;
      }
      if (start) {
        roundRunning = true;
      }
    }
    // Loads and fetches begun before it knew it was away: new gets do not join them.
    int abandoned = entered ? cache.abandonFlights() : 0;
    if (start) {
      LOG.log(Level.DEBUG, () -> "this node (" + cache.self() + ") catches up: " + reason
          + (abandoned == 0 ? "" : "; " + abandoned + " loads and fetches under way left to their callers"));
      cache.runLater(this::round, Duration.ZERO);
    }
  }

  /**
   * Sets the state; the groups serve from their stores when the node is ready, or drains on purpose
   * (what it holds is still right), not while it catches up or is out of its own peer list.
   */
  private void setState(OwnershipState s) {
    state = s;
    cache.serving(serves());
    cache.reform();
  }

  /**
   * Whether the groups serve from their stores: the node is ready, or drains on purpose and was
   * ready when it began (what it holds is right).
   */
  boolean serves() {
    OwnershipState s = state;
    return s == OwnershipState.READY || (s == OwnershipState.DRAINING && !outOfList && !drainedUnready);
  }

  // ---- the catch-up round

  private enum Outcome { APPLIED, RESTARTED, TIMED_OUT, REFUSED, FAILED, NOT_OURS }

  private void round() {
    List<String> members = cache.remoteMembers();
    Map<String, CompletableFuture<Outcome>> asked = new HashMap<>();
    for (String m : members) {
      asked.put(m, pull(m));
    }
    long start = System.nanoTime();
    CompletableFuture.allOf(asked.values().toArray(new CompletableFuture<?>[0]))
        .whenComplete((x, err) -> cache.runLater(() -> decide(asked, start), Duration.ZERO));
  }

  /**
   * The members whose hints were applied but that this node still judges down (it lost them while
   * away, and takes them back after answers in a row): were it ready now, it would own their keys
   * too, and load keys whose values they hold.
   */
  private List<String> notTakenBack(Map<String, CompletableFuture<Outcome>> asked) {
    List<String> waiting = new ArrayList<>();
    asked.forEach((m, f) -> {
      if (f.getNow(Outcome.FAILED) == Outcome.APPLIED
          && cache.peerState(m).map(s -> !s.isUp()).orElse(false)) {
        waiting.add(m);
      }
    });
    return waiting;
  }

  private CompletableFuture<Outcome> pull(String member) {
    PeerClient c = cache.routeOf(member);
    if (c == null) {
      return CompletableFuture.completedFuture(Outcome.FAILED);
    }
    CompletableFuture<HintDelivery> f;
    long sent = System.nanoTime();
    try {
      f = c.pullHints(cache.self(), incarnation);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    return Timeouts.orTimeout(f, roundTimeout.toNanos()).handle((d, err) -> {
      if (err != null) {
        return outcomeOf(Failures.unwrap(err));
      }
      apply(d);
      pulledAtNanos.merge(member, sent, (a, b) -> b - a > 0 ? b : a);
      PeerClient ackTo = cache.routeOf(member);
      if (ackTo != null && d.through() > 0) {
        try {
          ackTo.ackHints(new HintAck(cache.self(), incarnation, d.through())); // if lost, the member pushes them again
        } catch (RuntimeException e) {
          // pushed again later
        }
      }
      Long before = knownBefore.get(member);
      return before != null && before != d.fromIncarnation() ? Outcome.RESTARTED : Outcome.APPLIED;
    });
  }

  private static Outcome outcomeOf(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof UnsupportedOperationException) {
        return Outcome.NOT_OURS;
      }
      if (c instanceof TimeoutException) {
        return Outcome.TIMED_OUT;
      }
      if (c instanceof ConnectException && String.valueOf(c.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("refused")) {
        return Outcome.REFUSED;
      }
    }
    String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
    if (m.contains("timed out") || m.contains("no answer within")) {
      return Outcome.TIMED_OUT;
    }
    if (m.contains("refused")) {
      return Outcome.REFUSED;
    }
    return Outcome.FAILED;
  }

  private void decide(Map<String, CompletableFuture<Outcome>> asked, long roundStart) {
    Map<String, Outcome> outcomes = new java.util.TreeMap<>();
    asked.forEach((m, f) -> outcomes.put(m, f.getNow(Outcome.FAILED)));
    List<String> ours = new ArrayList<>();
    List<String> lost = new ArrayList<>();
    outcomes.forEach((m, o) -> {
      if (o != Outcome.NOT_OURS) {
        ours.add(m);
        if (o != Outcome.APPLIED) {
          lost.add(m + " " + o.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
        }
      }
    });
    boolean cutOff = !ours.isEmpty() && ours.stream().allMatch(m -> outcomes.get(m) == Outcome.TIMED_OUT);
    String reason;
    boolean dropAll;
    long awayMs;
    synchronized (this) {
      if (draining || outOfList) {
        roundRunning = false;
        rerun = false;
        return;
      }
      if (cutOff || rerun) {
        rerun = false;
        boolean again = cutOff;
        cache.runLater(this::round, again ? retryAfter : Duration.ZERO);
        return;
      }
      // Ready once the members that answered are taken back here too (bounded: a member that
      // answers a pull but not probes is left to the failure detector).
      if (!notTakenBack(asked).isEmpty() && System.nanoTime() - roundStart < roundTimeout.multipliedBy(3).toNanos()) {
        cache.runLater(() -> decide(asked, roundStart), retryAfter);
        return;
      }
      roundRunning = false;
      reason = why;
      dropAll = dropAllAtEnd || !lost.isEmpty();
      dropAllAtEnd = false;
      awayMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - awayStartNanos);
    }
    long dropped = 0;
    if (dropAll) {
      dropped = cache.dropEverything();
      coarseDrops.increment();
      long n = dropped;
      log.log("coarse drop " + cache.self(), Level.WARNING, () -> "this node (" + cache.self() + ") dropped everything it "
          + "held (" + n + " entries) before owning keys again: it cannot know which writes it missed while away ("
          + reason + ")" + (lost.isEmpty() ? "" : "; the hints of " + String.join(", ", lost) + " could not be had"), null);
    }
    lastCatchUpMillis = System.currentTimeMillis();
    synchronized (this) {
      if (state != OwnershipState.CATCHING_UP || draining || outOfList) {
        return;
      }
      setState(OwnershipState.READY);
    }
    ready.complete(null);
    long n = dropped;
    boolean coarse = dropAll;
    log.log("catch-up " + cache.self(), Level.INFO, () -> "this node (" + cache.self() + ") caught up in " + awayMs
        + " ms and owns its keys again (" + reason + "): hints of " + (ours.size() - lost.size()) + " of " + ours.size()
        + " peers applied" + (coarse ? "; dropped everything it held (" + n + " entries)" : ""), null);
  }

  // ---- hints this node takes

  /**
   * Applies a peer's hints for this node. A delivery that says the peer could not reach this node
   * does not make it catch up: what it missed from that peer is in the delivery, and the other
   * peers reached it (or hold hints of their own); a catch-up would only take it out of the ring
   * for a while, so that its keys moved twice. A node that was away itself knows it by its own
   * means: its pause detector, or every peer lost at once.
   */
  HintAck take(HintDelivery d) {
    apply(d);
    if (d.unreachableSinceMillis() != 0) {
      LOG.log(Level.DEBUG, () -> "peer " + d.from() + " could not reach this node (" + cache.self() + ") since "
          + Instant.ofEpochMilli(d.unreachableSinceMillis()) + "; " + d.ops().size() + " hints applied");
    }
    return new HintAck(cache.self(), incarnation, d.through());
  }

  /**
   * Applies the drops of {@code d} but those done already: made before this node last dropped
   * everything, or before it sent the last pull of the sender's hints that it applied (that
   * delivery held them). An op's age only grows on the way, so "made before" errs towards
   * applying. Applied again, an old drop could remove a value set here since, which may be the
   * last copy of it.
   */
  private void apply(HintDelivery d) {
    long now = System.nanoTime();
    long dropped = cache.everythingDroppedNanos();
    Long pulled = pulledAtNanos.get(d.from());
    for (HintOp op : d.ops()) {
      if (op.ageMillis() > 0) { // 0: of unknown age, applied
        long made = now - TimeUnit.MILLISECONDS.toNanos(op.ageMillis());
        if (made - dropped < 0 || pulled != null && made - pulled < 0) {
          continue;
        }
      }
      hintsApplied.increment();
      if (op.everything()) {
        cache.dropEverything();
      } else {
        Group g = cache.group(op.group()).orElse(null);
        if (g == null) {
          continue; // a group this node does not have holds nothing here
        }
        if (op.wholeGroup()) {
          g.dropAllHere();
        } else {
          try {
            g.removeFromPeer(op.key(), org.groupcache4j.internal.RecentWrites.ANY); // covers the writes it stands for
            cache.hintedBy(op.group(), op.key(), d.from()); // a set it stands for is kept there: asked before the source
          } catch (IllegalArgumentException e) {
            // a key too long for this node's group: it holds no such key
          }
        }
      }
    }
  }

  // ---- hints this node holds for peers

  /** A peer answered a probe ({@code downSinceMillis}: its first answer since this node judged it down). */
  void answered(PeerState s, long downSinceMillis) {
    String peer = s.peer();
    if (downSinceMillis != 0) {
      notices.put(peer, downSinceMillis);
    }
    if ((notices.containsKey(peer) || cache.hints().holdsFor(peer)) && delivering.putIfAbsent(peer, Boolean.TRUE) == null) {
      deliver(peer, s.incarnation());
    }
  }

  private void deliver(String peer, long peerIncarnation) {
    Long notice = notices.get(peer);
    HintDelivery d = cache.hints().delivery(peer, cache.self(), incarnation, peerIncarnation, notice == null ? 0 : notice);
    PeerClient c = cache.routeOf(peer);
    CompletableFuture<HintAck> f;
    if (c == null) {
      f = CompletableFuture.failedFuture(new IllegalStateException("no client"));
    } else {
      try {
        f = c.deliverHints(d);
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
    }
    Timeouts.orTimeout(f, roundTimeout.toNanos()).whenComplete((ack, err) -> {
      delivering.remove(peer);
      if (err == null) {
        cache.hints().acked(peer, ack.through());
        if (notice != null) {
          notices.remove(peer, notice);
        }
      } else if (outcomeOf(Failures.unwrap(err)) == Outcome.NOT_OURS) {
        cache.hints().forget(peer); // not one of ours: it never serves what a hint would drop
        notices.remove(peer);
      }
    });
  }

  /** Whether {@code peer} may own keys again: nothing is held back for it. */
  boolean mayRise(String peer) {
    return !notices.containsKey(peer) && !cache.hints().holdsFor(peer);
  }

  /** {@code peer} restarted: what was held for its old incarnation is moot. */
  void restarted(String peer, long lastHeardNanos) {
    cache.hints().forgetBefore(peer, lastHeardNanos);
    notices.remove(peer); // the new process catches up by itself
  }

  /** {@code peer} left the peer list: nothing is held for it any more. */
  void forget(String peer) {
    notices.remove(peer);
    pulledAtNanos.remove(peer);
    cache.hints().forget(peer);
  }

  /** The last time this node finished catching up (Unix ms), or 0. */
  long lastCatchUpMillis() {
    return lastCatchUpMillis;
  }
}
