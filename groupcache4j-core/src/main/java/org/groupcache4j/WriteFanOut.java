package org.groupcache4j;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.groupcache4j.internal.Entry;
import org.groupcache4j.internal.Failures;
import org.groupcache4j.internal.GroupCounters;
import org.groupcache4j.internal.RateLimitedLog;
import org.groupcache4j.internal.Text;
import org.groupcache4j.internal.Timeouts;
import org.groupcache4j.peer.NodeNotReadyException;
import org.groupcache4j.peer.PeerClient;
import org.groupcache4j.peer.PeerState;

/**
 * How a remove or a set reaches the cluster ("Writes, and why a removed value never comes back"
 * in {@link Group}'s class comment).
 *
 * <ol>
 *   <li><b>The owners first.</b> Every node that may answer as a key's owner: its owner on this
 *       node's live ring, its owner on the ring of the members, and its successor on each (the node
 *       that takes it over should its owner go; {@link GroupCache#ownersOf}). A set stores the value
 *       at each of them (and, when fewer than two took it, at the next nodes on the ring of the
 *       members: {@link #keptTwice}), a remove drops it there; this node among them applies it
 *       itself. Their outcome is {@linkplain #settle settled} before anyone else is told, so that a
 *       peer that drops its copy cannot fetch the old value from an owner again. The live owner's
 *       failure makes the write fail with {@link WriteException}.</li>
 *   <li><b>Then every other peer</b> (and peers that left the list less than the removed-peer grace
 *       ago, which may not have read the new list yet) drops its copy, in parallel.</li>
 *   <li><b>A peer not told</b> (timed out, or judged down without refusing: frozen, cut off) is
 *       asked once more through another peer of ours that this node reaches (a relay: a cut
 *       between two hosts while a third sees both), and a drop through the next such peer while
 *       each declines at once ({@link #throughRelays}, at most {@value #MAX_RELAYS}; a set through
 *       one: {@link #sendSet}); one this node reaches only through another is
 *       sent its write that way from the start. A peer still not told gets a <b>hint</b>: this node
 *       keeps the drop and delivers it when the peer answers again, before the peer owns keys
 *       again ({@code NodeOwnership}). Peers that take no writes (golang/groupcache) and peers that
 *       left are not covered.</li>
 * </ol>
 * Each send has the peer timeout; one to a peer judged down by a refusal (a dead process) fails at
 * once. The outcome is a {@link WriteResult} of the peers told, to be told by a hint, and not
 * covered. This node applies a write through {@link Flights}, which invalidates the key's flight.
 */
final class WriteFanOut {
  /** Peers that could not be told to drop a copy after a set another node's writer sent to this owner alone. */
  private static final RateLimitedLog COPIES_LOG = new RateLimitedLog("org.groupcache4j.peers", Duration.ofSeconds(10));

  /** How many nodes a set value is kept at, when that many can take it ({@link #keptTwice}). */
  static final int MIN_KEEPERS = 2;
  /** How many nodes after a key's owners a set is sent to at most, to be kept by {@link #MIN_KEEPERS}. */
  static final int MAX_EXTRA_KEEPERS = 2;
  /** How many relays a write to a peer that could not be told directly is sent through at most, one after another. */
  static final int MAX_RELAYS = 3;

  private final String group;
  private final GroupCache cache;
  private final Duration peerTimeout;
  private final Flights flights;
  private final GroupCounters counters;

  WriteFanOut(String group, GroupCache cache, Duration peerTimeout, Flights flights, GroupCounters counters) {
    this.group = group;
    this.cache = cache;
    this.peerTimeout = peerTimeout;
    this.flights = flights;
    this.counters = counters;
  }

  /** What one peer was sent, and how it ended ({@code why} null: told). */
  private static final class Sent {
    final List<String> keys = new ArrayList<>();
    volatile String why;
    volatile boolean notOurs;
  }

  /** Drops {@code keys} (distinct, checked) at their owners, then here and at every other peer. */
  CompletableFuture<WriteResult> remove(List<String> keys) {
    CompletableFuture<WriteResult> cut = cutOff(keys, "remove");
    if (cut != null) {
      return cut;
    }
    String self = cache.self();
    long write = newWriteId();
    Map<String, List<String>> byOwner = new LinkedHashMap<>();
    Set<String> liveOwners = new LinkedHashSet<>();
    Set<String> droppedHere = new LinkedHashSet<>();
    for (String k : keys) {
      Set<String> owners = cache.ownersOf(k);
      liveOwners.add(owners.iterator().next());
      for (String o : owners) {
        byOwner.computeIfAbsent(o, x -> new ArrayList<>()).add(k);
      }
    }
    Map<String, Sent> sent = new ConcurrentHashMap<>();
    // 1. The owners (this node's own keys here).
    Map<String, CompletableFuture<Void>> first = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : byOwner.entrySet()) {
      if (e.getKey().equals(self)) {
        e.getValue().forEach(k -> removeHere(k, write));
        droppedHere.addAll(e.getValue());
      } else {
        first.put(e.getKey(), send(e.getKey(), e.getValue(), sent, c -> sendRemove(c, e.getValue(), write)));
      }
    }
    return settle(first).thenCompose(x -> {
      // 2. Copies here and at every other peer: each is sent the keys it was not sent yet.
      for (String k : keys) {
        if (!droppedHere.contains(k)) {
          removeHere(k, write);
        }
      }
      Map<String, CompletableFuture<Void>> rest = new LinkedHashMap<>();
      for (String peer : cache.writePeers()) {
        List<String> left = new ArrayList<>(keys);
        List<String> already = byOwner.get(peer);
        if (already != null) {
          left.removeAll(already);
        }
        if (!left.isEmpty() && !sent.containsKey(peer)) {
          rest.put(peer, send(peer, left, sent, c -> sendRemove(c, left, write)));
        } else if (!left.isEmpty()) {
          Sent s = sent.get(peer);
          if (s.why != null) {
            s.keys.addAll(left); // not told the first time: the hint covers these keys too
          } else {
            rest.put(peer, send(peer, left, sent, c -> sendRemove(c, left, write)));
          }
        }
      }
      return settle(rest).thenApply(y -> result(keys, "remove", liveOwners, byOwner.keySet(), sent));
    });
  }

  /** Stores {@code entry} (checked key) at the key's owners, then drops the key here and at every other peer. */
  CompletableFuture<WriteResult> set(String key, Entry entry) {
    return set(key, entry, true);
  }

  /**
   * {@link #set(String, Entry)}; {@code again}: if the live owner did not take the value and is no
   * longer the key's live owner in this node's view (it answered that it is not ready, as a node
   * catching up does, or it was judged down meanwhile), the set is made once more, at the key's
   * owner now; the first owner is then told to drop the key, as any other peer.
   */
  private CompletableFuture<WriteResult> set(String key, Entry entry, boolean again) {
    CompletableFuture<WriteResult> cut = cutOff(List.of(key), "set");
    if (cut != null) {
      return cut;
    }
    String self = cache.self();
    Set<String> owners = cache.ownersOf(key);
    String liveOwner = owners.iterator().next();
    long write = newWriteId();
    List<String> keys = List.of(key);
    Map<String, Sent> sent = new ConcurrentHashMap<>();
    Map<String, CompletableFuture<Void>> first = new LinkedHashMap<>();
    for (String o : owners) {
      if (o.equals(self)) {
        setHere(key, entry, write);
      } else {
        first.put(o, sendSet(o, key, entry, write, sent));
      }
    }
    return settle(first).thenCompose(x -> {
      Sent atOwner = sent.get(liveOwner);
      if (atOwner != null && atOwner.why != null && again && !cache.ownersOf(key).iterator().next().equals(liveOwner)) {
        return set(key, entry, false);
      }
      if (atOwner != null && atOwner.why != null) {
        // The live owner did not take the value: the other peers keep what they hold.
        return CompletableFuture.completedFuture(result(keys, "set", Set.of(liveOwner), owners, sent));
      }
      return keptTwice(key, entry, write, owners, sent, 0).thenCompose(keepers -> {
        if (!keepers.contains(self)) {
          removeHere(key, write);
        }
        Map<String, CompletableFuture<Void>> rest = new LinkedHashMap<>();
        for (String peer : cache.writePeers()) {
          if (!keepers.contains(peer)) {
            rest.put(peer, send(peer, keys, sent, c -> c.remove(group, key, write)));
          }
        }
        return settle(rest).thenApply(y -> result(keys, "set", Set.of(liveOwner), keepers, sent));
      });
    });
  }

  /**
   * The nodes a set value is kept at: {@code keepers} (its owners, sent the value), and when fewer
   * than {@value #MIN_KEEPERS} of them took it (this node, one of them, keeps nothing while it
   * catches up; a peer timed out or is judged down), the next nodes on the ring of the members,
   * sent the value one after another until that many took it, at most {@value #MAX_EXTRA_KEEPERS}
   * more. Kept by one node only, the value would die with it, and the key's next owner would load
   * the value the set replaced.
   */
  private CompletableFuture<Set<String>> keptTwice(String key, Entry entry, long write, Set<String> keepers,
      Map<String, Sent> sent, int extra) {
    String self = cache.self();
    int kept = 0;
    for (String k : keepers) {
      Sent s = sent.get(k);
      if (k.equals(self) ? flights.isStoring() : s != null && s.why == null) {
        kept++;
      }
    }
    String next = kept >= MIN_KEEPERS || extra == MAX_EXTRA_KEEPERS ? null : cache.nextKeeper(key, keepers);
    if (next == null) {
      return CompletableFuture.completedFuture(keepers);
    }
    Set<String> more = new LinkedHashSet<>(keepers);
    more.add(next);
    if (next.equals(self)) {
      setHere(key, entry, write);
      return keptTwice(key, entry, write, more, sent, extra + 1);
    }
    return sendSet(next, key, entry, write, sent).thenCompose(v -> keptTwice(key, entry, write, more, sent, extra + 1));
  }

  /**
   * Drops {@code key} (checked) at every peer but this node, the owner, which holds its new value:
   * the second half of a set that its writer told the owner alone (mailgun/groupcache v2). Completes
   * when every peer was told or failed to be, within the peer timeout; those not told are logged.
   */
  CompletableFuture<Void> dropCopies(String key) {
    Map<String, Sent> sent = new ConcurrentHashMap<>();
    Map<String, CompletableFuture<Void>> others = new LinkedHashMap<>();
    List<String> keys = List.of(key);
    long write = newWriteId();
    for (String peer : cache.writePeers()) {
      others.put(peer, send(peer, keys, sent, c -> c.remove(group, key, write)));
    }
    return settle(others).thenAccept(x -> sent.forEach((peer, s) -> {
      String why = s.why;
      if (why != null) {
        boolean hinted = !s.notOurs && cache.holdHint(peer, group, keys);
        COPIES_LOG.log(peer, System.Logger.Level.WARNING, () -> "a set of group '" + group + "', key '"
            + Text.quotable(key) + "' came from a node that told this node (" + cache.self() + ", the owner) alone; "
            + "peer " + peer + " could not be told to drop its copy (" + why + "), so it may serve the old value "
            + (hinted ? "until it takes the drop this node keeps for it (a hint) when it answers again"
                : "until its copy expires or is evicted"), null);
      }
    }));
  }

  /**
   * Drops every entry of the group on every node: this node and every peer, twice over. The first
   * pass empties every owner; the second drops the copies a node fetched, during the first, from
   * an owner that had not cleared yet (a load or fetch in flight during a pass is invalidated, so
   * nothing from before the clear comes back). There is no owner of a clear, so no
   * {@link WriteException}: the result names the peers that could not be told; a peer of ours not
   * told gets a hint to drop the whole group.
   */
  CompletableFuture<WriteResult> clear() {
    // a peer that missed the first pass and took the second is cleared: the second pass decides
    return clearPass().thenCompose(first -> clearPass()).thenApply(this::clearResult);
  }

  private CompletableFuture<Map<String, Sent>> clearPass() {
    clearHere();
    Map<String, Sent> sent = new ConcurrentHashMap<>();
    Map<String, CompletableFuture<Void>> all = new LinkedHashMap<>();
    for (String peer : cache.writePeers()) {
      all.put(peer, send(peer, List.of(), sent, c -> c.clear(group)));
    }
    return settle(all).thenApply(x -> sent);
  }

  private WriteResult clearResult(Map<String, Sent> sent) {
    List<String> told = new ArrayList<>();
    Map<String, String> hinted = new LinkedHashMap<>();
    Map<String, String> notCovered = new LinkedHashMap<>();
    sent.keySet().stream().sorted().forEach(peer -> {
      Sent s = sent.get(peer);
      String why = s.why;
      if (why == null) {
        told.add(peer);
      } else if (!s.notOurs && cache.holdGroupHint(peer, group)) {
        hinted.put(peer, why);
      } else {
        notCovered.put(peer, why);
      }
    });
    return new WriteResult(told, hinted, notCovered);
  }

  /** A clear applied on this node: asked here, or by a peer. */
  void clearHere() {
    flights.clear();
  }

  /**
   * Stores {@code entry} (checked key) at the key's owner unless the owner holds a value for it:
   * completes with {@code null} when stored (the key's other copies are then dropped, as by a
   * set), else with the value held. Fails with {@link WriteException} when the owner cannot be
   * told (nothing was stored).
   */
  CompletableFuture<ByteView> putIfAbsent(String key, Entry entry) {
    CompletableFuture<WriteResult> cut = cutOff(List.of(key), "putIfAbsent");
    if (cut != null) {
      return cut.thenApply(r -> null);
    }
    String owner = cache.ownerOf(key);
    CompletableFuture<ByteView> decided;
    if (owner.equals(cache.self())) {
      Entry held = putIfAbsentHere(key, entry);
      decided = CompletableFuture.completedFuture(held == null ? null : held.value);
    } else {
      long expireUnixNanos = Expiry.toUnixNanos(entry.expireAt);
      CompletableFuture<org.groupcache4j.peer.PeerValue> asked;
      PeerClient c = cache.routeOf(owner);
      PeerState down = cache.downState(owner);
      if (c == null || down != null) {
        asked = CompletableFuture.failedFuture(new IllegalStateException(c == null ? "no client for peer " + owner
            : "peer " + owner + " is judged down since " + down.since() + ": " + down.reason()));
      } else {
        try {
          asked = Timeouts.orTimeout(c.putIfAbsent(group, key, entry.value, expireUnixNanos), peerTimeout.toNanos());
        } catch (RuntimeException e) {
          asked = CompletableFuture.failedFuture(e);
        }
      }
      decided = asked.handle((pv, err) -> {
        if (err != null) {
          throw new WriteException(group, key, owner, "putIfAbsent of " + GroupCacheException.where(group, key, null)
              + " was not applied by the owner " + owner + ": " + reason(Failures.unwrap(err))
              + "; nothing was stored; retry when the owner is reachable", new WriteResult(List.of(),
                  Map.of(owner, reason(Failures.unwrap(err)))));
        }
        return pv == null ? null : pv.value();
      });
    }
    return decided.thenCompose(held -> {
      if (held != null) {
        return CompletableFuture.completedFuture(held);
      }
      long write = newWriteId();
      if (!owner.equals(cache.self())) {
        removeHere(key, write);
      }
      // Every other copy is dropped, as by a set (the key's other owners included: the value is
      // kept at the owner that decided); a peer not told gets a hint.
      List<String> keys = List.of(key);
      Map<String, Sent> sent = new ConcurrentHashMap<>();
      Map<String, CompletableFuture<Void>> others = new LinkedHashMap<>();
      for (String peer : cache.writePeers()) {
        if (!peer.equals(owner)) {
          others.put(peer, send(peer, keys, sent, c -> c.remove(group, key, write)));
        }
      }
      return settle(others).thenApply(x -> {
        result(keys, "putIfAbsent", Set.of(), Set.of(owner), sent);
        return (ByteView) null;
      });
    });
  }

  /** A put-if-absent decided on this node, as the key's owner: the value held, or null when stored. */
  Entry putIfAbsentHere(String key, Entry e) {
    Entry held = flights.putIfAbsent(key, e);
    if (held == null) {
      counters.sets.increment();
    }
    return held;
  }

  /**
   * A new write's id: random, never 0. Every node that applies the write remembers it for a while,
   * and a fetch or peek of the key that a node sends after it applied the write is answered only
   * once the answerer applied it too ({@link org.groupcache4j.internal.RecentWrites}).
   */
  static long newWriteId() {
    long id;
    do {
      id = java.util.concurrent.ThreadLocalRandom.current().nextLong();
    } while (id == 0 || id == org.groupcache4j.internal.RecentWrites.ANY);
    return id;
  }

  /** A remove applied on this node: asked here, or by a peer ({@code write}: its id, 0 for none). */
  void removeHere(String key, long write) {
    flights.remove(key, write);
    counters.removes.increment();
  }

  /**
   * A write fails at once, applied nowhere, when no node owns keys in this node's view: it is
   * catching up and judges every peer down (it is the one cut off). Else it would answer as if it
   * were applied while it was kept by nobody (the node stores nothing while it catches up, and a
   * peer that owns the key would never hear of it before it loads the key again).
   */
  private CompletableFuture<WriteResult> cutOff(List<String> keys, String what) {
    if (!cache.nobodyOwns()) {
      return null;
    }
    String key = keys.size() == 1 ? keys.get(0) : null;
    String subject = keys.size() == 1 ? GroupCacheException.where(group, keys.get(0), null)
        : keys.size() + " keys of group '" + group + "'";
    return CompletableFuture.failedFuture(new WriteException(group, key, cache.self(), what + " of " + subject
        + " was not applied: this node (" + cache.self() + ") is catching up and reaches none of its peers, so no node "
        + "owns keys in its view; nothing was changed; retry on another node, or when this one is back in touch",
        new WriteResult(List.of(), Map.of(), Map.of())));
  }

  /** A set applied on this node, as one of the key's owners: asked here, or by a peer. */
  void setHere(String key, Entry e, long write) {
    flights.set(key, e, write);
    counters.sets.increment();
  }

  /** A peer's set of a key this node does not own, kept here as a copy (not counted in sets: this node is not the owner). */
  void copyHere(String key, Entry e, long write) {
    flights.copy(key, e, write);
  }

  /**
   * Sends one write of {@code keys} to {@code peer} (through the peer it is reached through, if
   * any), with the peer timeout; a peer that cannot be told directly is asked through a relay.
   * Completes normally either way; the outcome is in {@code sent}.
   */
  private CompletableFuture<Void> send(String peer, List<String> keys, Map<String, Sent> sent,
      Function<PeerClient, CompletableFuture<Void>> write) {
    return send(peer, keys, sent, write, MAX_RELAYS);
  }

  /**
   * A set of {@code key} sent to {@code peer} as one of the nodes that keep it: through one relay at
   * most. A relay that declines keeps a drop for the peer ({@code PeerRequestHandler.relayMissed}),
   * which would later drop the value that a second relay delivered, at a node counted as keeping it.
   */
  private CompletableFuture<Void> sendSet(String peer, String key, Entry entry, long write, Map<String, Sent> sent) {
    long expireUnixNanos = Expiry.toUnixNanos(entry.expireAt);
    return send(peer, List.of(key), sent, c -> c.set(group, key, entry.value, expireUnixNanos, write), 1);
  }

  /** {@link #send(String, List, Map, Function)} through at most {@code maxRelays} relays. */
  private CompletableFuture<Void> send(String peer, List<String> keys, Map<String, Sent> sent,
      Function<PeerClient, CompletableFuture<Void>> write, int maxRelays) {
    Sent s = sent.computeIfAbsent(peer, p -> new Sent());
    s.keys.addAll(keys);
    PeerClient route = cache.routeOf(peer);
    if (route == null) {
      s.why = "no client for peer " + peer;
      return CompletableFuture.completedFuture(null);
    }
    PeerState down = cache.downState(peer);
    CompletableFuture<Void> direct;
    if (down != null && !cache.answeringAgain(peer)) { // not worth a wait of the peer timeout: it is named at once
      direct = CompletableFuture.failedFuture(new IllegalStateException("peer " + peer + " is judged down since "
          + down.since() + ": " + down.reason()));
    } else {
      direct = attempt(route, write);
    }
    return direct.handle((ok, err) -> err).thenCompose(err -> {
      if (err == null) {
        return CompletableFuture.completedFuture(null);
      }
      Throwable cause = Failures.unwrap(err);
      if (notOurs(cause)) {
        s.notOurs = true;
        s.why = reason(cause);
        return CompletableFuture.completedFuture(null);
      }
      // A peer that refused the connection cannot be reached through another either, and one
      // that answered it is not ready (a set, while it catches up) was reached: no relay.
      List<PeerClient> relays = refused(cause, down) || cause instanceof NodeNotReadyException ? List.of()
          : cache.relaysTo(peer, maxRelays);
      if (relays.isEmpty()) {
        s.why = reason(cause);
        return CompletableFuture.completedFuture(null);
      }
      return throughRelays(relays, 0, write, s, reason(cause));
    });
  }

  /**
   * Sends the write through {@code relays}, from the {@code i}th: the next is tried when one
   * declines at once (it does not reach the peer either, or cannot be reached), not when one took
   * long to fail (the peer itself does not answer: another relay would wait as long), so a write
   * waits at most about one peer timeout directly and one through relays.
   */
  private CompletableFuture<Void> throughRelays(List<PeerClient> relays, int i,
      Function<PeerClient, CompletableFuture<Void>> write, Sent s, String why) {
    PeerClient relay = relays.get(i);
    long sentAt = System.nanoTime();
    return attempt(relay, write).handle((ok, err) -> err).thenCompose(err -> {
      if (err == null) {
        cache.relayed();
        return CompletableFuture.completedFuture(null);
      }
      Throwable cause = Failures.unwrap(err);
      String whyNot = why + "; nor through " + relayName(relay) + ": " + reason(cause);
      // A decline comes back at once; a failure that took a quarter of the peer timeout or more (a
      // timeout among them) is the peer, or the way to it, not answering, which the next relay would
      // wait out as long; a peer that is not ready was reached.
      boolean declined = System.nanoTime() - sentAt < peerTimeout.toNanos() / 4 && !(cause instanceof NodeNotReadyException);
      if (i + 1 < relays.size() && declined) {
        return throughRelays(relays, i + 1, write, s, whyNot);
      }
      s.why = whyNot;
      return CompletableFuture.completedFuture(null);
    });
  }

  private CompletableFuture<Void> attempt(PeerClient c, Function<PeerClient, CompletableFuture<Void>> write) {
    CompletableFuture<Void> f;
    try {
      f = write.apply(c);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    return Timeouts.orTimeout(f, peerTimeout.toNanos());
  }

  private static String relayName(PeerClient via) {
    String s = via.toString();
    return s.contains(" via ") ? s.substring(s.indexOf(" via ") + 5).replace("]", "") : "another peer";
  }

  /** Whether the peer cannot take this write at all (it is not one of ours, or the write is malformed for it). */
  private static boolean notOurs(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof UnsupportedOperationException) {
        return true;
      }
    }
    return false;
  }

  /** Whether the peer refused the connection (nothing listens: a dead process, which a relay cannot reach either). */
  private static boolean refused(Throwable t, PeerState down) {
    if (down != null && down.refused()) {
      return true;
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof java.net.ConnectException
          && String.valueOf(c.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("refused")) {
        return true;
      }
    }
    return false;
  }

  private CompletableFuture<Void> sendRemove(PeerClient c, List<String> keys, long write) {
    return keys.size() == 1 ? c.remove(group, keys.get(0), write) : c.removeAll(group, keys, write);
  }

  /** Completes when every write has ended (each completes normally). */
  private static CompletableFuture<Void> settle(Map<String, CompletableFuture<Void>> writes) {
    return CompletableFuture.allOf(writes.values().toArray(new CompletableFuture<?>[0]));
  }

  private static String reason(Throwable t) {
    if (t instanceof TimeoutException) {
      return "timed out";
    }
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }

  /**
   * The write's result: peers not told are hinted (or not covered); throws {@link WriteException}
   * (in the future) when a live owner was not told.
   */
  private WriteResult result(List<String> keys, String what, Set<String> liveOwners, Set<String> owners,
      Map<String, Sent> sent) {
    List<String> told = new ArrayList<>();
    Map<String, String> hinted = new LinkedHashMap<>();
    Map<String, String> notCovered = new LinkedHashMap<>();
    List<String> order = new ArrayList<>(cache.writePeers());
    for (String p : sent.keySet()) {
      if (!order.contains(p)) {
        order.add(p);
      }
    }
    Map<String, String> ownerFailures = new HashMap<>();
    for (String peer : order) {
      Sent s = sent.get(peer);
      if (s == null) {
        continue;
      }
      String why = s.why;
      if (why == null) {
        told.add(peer);
        continue;
      }
      if (liveOwners.contains(peer)) {
        ownerFailures.put(peer, why);
      }
      if (!s.notOurs && cache.holdHint(peer, group, List.copyOf(new LinkedHashSet<>(s.keys)))) {
        hinted.put(peer, why);
      } else {
        notCovered.put(peer, why);
      }
    }
    WriteResult r = new WriteResult(told, hinted, notCovered);
    List<String> storedAt = new ArrayList<>(told);
    storedAt.retainAll(owners);
    for (String owner : liveOwners) {
      String why = ownerFailures.get(owner);
      if (why != null) {
        String key = keys.size() == 1 ? keys.get(0) : null;
        String subject = keys.size() == 1 ? GroupCacheException.where(group, keys.get(0), null)
            : keys.size() + " keys of group '" + group + "'";
        throw new WriteException(group, key, owner, what + " of " + subject + " was not applied by the owner "
            + owner + ": " + why
            + (what.equals("set") ? (storedAt.isEmpty() ? "; nothing was stored" : "; stored only at " + storedAt
                + ", which keep it should the owner go") + ", nothing was dropped elsewhere"
                : "; dropped on this node and " + r.told().size() + " other peer(s), the owner may still serve the old value")
            + (hinted.containsKey(owner) ? " (it will be told to drop the key when it answers again)" : "")
            + "; retry when the owner is reachable", r);
      }
    }
    return r;
  }
}
