package org.groupcache4j;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.groupcache4j.internal.Entry;
import org.groupcache4j.internal.GroupStores;
import org.groupcache4j.internal.HotKeyAdmission;
import org.groupcache4j.internal.RecentWrites;

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
  /** The writes applied here lately, by id: what a peer's fetch or peek of a key waits for ({@link RecentWrites}). */
  final RecentWrites recentWrites;
  /** False while the node is not ready to own keys: nothing is stored, and a set becomes a drop. */
  private volatile boolean storing = true;
  /**
   * The writes applied here while a departing peer's handoff window is open, recorded by
   * {@link #invalidate} and {@link #clear}: what an entry read elsewhere before it got here is
   * checked against ({@link #installHandedOff}).
   */
  final WriteLog written = new WriteLog();

  /** A single-flight load or fetch (or a load lease, see {@code Leases}); a write invalidates it, after which its result is not stored. */
  static class Flight extends CompletableFuture<Entry> {
    volatile boolean invalidated;
    /**
     * Abandoned as the node learned it was away ({@link #abandonAll}; invalidated too): it goes on
     * for its callers, and is never handed over to the key's next flight.
     */
    volatile boolean abandoned;
    /** When the flight began ({@link System#nanoTime()}): a caller that joins it late may retry its failure. */
    final long startedNanos = System.nanoTime();

    /** Invalidated by a write (not abandoned): its callers may be handed over to the key's next flight. */
    boolean supersededByAWrite() {
      return invalidated && !abandoned;
    }
  }

  /**
   * @param writeWindow how long a write applied here is named in this node's fetches and peeks of
   *     its key (longer than a write takes to reach every peer)
   */
  Flights(String group, GroupStores stores, Clock clock, java.time.Duration writeWindow) {
    this.recentWrites = new RecentWrites(writeWindow.toNanos(), 1 << 17, System::nanoTime);
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
    if (!storing) {
      return null; // the stores are bypassed: what they hold may be older than a write this node missed
    }
    Entry e = stores.get(key);
    return e != null && Expiry.fresh(e, clock) ? e : null;
  }

  private Object lockOf(String key) {
    int h = key.hashCode();
    return locks[(h ^ (h >>> 16)) & (LOCK_STRIPES - 1)];
  }

  /**
   * A value (or not-found answer) of {@code key} that its owner answered, by a fetch or a load
   * lease: kept in the hot store under {@code flight} (null: none flying, nothing kept) once
   * {@code admission} admits the key (null: the hot store is off), unless it has expired.
   */
  void keepHotCopy(String key, Flight flight, Entry e, long now, HotKeyAdmission admission) {
    if (admission != null && Expiry.kept(e, now) && admission.recordFetchAndAdmit(key) && flight != null) {
      install(key, flight, e, true);
    }
  }

  /**
   * Stores a flight's result (in the hot store for a copy fetched from its owner, else in the
   * main store), unless a write invalidated the flight (rule 2) or the node stores nothing now
   * (it is not ready to own keys).
   *
   * @return whether it was stored
   */
  boolean install(String key, Flight flight, Entry e, boolean hot) {
    synchronized (lockOf(key)) {
      if (flight.invalidated || !storing) {
        return false;
      }
      if (hot) {
        stores.putHot(key, e);
      } else {
        stores.putMain(key, e);
      }
      return true;
    }
  }

  /**
   * A remove applied here: drops the key from both stores, then invalidates its flight (rule 1).
   * {@code write}: the write's id (0: none, e.g. a hint), remembered for peers' requests.
   */
  void remove(String key, long write) {
    recentWrites.applying(key, write); // named in this node's own requests before the change begins
    removeLocked(key);
    recentWrites.applied(key, write); // after the change, outside the lock: it may wake a peer's request
  }

  private void removeLocked(String key) {
    synchronized (lockOf(key)) {
      stores.remove(key);
      invalidate(key);
    }
  }

  /** A set applied here, as the key's owner: stores the entry, then invalidates the key's flight (rule 1). */
  void set(String key, Entry e, long write) {
    recentWrites.applying(key, write);
    setLocked(key, e);
    recentWrites.applied(key, write);
  }

  private void setLocked(String key, Entry e) {
    synchronized (lockOf(key)) {
      if (storing) {
        stores.putMain(key, e);
      } else {
        stores.remove(key); // not ready: a drop, the value is kept by the key's other owners
      }
      invalidate(key);
    }
  }

  /**
   * An entry a departing peer handed over ({@link Handoff}), stored as the result of a flight of
   * its own ({@link #install}: nothing is stored while the node is not ready), but only if it
   * cannot be older than what this node knows of the key: no flight of the key is flying (a load
   * or fetch under way will store a newer outcome), the main store has no entry (loaded or set
   * here, so newer or as new), no write reached this node since the sender's notice opened the
   * window at {@code windowStartNanos}, and none within a write window before (one applied here
   * just before the notice may reach the sender only after its read). The sender read the entry
   * after the notice: a write since may be newer than it, and no flight of this node could have
   * seen it, since the read was not made here ({@link #written} did). Under the key's lock, so no
   * write comes between the check
   * and the store; a write after it drops the entry as any write does. A hot copy is replaced:
   * it was fetched from the sender before.
   *
   * @return whether the entry was kept
   */
  boolean installHandedOff(String key, Entry e, long windowStartNanos) {
    synchronized (lockOf(key)) {
      // A write applied here just before the window opened may reach the sender only after it
      // read the entry (a write reaches the nodes one after another): the write ids this node
      // keeps for a write window cover that, as the window's log covers what came after.
      if (heldOrFlying(key) || writtenSince(key, windowStartNanos)) {
        return false;
      }
      return install(key, new Flight(), e, false);
    }
  }

  /**
   * Makes {@code flight} the flight of a load ahead of {@code key} ({@link Handoff}), unless that
   * load would be wasted or could bring back an older value: the main store holds the key, a
   * flight of it is under way, or a write of it reached this node since the take-back began at
   * {@code windowStartNanos} or within a write window before (a drop of a value set elsewhere
   * while this node was away: the key's first get asks the node that holds that value). Under the
   * key's lock, so a write after it invalidates the flight, as it does any flight; a peer's fetch
   * of the key meanwhile joins it rather than loading the key a second time.
   *
   * @return whether {@code flight} is the key's flight now
   */
  boolean registerAhead(String key, Flight flight, long windowStartNanos) {
    synchronized (lockOf(key)) {
      if (!storing || stores.main().peek(key) != null || writtenSince(key, windowStartNanos)) {
        return false;
      }
      return table.putIfAbsent(key, flight) == null;
    }
  }

  /**
   * Whether a write of {@code key} reached this node since {@code windowStartNanos} (the window's
   * log), or within a write window before it (the write ids kept for peers' requests).
   */
  private boolean writtenSince(String key, long windowStartNanos) {
    return written.since(key, windowStartNanos) || recentWrites.writtenWithinWindow(key);
  }

  /**
   * Whether the main store holds {@code key} or a flight of it is under way: what makes a
   * handed-off or loaded-ahead entry the older one.
   */
  boolean heldOrFlying(String key) {
    return table.containsKey(key) || stores.main().peek(key) != null;
  }

  /**
   * A peer's set applied here for a key this node does not own: the entry is kept as a copy (hot
   * store; any older copy or main entry dropped first, so none outlives it), then the key's flight
   * is invalidated (rule 1).
   */
  void copy(String key, Entry e, long write) {
    recentWrites.applying(key, write);
    copyLocked(key, e);
    recentWrites.applied(key, write);
  }

  private void copyLocked(String key, Entry e) {
    synchronized (lockOf(key)) {
      stores.remove(key);
      if (storing) {
        stores.putHot(key, e);
      }
      invalidate(key);
    }
  }

  /**
   * Whether results are stored: false while the node is not ready to own keys (it catches up, or
   * is out of its own peer list), when nothing is stored and a set applied here is a drop.
   */
  void storing(boolean on) {
    storing = on;
  }

  /** Whether results and sets are stored now ({@link #storing(boolean)}). */
  boolean isStoring() {
    return storing;
  }

  /**
   * A clear applied here: every entry of both stores dropped, then every flight invalidated, under
   * all the lock stripes at once (rule 1 for every key), so that no load or fetch that began
   * before the clear stores its result after it, nor an entry handed over that was read before it.
   */
  void clear() {
    underAllLocks(0, this::clearHere);
    recentWrites.appliedEverything(); // a clear covers every write before it; outside the locks
  }

  /**
   * Drops every entry of the group here and invalidates every flight, as {@link #clear}: the
   * coarse drop of a node that cannot know which writes it missed.
   *
   * @return how many entries were dropped
   */
  long dropAll() {
    long[] n = new long[1];
    underAllLocks(0, () -> {
      n[0] = stores.main().items() + stores.hot().items();
      clearHere();
    });
    recentWrites.appliedEverything(); // outside the locks: it may wake peers' requests
    return n[0];
  }

  private void clearHere() {
    stores.clear();
    for (String key : table.keySet()) {
      invalidate(key);
    }
    written.recordAll();
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
      Entry held = storing ? stores.get(key) : null;
      if (held != null && held.value != null && Expiry.fresh(held, clock)) {
        return held;
      }
      if (storing) {
        stores.putMain(key, e);
      } else {
        stores.remove(key);
      }
      invalidate(key);
      return null;
    }
  }

  /**
   * Takes the key's flight out of the table and marks it invalidated (rule 3: new gets miss it),
   * and records the write for the handoff windows open here. Every write applied here comes
   * through here (or {@link #clearHere}): the one place that tells a result read before a write
   * from one read after it. Under the key's lock.
   */
  private void invalidate(String key) {
    Flight f = table.remove(key);
    if (f != null) {
      f.invalidated = true;
    }
    written.record(key);
  }

  /**
   * Takes every flight out of the table, invalidated (its result is not stored), as a node does
   * when it learns it was away: a load or fetch begun before then may wait out its timeout on a
   * connection the outage broke (a node cut off from its origin, a response lost), and a get that
   * joined it would fail with it. Its callers still get its outcome; new gets start flights of
   * their own. Nothing is recorded as a write.
   *
   * @return how many flights were taken out
   */
  int abandonAll() {
    int n = 0;
    for (String key : table.keySet()) {
      synchronized (lockOf(key)) {
        Flight f = table.remove(key);
        if (f != null) {
          f.abandoned = true;
          f.invalidated = true;
          n++;
        }
      }
    }
    return n;
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
