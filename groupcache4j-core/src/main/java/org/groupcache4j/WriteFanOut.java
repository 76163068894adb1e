package org.groupcache4j;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.groupcache4j.internal.Entry;
import org.groupcache4j.internal.Failures;
import org.groupcache4j.internal.GroupCounters;
import org.groupcache4j.internal.RateLimitedLog;
import org.groupcache4j.internal.Text;
import org.groupcache4j.peer.PeerClient;
import org.groupcache4j.peer.PeerState;

/**
 * How a remove or a set reaches the cluster ("Writes, and why a removed value never comes back"
 * in {@link Group}'s class comment): the owners first, each sent its keys in one request, and
 * their outcome {@linkplain #settle settled}; then this node and every other peer, in parallel.
 * Each send has the peer timeout, and one to a peer judged down fails at once, named with why.
 * The outcome is a {@link WriteResult} of the peers told and not told, or a
 * {@link WriteException} when an owner was not told. This node applies a write through
 * {@link Flights}, which invalidates the key's flight.
 *
 * <p>Writes that reach every peer the same way (a clear of the whole group, a put-if-absent
 * decided by the owner) belong here, and so does what is done for a peer that was not told
 * (a hint kept for it): {@link #result} is where a write learns who missed it.
 */
final class WriteFanOut {
  /** Peers that could not be told to drop a copy after a set another node's writer sent to this owner alone. */
  private static final RateLimitedLog COPIES_LOG = new RateLimitedLog("org.groupcache4j.peers", Duration.ofSeconds(10));

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

  /** Drops {@code keys} (distinct, checked) at their owners, then here and at every other peer. */
  CompletableFuture<WriteResult> remove(List<String> keys) {
    Map<String, List<String>> byOwner = new LinkedHashMap<>();
    for (String k : keys) {
      byOwner.computeIfAbsent(cache.ownerOf(k), o -> new ArrayList<>()).add(k);
    }
    // 1. The owners (this node's own keys here).
    Map<String, CompletableFuture<Void>> owners = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : byOwner.entrySet()) {
      if (e.getKey().equals(cache.self())) {
        e.getValue().forEach(this::removeHere);
      } else {
        owners.put(e.getKey(), send(e.getKey(), c -> sendRemove(c, e.getValue())));
      }
    }
    return settle(owners).thenCompose(ownerOutcome -> {
      // 2. Copies here and at every other peer: each is sent the keys it does not own.
      for (Map.Entry<String, List<String>> e : byOwner.entrySet()) {
        if (!e.getKey().equals(cache.self())) {
          e.getValue().forEach(this::removeHere);
        }
      }
      Map<String, CompletableFuture<Void>> others = new LinkedHashMap<>();
      for (String peer : cache.peers()) {
        if (peer.equals(cache.self())) {
          continue;
        }
        List<String> notOwned = new ArrayList<>(keys);
        List<String> owned = byOwner.get(peer);
        if (owned != null) {
          notOwned.removeAll(owned);
        }
        if (!notOwned.isEmpty()) {
          others.put(peer, send(peer, c -> sendRemove(c, notOwned)));
        }
      }
      return settle(others).thenApply(rest -> result(keys, "remove", ownerOutcome, rest));
    });
  }

  /** Stores {@code entry} (checked key) at the key's owner, then drops the key here and at every other peer. */
  CompletableFuture<WriteResult> set(String key, Entry entry) {
    String owner = cache.ownerOf(key);
    Map<String, CompletableFuture<Void>> owners = new LinkedHashMap<>();
    if (owner.equals(cache.self())) {
      setHere(key, entry);
    } else {
      long expireUnixNanos = Expiry.toUnixNanos(entry.expireAt);
      owners.put(owner, send(owner, c -> c.set(group, key, entry.value, expireUnixNanos)));
    }
    List<String> keys = List.of(key);
    return settle(owners).thenCompose(ownerOutcome -> {
      if (!ownerOutcome.isEmpty() && ownerOutcome.get(owner) != null) {
        // The owner did not take the value: nothing changed, so nothing is dropped.
        return CompletableFuture.completedFuture(result(keys, "set", ownerOutcome, Map.of()));
      }
      if (!owner.equals(cache.self())) {
        removeHere(key);
      }
      Map<String, CompletableFuture<Void>> others = new LinkedHashMap<>();
      for (String peer : cache.peers()) {
        if (!peer.equals(cache.self()) && !peer.equals(owner)) {
          others.put(peer, send(peer, c -> c.remove(group, key)));
        }
      }
      return settle(others).thenApply(rest -> result(keys, "set", ownerOutcome, rest));
    });
  }

  /**
   * Drops {@code key} (checked) at every peer but this node, the owner, which holds its new value:
   * the second half of a set that its writer told the owner alone (mailgun/groupcache v2). Completes
   * when every peer was told or failed to be, within the peer timeout; those not told are logged.
   */
  CompletableFuture<Void> dropCopies(String key) {
    Map<String, CompletableFuture<Void>> others = new LinkedHashMap<>();
    for (String peer : cache.peers()) {
      if (!peer.equals(cache.self())) {
        others.put(peer, send(peer, c -> c.remove(group, key)));
      }
    }
    return settle(others).thenAccept(outcome -> outcome.forEach((peer, why) -> {
      if (why != null) {
        COPIES_LOG.log(peer, System.Logger.Level.WARNING, () -> "a set of group '" + group + "', key '"
            + Text.quotable(key) + "' came from a node that told this node (" + cache.self() + ", the owner) alone; "
            + "peer " + peer + " could not be told to drop its copy (" + why + "), so it may serve the old value "
            + "until its copy expires or is evicted", null);
      }
    }));
  }

  /**
   * Drops every entry of the group on every node: this node and every peer, twice over. The first
   * pass empties every owner; the second drops the copies a node fetched, during the first, from
   * an owner that had not cleared yet (a load or fetch in flight during a pass is invalidated, so
   * nothing from before the clear comes back). There is no owner of a clear, so no
   * {@link WriteException}: the result names the peers that could not be told.
   */
  CompletableFuture<WriteResult> clear() {
    // a peer that missed the first pass and took the second is cleared: the second pass decides
    return clearPass().thenCompose(first -> clearPass()).thenApply(second -> result(List.of(), "clear", Map.of(), second));
  }

  private CompletableFuture<Map<String, String>> clearPass() {
    clearHere();
    Map<String, CompletableFuture<Void>> all = new LinkedHashMap<>();
    for (String peer : cache.peers()) {
      if (!peer.equals(cache.self())) {
        all.put(peer, send(peer, c -> c.clear(group)));
      }
    }
    return settle(all);
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
    String owner = cache.ownerOf(key);
    CompletableFuture<ByteView> decided;
    if (owner.equals(cache.self())) {
      Entry held = putIfAbsentHere(key, entry);
      decided = CompletableFuture.completedFuture(held == null ? null : held.value);
    } else {
      long expireUnixNanos = Expiry.toUnixNanos(entry.expireAt);
      CompletableFuture<org.groupcache4j.peer.PeerValue> asked;
      PeerClient c = cache.clientOf(owner);
      PeerState down = cache.downState(owner);
      if (c == null || down != null) {
        asked = CompletableFuture.failedFuture(new IllegalStateException(c == null ? "no client for peer " + owner
            : "peer " + owner + " is judged down since " + down.since() + ": " + down.reason()));
      } else {
        try {
          asked = c.putIfAbsent(group, key, entry.value, expireUnixNanos).orTimeout(peerTimeout.toNanos(), TimeUnit.NANOSECONDS);
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
      if (!owner.equals(cache.self())) {
        removeHere(key);
      }
      Map<String, CompletableFuture<Void>> others = new LinkedHashMap<>();
      for (String peer : cache.peers()) {
        if (!peer.equals(cache.self()) && !peer.equals(owner)) {
          others.put(peer, send(peer, c -> c.remove(group, key)));
        }
      }
      return settle(others).thenApply(x -> (ByteView) null);
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

  /** A remove applied on this node: asked here, or by a peer. */
  void removeHere(String key) {
    flights.remove(key);
    counters.removes.increment();
  }

  /** A set applied on this node, as the key's owner: asked here, or by a peer. */
  void setHere(String key, Entry e) {
    flights.set(key, e);
    counters.sets.increment();
  }

  /** A peer's set of a key this node does not own, kept here as a copy (not counted in sets: this node is not the owner). */
  void copyHere(String key, Entry e) {
    flights.copy(key, e);
  }

  /** Sends one write to {@code peer}, with the peer timeout; fails at once for a peer not in the ring or judged down. */
  private CompletableFuture<Void> send(String peer, Function<PeerClient, CompletableFuture<Void>> write) {
    PeerClient c = cache.clientOf(peer);
    if (c == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("no client for peer " + peer));
    }
    PeerState down = cache.downState(peer);
    if (down != null) { // not worth a wait of the peer timeout: it is named at once
      return CompletableFuture.failedFuture(new IllegalStateException("peer " + peer + " is judged down since "
          + down.since() + ": " + down.reason()));
    }
    CompletableFuture<Void> f;
    try {
      f = write.apply(c);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    return f.orTimeout(peerTimeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private CompletableFuture<Void> sendRemove(PeerClient c, List<String> keys) {
    return keys.size() == 1 ? c.remove(group, keys.get(0)) : c.removeAll(group, keys);
  }

  /** Waits for every write; completes with peer to failure reason ({@code null}: told). */
  private static CompletableFuture<Map<String, String>> settle(Map<String, CompletableFuture<Void>> writes) {
    Map<String, String> outcome = new ConcurrentHashMap<>();
    CompletableFuture<?>[] all = new CompletableFuture<?>[writes.size()];
    int i = 0;
    for (Map.Entry<String, CompletableFuture<Void>> w : writes.entrySet()) {
      all[i++] = w.getValue().handle((ok, err) -> {
        outcome.put(w.getKey(), err == null ? "" : reason(Failures.unwrap(err)));
        return null;
      });
    }
    return CompletableFuture.allOf(all).thenApply(x -> {
      Map<String, String> m = new HashMap<>();
      outcome.forEach((peer, why) -> m.put(peer, why.isEmpty() ? null : why));
      return m;
    });
  }

  private static String reason(Throwable t) {
    if (t instanceof TimeoutException) {
      return "timed out";
    }
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }

  /** The write's result; throws {@link WriteException} (in the future) when an owner was not told. */
  private WriteResult result(List<String> keys, String what, Map<String, String> owners, Map<String, String> others) {
    List<String> told = new ArrayList<>();
    Map<String, String> notTold = new LinkedHashMap<>();
    for (String peer : cache.peers()) {
      for (Map<String, String> m : List.of(owners, others)) {
        if (m.containsKey(peer)) {
          String why = m.get(peer);
          if (why == null) {
            if (!told.contains(peer)) {
              told.add(peer);
            }
          } else {
            notTold.putIfAbsent(peer, why);
            told.remove(peer);
          }
        }
      }
    }
    // peers that left the ring meanwhile
    for (Map<String, String> m : List.of(owners, others)) {
      m.forEach((peer, why) -> {
        if (why != null) {
          notTold.putIfAbsent(peer, why);
        } else if (!told.contains(peer) && !notTold.containsKey(peer)) {
          told.add(peer);
        }
      });
    }
    WriteResult r = new WriteResult(told, notTold);
    for (Map.Entry<String, String> o : owners.entrySet()) {
      if (o.getValue() != null) {
        String key = keys.size() == 1 ? keys.get(0) : null;
        String subject = keys.size() == 1 ? GroupCacheException.where(group, keys.get(0), null)
            : keys.size() + " keys of group '" + group + "'";
        throw new WriteException(group, key, o.getKey(), what + " of " + subject + " was not applied by the owner "
            + o.getKey() + ": " + o.getValue()
            + (what.equals("set") ? "; nothing was stored" : "; dropped on this node and " + r.told().size()
                + " other peer(s), the owner may still serve the old value")
            + "; retry when the owner is reachable", r);
      }
    }
    return r;
  }
}
