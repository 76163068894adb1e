package org.groupcache4j.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The writes this node applied to a group's keys lately, by the id each write carries (drawn by
 * the node that made it): what makes a peer's answer wait for a write that the asker applied and
 * the answerer has not yet.
 *
 * <p>Why. A write reaches the nodes one after another. A node that dropped a key may miss it
 * at once and ask the key's owner (or, for a new owner, the previous one: a peek) before that
 * node applied the same write; the answer would then carry the value the write replaced, and the
 * asker would keep it and serve it after the write returned. So a fetch or a peek carries the ids
 * of the writes its asker applied to the key within {@link #sendWindowNanos} ({@link #ids}), and
 * the answerer answers only once it applied each of them too ({@link #await}), or after a bound.
 * A node keeps ids twice as long as it sends them, so that an id sent is still known here however
 * much earlier this node applied it. Bounded by {@code maxKeys}: beyond it the oldest go first.
 */
public final class RecentWrites {
  /**
   * Stands for every write of a key (a drop that covers whatever this node missed: a hint, whose
   * writes' ids are not kept; see {@link #applied}). Never drawn as a write's id.
   */
  public static final long ANY = Long.MIN_VALUE;
  private static final long[] NONE = new long[0];
  /** At most this many writes of a key are named in a request: the newest. */
  public static final int MAX_SENT = 16;
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  /**
   * A write of a key: its id, when it was recorded, whether it is applied (else under way: named,
   * not yet answered for), and whether this node names it in its own requests (not a write it
   * waited out: one a peer named that never arrived here, see {@link #waitedOut}).
   */
  private record Applied(long id, long at, boolean done, boolean named) {}

  private record Logged(String key, long at) {}

  private final ConcurrentHashMap<String, Applied[]> byKey = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Logged> order = new ConcurrentLinkedQueue<>();
  private final AtomicInteger logged = new AtomicInteger();
  private final ConcurrentHashMap<String, CompletableFuture<Void>> next = new ConcurrentHashMap<>();
  private final long sendWindowNanos;
  /** When this node last dropped everything of the group (or started): every write before then is covered. */
  private volatile long coveredAllAt;
  private final int maxKeys;
  private final LongSupplier nanos;

  /**
   * @param sendWindowNanos how long after it applied a write this node names it in its requests
   *     (longer than a write takes to reach every node); ids are kept twice as long
   */
  public RecentWrites(long sendWindowNanos, int maxKeys, LongSupplier nanos) {
    this.sendWindowNanos = sendWindowNanos;
    this.maxKeys = maxKeys;
    this.nanos = nanos;
    this.coveredAllAt = nanos.getAsLong(); // a node that starts holds nothing older than any write
  }

  /** This node dropped every entry of the group (or will hold nothing older than now): every write so far is covered. */
  public void appliedEverything() {
    coveredAllAt = nanos.getAsLong();
    for (String key : next.keySet()) {
      CompletableFuture<Void> w = next.remove(key);
      if (w != null) {
        w.complete(null);
      }
    }
  }

  /**
   * Write {@code id} (0: none) is about to be applied to {@code key} here: from now on this node
   * names it in its own fetches and peeks of the key, though it does not count as applied for the
   * peers' requests that wait for it ({@link #appliedAll}) until {@link #applied}. Called before
   * the store changes, so that no request this node sends once the change began can miss it: a
   * flight that begins between the drop and the record would otherwise ask a peer that has not
   * applied the write yet, without naming it, and store that peer's older value.
   */
  public void applying(String key, long id) {
    if (id == 0 || id == ANY) {
      return;
    }
    record(key, id, false, true);
  }

  /**
   * Write {@code id} (0: none, nothing is kept; {@link #ANY}: a drop that covers every write of
   * the key so far) was applied to {@code key} here now; wakes what waits for it.
   */
  public void applied(String key, long id) {
    if (id == 0) {
      return;
    }
    long now = record(key, id, true, true);
    CompletableFuture<Void> waiting = next.remove(key);
    if (waiting != null) {
      waiting.complete(null);
    }
    prune(now);
  }

  /**
   * A peer named the writes {@code ids} (pairs, as {@link #ids}) of {@code key} and this node
   * waited the whole bound for those it had not applied: it does not wait for them again. Such a
   * write most likely never comes (its writer died while it sent it; the hint, if any, died with
   * it), and every request that names it would otherwise wait the bound once more: a key asked
   * again and again (each write invalidates its flight) piles those waits up into seconds. They
   * are not named in this node's own requests: this node did not apply them.
   */
  public void waitedOut(String key, long[] ids) {
    if (ids == null || ids.length < 2) {
      return;
    }
    Applied[] a = byKey.get(key);
    long sinceCovered = sinceCovered(a, nanos.getAsLong());
    for (int i = 0; i + 1 < ids.length; i += 2) {
      long id = ids[i];
      if (id != 0 && id != ANY && !appliedHere(a, sinceCovered, id, ids[i + 1])) {
        record(key, id, true, false);
      }
    }
  }

  /**
   * What recording a write makes of a key's entries: the entries, and whether the write was added
   * as one more (else it was under way, and its entry is marked applied: it is logged once).
   */
  private record Recorded(Applied[] entries, boolean added) {}

  /**
   * Records write {@code id} of {@code key} (marks it applied if it was under way and this is its
   * application here, {@code named}); returns the time recorded.
   */
  private long record(String key, long id, boolean done, boolean named) {
    long now = nanos.getAsLong();
    Applied[] old;
    Recorded r;
    do { // each try from the entries as they are; another thread's change in between makes it try again
      old = byKey.get(key);
      r = recorded(appliedAfter(old, now - 2 * sendWindowNanos), id, now, done, named);
    } while (old == null ? byKey.putIfAbsent(key, r.entries) != null : !byKey.replace(key, old, r.entries));
    if (r.added) {
      order.add(new Logged(key, now));
      logged.incrementAndGet();
    }
    return now;
  }

  /** {@code kept} (null: none) with write {@code id} recorded at {@code now}: its entry under way marked applied, or one more. */
  private static Recorded recorded(Applied[] kept, long id, long now, boolean done, boolean named) {
    if (kept != null && done && named) {
      for (int i = kept.length - 1; i >= 0; i--) {
        if (kept[i].id == id && !kept[i].done) {
          Applied[] copy = kept.clone();
          copy[i] = new Applied(id, now, true, true);
          return new Recorded(copy, false);
        }
      }
    }
    Applied[] withThis = kept == null ? new Applied[1] : java.util.Arrays.copyOf(kept, kept.length + 1);
    withThis[withThis.length - 1] = new Applied(id, now, done, named);
    return new Recorded(withThis, true);
  }

  /** Forgets what is older than the window, and the oldest beyond {@code maxKeys} entries. */
  private void prune(long now) {
    for (Logged head = order.peek(); head != null; head = order.peek()) {
      Logged l = head;
      if (now - l.at < 2 * sendWindowNanos && logged.get() <= maxKeys) {
        return;
      }
      if (!order.remove(l)) {
        continue;
      }
      logged.decrementAndGet();
      byKey.computeIfPresent(l.key, (k, old) -> appliedAfter(old, l.at));
    }
  }

  /** The entries of {@code applied} (null: none) applied after {@code after}, or null if there are none. */
  private static Applied[] appliedAfter(Applied[] applied, long after) {
    if (applied == null) {
      return null;
    }
    Applied[] kept = java.util.Arrays.stream(applied).filter(a -> a.at - after > 0).toArray(Applied[]::new);
    return kept.length == 0 ? null : kept;
  }

  /**
   * Whether a write of {@code key} was applied here, or began to be, within the send window (a
   * peer's write with an id, or this node's own): a value another node read may predate it.
   */
  public boolean writtenWithinWindow(String key) {
    Applied[] a = byKey.get(key);
    if (a == null) {
      return false;
    }
    long now = nanos.getAsLong();
    for (Applied x : a) {
      if (now - x.at < sendWindowNanos) {
        return true;
      }
    }
    return false;
  }

  /**
   * The writes applied to {@code key} here within the send window, as pairs: each write's id and
   * how long ago (nanoseconds) it was applied here. Empty (no allocation) for most keys.
   */
  public long[] ids(String key) {
    Applied[] a = byKey.get(key);
    if (a == null) {
      return NONE;
    }
    long now = nanos.getAsLong();
    int n = 0;
    for (Applied x : a) {
      if (now - x.at < sendWindowNanos && x.id != ANY && x.named) {
        n++;
      }
    }
    if (n == 0) {
      return NONE;
    }
    n = Math.min(n, MAX_SENT);
    long[] ids = new long[2 * n];
    int i = 0;
    for (int j = a.length - 1; j >= 0 && i < ids.length; j--) { // the newest first: the ones most likely still under way
      Applied x = a[j];
      if (now - x.at < sendWindowNanos && x.id != ANY && x.named) {
        ids[i++] = x.id;
        ids[i++] = now - x.at;
      }
    }
    return ids;
  }

  /**
   * Whether this node applied each write of {@code applied} (pairs of id and age, as {@link #ids}
   * gives them) to {@code key}, or covered it: by a drop that covers every write of the key, or by
   * dropping everything (or starting) after the asker applied it, which leaves nothing here that
   * the write could have replaced.
   */
  public boolean appliedAll(String key, long[] applied) {
    if (applied == null || applied.length < 2) {
      return true;
    }
    Applied[] a = byKey.get(key);
    long sinceCovered = sinceCovered(a, nanos.getAsLong());
    for (int i = 0; i + 1 < applied.length; i += 2) {
      if (!appliedHere(a, sinceCovered, applied[i], applied[i + 1])) {
        return false;
      }
    }
    return true;
  }

  /**
   * How long ago, from {@code now}, this node last covered every write of a key whose entries are
   * {@code a}: by dropping everything (or starting), or by a drop that covers every write of the key.
   */
  private long sinceCovered(Applied[] a, long now) {
    long covered = coveredAllAt; // what was applied there before this instant is covered here
    if (a != null) {
      for (Applied x : a) {
        if (x.id == ANY && x.done && x.at - covered > 0) {
          covered = x.at;
        }
      }
    }
    return now - covered;
  }

  /** Whether write {@code id}, applied {@code age} ago at the asker, is applied or covered here ({@code a}: the key's entries). */
  private static boolean appliedHere(Applied[] a, long sinceCovered, long id, long age) {
    if (age >= sinceCovered) {
      return true; // applied there before this node dropped everything or started
    }
    if (a != null) {
      for (Applied x : a) {
        if (x.id == id && x.done) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Completes once each write of {@code ids} (pairs, as {@link #appliedAll}) was applied to {@code key} here: at once for most
   * requests, which name none. The caller bounds the wait.
   */
  public CompletableFuture<Void> await(String key, long[] ids) {
    if (appliedAll(key, ids)) {
      return DONE;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    waitFor(key, ids, done);
    return done;
  }

  private void waitFor(String key, long[] ids, CompletableFuture<Void> done) {
    CompletableFuture<Void> w = next.computeIfAbsent(key, k -> new CompletableFuture<>());
    if (appliedAll(key, ids)) {
      done.complete(null);
      return;
    }
    w.thenRun(() -> {
      if (done.isDone()) {
        return;
      }
      if (appliedAll(key, ids)) {
        done.complete(null);
      } else {
        waitFor(key, ids, done);
      }
    });
  }

  /** Keys with writes remembered (for tests and stats). */
  public int size() {
    return byKey.size();
  }
}
