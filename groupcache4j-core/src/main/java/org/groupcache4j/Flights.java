package org.groupcache4j;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.groupcache4j.internal.Entry;
import org.groupcache4j.internal.GroupStores;

/**
 * The flight table of one group and its lock stripes: single-flight, and the three
 * no-resurrection rules of "Writes, and why a removed value never comes back" in {@link Group}'s
 * class comment. Every change of the group's stores goes through here, under the key's lock:
 * a flight's result ({@link #install}, only if no write invalidated the flight) and a write
 * applied on this node ({@link #remove}, {@link #set}: stores first, then the flight is
 * invalidated). Whatever else changes the stores or takes a key's flight (a clear of the whole
 * group, a put-if-absent, a load lease held by a caller) belongs here too, under the same rules.
 *
 * <p>A flight's life: {@link #register} (or join the flight already flying), {@link #recheck}
 * the stores, load or fetch, {@link #install}, {@link #land}. A flight is removed from the
 * table before its future completes, so a failed or abandoned load never wedges its key.
 */
final class Flights {
  /** Lock stripes; a power of two. */
  static final int LOCK_STRIPES = 64;

  private final String group;
  private final GroupStores stores;
  private final Clock clock;
  private final ConcurrentHashMap<String, Flight> table = new ConcurrentHashMap<>();
  private final Object[] locks = new Object[LOCK_STRIPES];
  /** The keys written here while a departing peer's handoff window is open ({@link #installHandedOff}). */
  final WriteLog written = new WriteLog();

  /** A single-flight load or fetch (or a load lease, see {@code Leases}); a write invalidates it, after which its result is not stored. */
  static class Flight extends CompletableFuture<Entry> {
    volatile boolean invalidated;
  }

  Flights(String group, GroupStores stores, Clock clock) {
    this.group = group;
    this.stores = stores;
    this.clock = clock;
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new Object();
    }
  }

  /**
   * Makes {@code flight} the key's flight, unless one is flying: then returns that one, for the
   * caller to join (and {@code flight} is dropped).
   */
  Flight register(String key, Flight flight) {
    return table.putIfAbsent(key, flight);
  }

  /** The key's flight now, or {@code null}. */
  Flight flying(String key) {
    return table.get(key);
  }

  /**
   * Right after {@link #register}: the fresh entry that a write or another flight put in the
   * stores since the caller missed them (the flight then lands with it), else {@code null}.
   * Rule 2: a flight registered after a write's store change finds that change here.
   */
  Entry recheck(String key) {
    Entry e = stores.get(key);
    return e != null && Expiry.fresh(e, clock) ? e : null;
  }

  private Object lockOf(String key) {
    int h = key.hashCode();
    return locks[(h ^ (h >>> 16)) & (LOCK_STRIPES - 1)];
  }

  /**
   * Stores a flight's result (in the hot store for a copy fetched from its owner, else in the
   * main store), unless a write invalidated the flight (rule 2).
   */
  void install(String key, Flight flight, Entry e, boolean hot) {
    synchronized (lockOf(key)) {
      if (flight.invalidated) {
        return;
      }
      if (hot) {
        stores.putHot(key, e);
      } else {
        stores.putMain(key, e);
      }
    }
  }

  /** A remove applied here: drops the key from both stores, then invalidates its flight (rule 1). */
  void remove(String key) {
    synchronized (lockOf(key)) {
      stores.remove(key);
      invalidate(key);
      written.record(key);
    }
  }

  /** A set applied here, as the key's owner: stores the entry, then invalidates the key's flight (rule 1). */
  void set(String key, Entry e) {
    synchronized (lockOf(key)) {
      stores.putMain(key, e);
      invalidate(key);
      written.record(key);
    }
  }

  /**
   * An entry a departing peer handed over ({@link Handoff}): kept in the main store only if it
   * cannot be older than what this node knows of the key, that is if no flight of the key is
   * flying (a load or fetch under way will store a newer outcome), the main store has no entry
   * (loaded or set here, so newer or as new), and no write reached this node since the sender's
   * notice opened the window at {@code windowStartNanos} (the sender read the entry after that:
   * a write since may be newer than it). A hot copy is replaced: it was fetched from the sender
   * before. Under the key's lock, like the writes that {@link #written} records.
   *
   * @return whether the entry was kept
   */
  boolean installHandedOff(String key, Entry e, long windowStartNanos) {
    synchronized (lockOf(key)) {
      if (table.containsKey(key) || stores.main().peek(key) != null || written.since(key, windowStartNanos)) {
        return false;
      }
      stores.putMain(key, e);
      return true;
    }
  }

  /**
   * A peer's set applied here for a key this node does not own: the entry is kept as a copy (hot
   * store; any older copy or main entry dropped first, so none outlives it), then the key's flight
   * is invalidated (rule 1).
   */
  void copy(String key, Entry e) {
    synchronized (lockOf(key)) {
      stores.remove(key);
      stores.putHot(key, e);
      invalidate(key);
    }
  }

  /**
   * A clear applied here: every entry of both stores dropped, then every flight invalidated, under
   * all the lock stripes at once (rule 1 for every key), so that no load or fetch that began
   * before the clear stores its result after it.
   */
  void clear() {
    underAllLocks(0, () -> {
      stores.clear();
      for (String key : table.keySet()) {
        invalidate(key);
      }
    });
  }

  private void underAllLocks(int stripe, Runnable r) {
    if (stripe == locks.length) {
      r.run();
      return;
    }
    synchronized (locks[stripe]) {
      underAllLocks(stripe + 1, r);
    }
  }

  /**
   * A put-if-absent decided here, as the key's owner: the fresh value the stores hold (and nothing
   * changes), or {@code null} after storing {@code e} and invalidating the key's flight (rule 1).
   */
  Entry putIfAbsent(String key, Entry e) {
    synchronized (lockOf(key)) {
      Entry held = stores.get(key);
      if (held != null && held.value != null && Expiry.fresh(held, clock)) {
        return held;
      }
      stores.putMain(key, e);
      invalidate(key);
      return null;
    }
  }

  /** Takes the key's flight out of the table and marks it invalidated (rule 3: new gets miss it). Under the key's lock. */
  private void invalidate(String key) {
    Flight f = table.remove(key);
    if (f != null) {
      f.invalidated = true;
    }
  }

  /** Ends a flight: the stores are already filled, so remove the flight, then wake its callers. */
  void land(String key, Flight flight, Entry e, Throwable err) {
    table.remove(key, flight);
    if (err == null) {
      flight.complete(e);
    } else {
      flight.completeExceptionally(err);
    }
  }

  /**
   * Ends a flight that bookkeeping failed to end (a store or a log threw): with the value if it
   * was loaded, else with the failure, so that no caller waits forever and the key is not wedged.
   */
  void landIfFlying(String key, Flight flight, Entry e, Throwable t) {
    if (!flight.isDone()) {
      land(key, flight, e, e != null ? null : LoadException.loaderFailed(group, key, t));
    } else {
      table.remove(key, flight);
    }
  }
}
