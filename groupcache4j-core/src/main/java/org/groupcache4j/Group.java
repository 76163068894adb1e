package org.groupcache4j;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.groupcache4j.Flights.Flight;
import org.groupcache4j.internal.Entry;
import org.groupcache4j.internal.Failures;
import org.groupcache4j.internal.GroupCounters;
import org.groupcache4j.internal.GroupStores;
import org.groupcache4j.internal.HotKeyAdmission;
import org.groupcache4j.internal.RateLimitedLog;
import org.groupcache4j.internal.Text;
import org.groupcache4j.internal.Timeouts;
import org.groupcache4j.internal.Utf8;
import org.groupcache4j.peer.NodeNotReadyException;
import org.groupcache4j.peer.PeerClient;
import org.groupcache4j.peer.PeerValue;
import org.groupcache4j.ring.RingMode;

/**
 * A named namespace of keys with a byte budget and a loader: the read path, and the writes that
 * change what it serves.
 *
 * <h2>The read path</h2>
 * <pre>
 * get(key)
 *   main store hit / hot store hit, not expired ............ value (or "not found", if cached)
 *   single-flight(key): concurrent callers share one flight
 *     re-check the stores
 *     owner = ring.owner(key)
 *     owner is another peer and the request did not come from a peer:
 *       fetch from the owner (deadline) -- ok --&gt; maybe keep in the hot store --&gt; value
 *         transport failure (refused, reset, timeout) --&gt; count peerErrors, load locally
 *           (or, if the owner was judged down meanwhile, ask its next owner, once)
 *         the owner's loader failed --&gt; pass its error back (do not load here)
 *     local load on the loader executor (deadline) --&gt; main store --&gt; value
 *     a failure, and an expired value within staleIfError --&gt; the stale value (counted)
 * </pre>
 *
 * <p>Fill once: on one node, concurrent misses of a key run one load; across nodes only the owner
 * loads (while membership is stable). A failed, timed-out or abandoned load never wedges its key:
 * the flight is removed before its future completes, and the next get starts a new one. Nothing
 * is cached for a failed load. A caller that cancels its future does not cancel the shared load.
 *
 * <h2>Expiry</h2>
 * Every entry carries the wall-clock time it expires (or none): the group's
 * {@link Builder#expireAfterWrite}, a loader's own {@link LoadedValue}, the ttl of a
 * {@link #set}, or, for a hot copy, the owner's expiry capped at {@link Builder#hotStoreMaxAge}.
 * A hit compares that one field with zero and, only when it is set, with the clock; an expired
 * entry is a miss, counted in {@link GroupStats#expirations()}, and stays in its store (until
 * replaced, removed or evicted) so that {@link Builder#staleIfError} can still serve it while its
 * reload fails.
 *
 * <h2>Writes, and why a removed value never comes back</h2>
 * {@link #remove} drops a key at its owner first, then on this node and every other peer;
 * {@link #set} stores the value at the owner first, then drops the key everywhere else. The owner
 * goes first so that a peer that drops its copy cannot fetch the old value from the owner again.
 * What remains is a load or a fetch that began before the write and ends after it. Its result
 * must not be stored, and a get that starts after the write must not join it. Three rules give
 * that, with no cost on the hit path:
 * <ol>
 *   <li><b>Versioned flights.</b> Each flight is an object. A write, under the key's lock (one of
 *       {@value Flights#LOCK_STRIPES} stripes), changes the stores first, then takes the key's flight out
 *       of the flight table and marks it invalidated.</li>
 *   <li><b>Checked install.</b> A finished load or fetch stores its result under the same lock,
 *       and only if its flight was not invalidated; then it completes its callers. A flight that
 *       registers after the write's store change re-checks the stores and finds the write's
 *       outcome, or loads after the write (so it gets the new value from the owner or the
 *       source); one that registered before is invalidated, whether it had started its load or
 *       not.</li>
 *   <li><b>New gets miss the old flight.</b> Once the write returned, the flight table has no
 *       flight that started before it, so a get either hits what the write left or starts a
 *       flight of its own. Callers that joined the old flight before the write may still get its
 *       (old) value: their get overlapped the write.</li>
 * </ol>
 * Across nodes: a peer's fetch that started before the write is a flight at that peer, and the
 * write reaches the peer (after the owner applied it) before the write returns, so it is
 * invalidated like a local one. A peer that could not be told is named in the {@link WriteResult};
 * a copy it fetched of a key it does not own lives at most {@link Builder#hotStoreMaxAge}, so it
 * converges by itself, and a node of ours is left a hint besides (so is one that keeps a set value
 * of the key, in its main store: one of the key's owners, or the node after them). No tombstones
 * are needed, because nothing that started after a write can see the state from before it.
 *
 * <p>Sets from peers of the other lineages ({@link RingMode#MAILGUN}, {@link RingMode#GROUPCACHE_GO}
 * rings): groupcache-go sends its Set to every peer, so a node that does not own the key keeps the
 * value as a copy (at most {@link Builder#hotStoreMaxAge}, as a fetched one); mailgun sends its Set
 * to the owner alone, so an owner of ours tells every other peer to drop its copy before it answers,
 * as its own {@link #set} would.
 *
 * <h2>Where each part lives</h2>
 * This class is the facade: the public methods, their checks and counters, and the read path
 * down to the key's flight. Behind it, package-private, one class for each part of this comment:
 * {@code Flights}, the flight table and its lock stripes, which keep the three rules above;
 * {@code Loads}, what a flight does after its miss (the owner or the loader, failures,
 * stale-if-error); {@code Leases}, values that callers compute ({@link #getOrLoad}), once across
 * the cluster under a lease from the key's owner; {@code Expiry}, every expiry computed and the
 * hit check; {@code WriteFanOut}, how a write (remove, set, put-if-absent, clear) reaches the
 * owners and then the other peers.
 *
 * <p>Instances are made by {@link GroupCache#newGroup} or {@link GroupCache#groupBuilder}.
 */
public final class Group {
  /** What a get of a key that no caller has computed yet finds in a caller-loaded group. */
  static final String CALLER_LOADED_NOT_FOUND = "no value yet: the values of this group come from its callers (getOrLoad, set)";

  private final String name;
  private final GroupCache cache;
  private final GroupStores stores;
  private final EvictionPolicy policy;
  private final GroupCounters counters = new GroupCounters();
  private final Duration loadTimeout;
  private final int maxKeyBytes;
  private final Clock clock;
  private final Expiry expiry;
  private final Flights flights;
  private final Loads loads;
  private final WriteFanOut writes;
  /** How long a peer's request waits for writes it names that did not reach this node yet. */
  private final long writeWaitNanos;
  /** True while the node is not ready to own keys: the stores are not read (one plain field read on the hit path). */
  private volatile boolean bypass;
  private final boolean callerLoaded;
  private final Leases leases;

  /** Below this budget the compact store holds almost nothing, and a group made with it says so. */
  static final long SMALL_COMPACT_BUDGET = 4096;

  Group(GroupCache cache, Builder b, Executor loaderExecutor, RateLimitedLog peerErrorLog, Clock clock) {
    this.cache = cache;
    this.name = b.name;
    this.policy = b.policy;
    this.stores = GroupStores.of(b.cacheBytes, b.policy);
    if (b.policy == EvictionPolicy.COMPACT && b.cacheBytes > 0 && b.cacheBytes < SMALL_COMPACT_BUDGET) {
      System.getLogger("org.groupcache4j.group").log(System.Logger.Level.WARNING, "group '" + b.name + "': a cache budget of "
          + b.cacheBytes + " bytes holds one entry or none with the compact store, which counts its index and segments in"
          + " the budget (about 1.5 KiB before its first entries): give the group " + SMALL_COMPACT_BUDGET
          + " bytes or more, or evictionPolicy(W_TINY_LFU), which counts key and value bytes only");
    }
    this.loadTimeout = b.loadTimeout;
    Duration peerTimeout = b.peerTimeout != null ? b.peerTimeout : Builder.defaultPeerTimeout(b.loadTimeout);
    this.maxKeyBytes = b.maxKeyBytes;
    this.clock = clock;
    this.expiry = new Expiry(clock, b.expireAfterWrite, b.notFoundTtl, b.staleIfError, b.hotStoreMaxAge);
    this.flights = new Flights(name, stores, clock, peerTimeout);
    this.writeWaitNanos = Math.min(peerTimeout.toNanos() / 4, Duration.ofSeconds(2).toNanos());
    HotKeyAdmission hotAdmission = b.hotStore ? new HotKeyAdmission(1 << 14, b.hotAdmitAfterFetches) : null;
    this.loads = new Loads(name, cache, b.loader, b.asyncLoader, loaderExecutor, loadTimeout, peerTimeout,
        hotAdmission, peerErrorLog, stores, flights, expiry, counters);
    this.writes = new WriteFanOut(name, cache, peerTimeout, flights, counters);
    this.callerLoaded = b.callerLoaded;
    this.leases = new Leases(name, cache, flights, expiry, counters, loadTimeout, peerTimeout, hotAdmission);
    this.loads.restartWith(key -> miss(key, true));
  }

  /** The group's name. */
  public String name() {
    return name;
  }

  /** The byte budget shared by the main and hot store. */
  public long cacheBytes() {
    return stores.budget();
  }

  public EvictionPolicy evictionPolicy() {
    return policy;
  }

  public Duration loadTimeout() {
    return loadTimeout;
  }

  /** The longest a key may be, in UTF-8 bytes. */
  public int maxKeyBytes() {
    return maxKeyBytes;
  }

  /** The default time-to-live of loaded and set values, if any. */
  public java.util.Optional<Duration> expireAfterWrite() {
    return expiry.expireAfterWrite();
  }

  // ---- the read path: stores, then the key's flight (Flights), then the owner or the loader (Loads)

  /**
   * The value of {@code key}, from this node's stores, the owning peer, or the loader. Blocks until
   * the value is there or the load failed; every load ends by the group's deadlines.
   *
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if {@code key} is longer than {@link #maxKeyBytes()}
   * @throws KeyNotFoundException if the loader (here or at the owner) said the key does not exist
   * @throws LoadTimeoutException if the load ran past the load timeout
   * @throws LoadException if the loader threw or returned null (here or at the owner)
   */
  public ByteView get(String key) {
    checkKey(key);
    counters.gets.increment();
    Entry e = null;
    if (!bypass) { // not ready to own keys: what the stores hold may be older than a write this node missed
      ByteView v = stores.getFresh(key, clock);
      if (v != null) {
        counters.cacheHits.increment();
        return v;
      }
      e = stores.peek(key); // a cached "not found", an expired entry, or nothing
    }
    if (e != null && Expiry.fresh(e, clock)) {
      return hit(key, e);
    }
    countExpired(e);
    return valueOf(key, await(miss(key, false)));
  }

  /**
   * Like {@link #get}, without blocking: the future completes with the value or with one of the
   * exceptions {@code get} throws. Cancelling it does not cancel the load other callers share.
   *
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if {@code key} is too long
   */
  public CompletableFuture<ByteView> getAsync(String key) {
    checkKey(key);
    counters.gets.increment();
    Entry e = null;
    if (!bypass) { // not ready to own keys: what the stores hold may be older than a write this node missed
      ByteView v = stores.getFresh(key, clock);
      if (v != null) {
        counters.cacheHits.increment();
        return CompletableFuture.completedFuture(v);
      }
      e = stores.peek(key); // a cached "not found", an expired entry, or nothing
    }
    if (e != null && Expiry.fresh(e, clock)) {
      try {
        return CompletableFuture.completedFuture(hit(key, e));
      } catch (KeyNotFoundException nf) {
        return CompletableFuture.failedFuture(nf);
      }
    }
    countExpired(e);
    return miss(key, false).thenApply(found -> valueOf(key, found));
  }

  /** Serves a request that arrived from a peer: stores or local load, never forwarded (one hop). */
  CompletableFuture<Entry> serveFromPeer(String key) {
    counters.serverRequests.increment();
    checkKey(key);
    if (bypass) { // what this node holds may be older than a write it missed: the asker goes to the next owner
      return CompletableFuture.failedFuture(new NodeNotReadyException(cache.self(), cache.ownershipState()));
    }
    counters.gets.increment();
    Entry e = stores.get(key);
    if (e != null && Expiry.fresh(e, clock)) {
      countHit(e);
      return CompletableFuture.completedFuture(e);
    }
    countExpired(e);
    return miss(key, true).copy();
  }

  /**
   * After a miss: joins the key's flight, or starts one that re-checks the stores, then fetches
   * the key from its owner or loads it here. {@code fromPeer}: a peer asked, so never forwarded.
   */
  private CompletableFuture<Entry> miss(String key, boolean fromPeer) {
    return miss(key, fromPeer, true);
  }

  /**
   * {@link #miss}; {@code mayRetry}: a caller that joins a flight more than half the load timeout
   * after it began, and sees it fail, gets one flight of its own rather than the failure. The
   * failure belongs to a load begun long before this caller asked, often under conditions that
   * have passed (a node that was cut off from its origin and is back: the old load waits out its
   * timeout on a connection the outage broke). The callers that were there from the start get
   * the failure, as before; the late ones share the next flight, so the key is still loaded once
   * at a time.
   */
  private CompletableFuture<Entry> miss(String key, boolean fromPeer, boolean mayRetry) {
    counters.loads.increment();
    Flight flight = new Flight();
    Flight flying = flights.register(key, flight);
    if (flying != null) {
      if (!mayRetry || callerLoaded || System.nanoTime() - flying.startedNanos < loadTimeout.toNanos() / 2) {
        return flying;
      }
      return flying.exceptionallyCompose(err -> Failures.unwrap(err) instanceof KeyNotFoundException
          ? CompletableFuture.failedFuture(err) : miss(key, fromPeer, false));
    }
    counters.loadsDeduped.increment();
    try {
      Entry e = flights.recheck(key); // a write or another flight may have filled the stores since the lookup
      if (e != null) {
        countHit(e);
        flights.land(key, flight, e, null);
        return flight;
      }
      PeerClient owner = fromPeer ? null : cache.ownerClient(key); // one hop: a peer's request is answered here
      if (owner == null && callerLoaded) { // no loader: "not found" until a caller computes it (not kept)
        flights.land(key, flight, Entry.notFound(CALLER_LOADED_NOT_FOUND, expiry.now()), null);
        return flight;
      }
      if (owner != null) {
        loads.fetch(owner, key, flight);
      } else {
        loads.loadHere(key, flight);
      }
    } catch (Throwable t) {
      flights.land(key, flight, null, t instanceof GroupCacheException ? t : LoadException.loaderFailed(name, key, t));
    }
    return flight;
  }

  // ---- caller-loaded values (Leases)

  /** Whether the values of this group come from its callers ({@link Builder#callerLoaded}) rather than a loader. */
  public boolean isCallerLoaded() {
    return callerLoaded;
  }

  /**
   * The value of {@code key}; if no node has it, computed by {@code loader} once across the
   * cluster. In a {@linkplain Builder#callerLoaded caller-loaded} group the first caller anywhere
   * gets a lease from the key's owner and runs its {@code loader} on its own thread; every other
   * caller, on any node, waits for that value (and does not run its loader). If the holder's
   * loader throws, every caller waiting gets the failure (this caller what its loader threw, the
   * others a {@link LoadException} that says it), nothing is cached, and the next call computes
   * again. A holder that does not finish within the load timeout (it hangs, or its node died)
   * loses the lease to the next caller waiting. When the owner cannot be reached, the caller
   * computes the value here. A group with a loader loads at the key's owner as {@link #get}
   * does, and {@code loader} is not called.
   *
   * @throws NullPointerException if {@code key} or {@code loader} is null
   * @throws IllegalArgumentException if {@code key} is longer than {@link #maxKeyBytes()}
   * @throws LoadException if the caller holding the lease failed (for the holder's own callers:
   *     whatever its loader threw, as a {@link RuntimeException} or wrapped in a {@link CompletionException})
   * @throws LoadTimeoutException if the value did not come within the lease's deadline and no one took over
   */
  public ByteView getOrLoad(String key, java.util.concurrent.Callable<ByteView> loader) {
    Objects.requireNonNull(loader, "loader");
    checkKey(key);
    if (!callerLoaded) {
      return get(key);
    }
    counters.gets.increment();
    Entry e = stores.get(key);
    if (e != null && e.value != null && Expiry.fresh(e, clock)) {
      return hit(key, e);
    }
    countExpired(e);
    counters.loads.increment();
    return leases.getOrLoad(key, loader);
  }

  /**
   * {@link #getOrLoad} without blocking: {@code loader} is started (on the thread that learns this
   * caller holds the lease) only when no node has the value; the future completes with the value
   * or with one of the exceptions {@code getOrLoad} throws.
   */
  public CompletableFuture<ByteView> getOrLoadAsync(String key, java.util.function.Supplier<CompletableFuture<ByteView>> loader) {
    Objects.requireNonNull(loader, "loader");
    checkKey(key);
    if (!callerLoaded) {
      return getAsync(key);
    }
    counters.gets.increment();
    Entry e = stores.get(key);
    if (e != null && e.value != null && Expiry.fresh(e, clock)) {
      return CompletableFuture.completedFuture(hit(key, e));
    }
    countExpired(e);
    counters.loads.increment();
    return leases.getOrLoadAsync(key, loader);
  }

  /** A peer asks for {@code key} and offers to compute it: the owner's answer (see {@link Leases}). */
  CompletableFuture<org.groupcache4j.peer.LeaseAnswer> leaseFromPeer(String key, String asker, Duration wait) {
    counters.serverRequests.increment();
    checkKey(key);
    if (!callerLoaded) { // a group with a loader answers as a get does: loaded here
      return serveFromPeer(key).thenApply(en -> org.groupcache4j.peer.LeaseAnswer.value(toPeerValue(en)));
    }
    counters.gets.increment();
    Duration w = wait == null || wait.isNegative() || wait.compareTo(leases.pollTime()) > 0 ? leases.pollTime() : wait;
    return leases.ask(key, asker, w);
  }

  /** The holder of a lease completes it: see {@link org.groupcache4j.peer.PeerClient#completeLease}. */
  boolean completeLeaseFromPeer(String key, String leaseId, ByteView value, long expireUnixNanos, String failure) {
    checkKey(key);
    Throwable f = value != null ? null : new LoadException(name, key, null, failure == null ? "failed" : failure, null);
    return leases.complete(key, leaseId, value, Expiry.fromUnixNanos(expireUnixNanos), f);
  }

  private void checkKey(String key) {
    if (key == null) {
      throw new NullPointerException("key must not be null (group '" + name + "')");
    }
    // A char is at most 3 UTF-8 bytes, so short keys need no count.
    if (key.length() * 3L > maxKeyBytes) {
      int n = Utf8.encodedLength(key);
      if (n > maxKeyBytes) {
        throw new IllegalArgumentException("key of " + n + " UTF-8 bytes is longer than the limit of "
            + maxKeyBytes + " bytes of group '" + name + "' (key starts '"
            + Text.quotable(key.substring(0, Math.min(40, key.length())))
            + "'); use a shorter key, e.g. a hash of it, or raise maxKeyBytes");
      }
    }
  }

  /** A fresh entry found in the stores: its value, or the cached "not found". */
  private ByteView hit(String key, Entry e) {
    countHit(e);
    return valueOf(key, e);
  }

  private void countHit(Entry e) {
    if (e.value != null) {
      counters.cacheHits.increment();
    } else {
      counters.notFoundHits.increment();
    }
  }

  /**
   * On the miss branch of a read: {@code e} is what the stores held, so if it is not null it was
   * expired, and the get reloads it instead of serving it (counted in {@link GroupStats#expirations()}).
   */
  private void countExpired(Entry e) {
    if (e != null) {
      counters.expirations.increment();
    }
  }

  private ByteView valueOf(String key, Entry e) {
    if (e.value != null) {
      return e.value;
    }
    throw new KeyNotFoundException(name, key, e instanceof Loads.RemoteNotFound r ? r.owner : null, e.notFoundDetail);
  }

  // ---- writes (WriteFanOut)

  /**
   * Removes {@code key} from the cluster: its owner drops it first, then this node and every other
   * peer drop their copies; a load or fetch of it under way anywhere that was told no longer
   * stores its result, and a get that starts after this returns loads it anew. Blocks until every
   * peer was told or timed out (the group's peer timeout).
   *
   * @return the peers told and not told
   * @throws WriteException if the owner could not be told (the key was still dropped everywhere else it could be)
   * @throws IllegalArgumentException if {@code key} is too long
   */
  public WriteResult remove(String key) {
    return await(removeAsync(key));
  }

  /** {@link #remove} without blocking; the future fails with {@link WriteException} as {@code remove} throws it. */
  public CompletableFuture<WriteResult> removeAsync(String key) {
    return removeAllAsync(List.of(key));
  }

  /**
   * {@link #remove} of several keys: each owner is sent its keys in one request, then every peer
   * is sent the keys it does not own.
   *
   * @throws WriteException if an owner could not be told
   */
  public WriteResult removeAll(Collection<String> keys) {
    return await(removeAllAsync(keys));
  }

  /** {@link #removeAll} without blocking. */
  public CompletableFuture<WriteResult> removeAllAsync(Collection<String> keys) {
    List<String> list = List.copyOf(new LinkedHashSet<>(keys));
    list.forEach(this::checkKey);
    return writes.remove(list);
  }

  /**
   * Stores {@code value} under {@code key} at its owner, with the group's
   * {@link Builder#expireAfterWrite} (if any), then drops every other copy in the cluster; a load
   * of the key in flight at the owner no longer stores its result.
   *
   * @throws WriteException if the owner could not be told (nothing was stored)
   * @throws IllegalArgumentException if {@code key} is too long
   */
  public WriteResult set(String key, ByteView value) {
    return await(setAsync(key, value, null));
  }

  /** {@link #set(String, ByteView)} with its own time-to-live (positive). */
  public WriteResult set(String key, ByteView value, Duration ttl) {
    return await(setAsync(key, value, positive(ttl, "ttl")));
  }

  /** {@link #set} without blocking; {@code ttl} null means the group's default. */
  public CompletableFuture<WriteResult> setAsync(String key, ByteView value, Duration ttl) {
    checkKey(key);
    Objects.requireNonNull(value, "value");
    return writes.set(key, Entry.of(value, expiry.ofSet(ttl)));
  }

  // ---- ownership changes

  /** The node learned it was away: every flight begun before is left to its callers ({@link Flights#abandonAll}). */
  int abandonFlights() {
    return flights.abandonAll();
  }

  /** Whether the node serves from this group's stores and stores results (else it bypasses them: not ready). */
  void serving(boolean serving) {
    flights.storing(serving);
    bypass = !serving;
  }

  /**
   * Completes once this node applied the writes {@code after} to {@code key} (a peer applied them
   * and now asks for the key), or after a quarter of the peer timeout (at most 2 s): at once for
   * requests that name none.
   */
  CompletableFuture<Void> afterWrites(String key, long[] after) {
    return afterWrites(key, after, writeWaitNanos);
  }

  /**
   * {@link #afterWrites(String, long[])} with at most {@code boundNanos} of waiting (a peek's asker
   * gives up sooner than a fetch's). Writes waited out are not waited for again
   * ({@link org.groupcache4j.internal.RecentWrites#waitedOut}).
   */
  CompletableFuture<Void> afterWrites(String key, long[] after, long boundNanos) {
    if (after == null || after.length == 0) {
      return CompletableFuture.completedFuture(null);
    }
    checkKey(key);
    CompletableFuture<Void> applied = flights.recentWrites.await(key, after);
    if (applied.isDone()) {
      return applied;
    }
    counters.waitsForWrites.increment();
    return Timeouts.orTimeout(applied.copy(), Math.min(boundNanos, writeWaitNanos)).handle((x, err) -> {
      if (err != null) {
        counters.writeWaitTimeouts.increment();
        flights.recentWrites.waitedOut(key, after);
      }
      return null;
    });
  }

  /** A peer's peek: the fresh entry in the stores (main, then hot), loading nothing; empty if none, or if the node is not ready. */
  java.util.Optional<PeerValue> peekHere(String key) {
    checkKey(key);
    Entry e = bypass ? null : stores.get(key);
    if (e == null || !Expiry.fresh(e, clock)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(toPeerValue(e));
  }

  /** Drops every entry here and invalidates every flight (a coarse drop); returns how many entries there were. */
  long dropAllHere() {
    long n = flights.dropAll();
    counters.coarseDrops.increment();
    return n;
  }

  /**
   * Drops every entry of the group on every node (this one and every peer); a load or fetch in
   * flight anywhere that was told does not store its result afterwards, so nothing read before the
   * clear comes back. Blocks until every peer was told or timed out.
   *
   * @return the peers told and not told (a peer not told keeps what it holds of keys it owns until
   *     they expire or are removed; its copies of other keys live at most the hot store's max age)
   */
  public WriteResult clear() {
    return await(clearAsync());
  }

  /** {@link #clear} without blocking. */
  public CompletableFuture<WriteResult> clearAsync() {
    return writes.clear();
  }

  /**
   * Stores {@code value} under {@code key} unless the key has a value, decided at the key's owner:
   * returns {@code null} when it stored the value (every other copy is then dropped, as by
   * {@link #set}), else the value the owner holds.
   *
   * @throws WriteException if the owner could not be told (nothing was stored)
   * @throws IllegalArgumentException if {@code key} is too long
   */
  public ByteView putIfAbsent(String key, ByteView value) {
    return await(putIfAbsentAsync(key, value));
  }

  /** {@link #putIfAbsent} without blocking. */
  public CompletableFuture<ByteView> putIfAbsentAsync(String key, ByteView value) {
    checkKey(key);
    Objects.requireNonNull(value, "value");
    return writes.putIfAbsent(key, Entry.of(value, expiry.ofSet(null)));
  }

  /** A snapshot of the counters and store sizes. */
  public GroupStats stats() {
    return counters.snapshot(stores.main().stats(), stores.hot().stats());
  }

  // ---- writes from peers, applied here alone

  /** A peer's remove: drop the key here (main and hot store) and invalidate its flight. */
  void removeFromPeer(String key, long write) {
    checkKey(key);
    writes.removeHere(key, write);
  }

  /**
   * A peer's set. A node of ours ({@code write} not 0) sends its set only to the nodes it chose to
   * keep the value (the key's owners in its view, and the next nodes on the ring when fewer took
   * it): stored here in the main store, as the key's owner would, whatever this node's own view of
   * who owns the key; a copy would live only {@link Builder#hotStoreMaxAge}, and the value must
   * outlive the owner's death however long after the set. (A later write that misses this node
   * leaves it a hint, as it would an owner.) From a node of another lineage: stored as the owner's
   * when this node owns the key (on its ring of the peers that answer); otherwise kept as a copy,
   * in the hot store for at most {@link Builder#hotStoreMaxAge}, like a value fetched from the
   * owner. groupcache-go sends its Set to every peer, and a copy of a key this node does not own
   * must converge by itself if a later write misses this node.
   *
   * @return whether it was stored as the owner's
   */
  boolean setFromPeer(String key, ByteView value, long expireUnixNanos, long write) {
    checkKey(key);
    Objects.requireNonNull(value, "value");
    if (write != 0 && !flights.isStoring()) {
      // A node of ours sent the set here as to the key's owner, but this node keeps nothing while
      // it catches up: refused (503, with this node's state), so the writer sends it to the key's
      // owner without this node rather than count it as kept here.
      throw new NodeNotReadyException(cache.self(), cache.ownershipState());
    }
    long expireAt = Expiry.fromUnixNanos(expireUnixNanos);
    if (write != 0 || cache.ownerOf(key).equals(cache.self())) {
      writes.setHere(key, Entry.of(value, expireAt), write);
      return true;
    }
    writes.copyHere(key, Entry.of(value, expiry.ofCopy(expireAt, expiry.now())), write);
    return false;
  }

  /**
   * A set sent by a node that is not one of ours. mailgun/groupcache v2's {@code Set} tells the
   * owner alone and leaves every other node's copy stale; when this node is the owner in a
   * {@link RingMode#MAILGUN} ring it completes the write as its own {@link #set} would: the other
   * peers drop their copies before the answer (those not told are logged). groupcache-go v3 sends
   * its Set to every peer itself, so there, as anywhere else, it is {@link #setFromPeer}.
   */
  CompletableFuture<Void> setFromOtherLineage(String key, ByteView value, long expireUnixNanos) {
    boolean owner = setFromPeer(key, value, expireUnixNanos, 0);
    if (!owner || cache.ring().mode() != RingMode.MAILGUN) {
      return CompletableFuture.completedFuture(null);
    }
    return writes.dropCopies(key);
  }

  /**
   * A remove of {@code keys} sent by a node that is not one of ours. groupcache-go v3's
   * {@code RemoveKeys} sends each owner only its own keys (and every other peer all of them), so
   * the copies its owners hold of the other keys stay, and a new owner of ours that asks them for a
   * key it just dropped would find the old value: in a {@link RingMode#GROUPCACHE_GO} ring, this
   * node completes the remove of the keys it owns as its own remove would, telling every other
   * peer to drop its copy.
   */
  CompletableFuture<Void> removeAllFromOtherLineage(List<String> keys) {
    List<String> owned = new ArrayList<>();
    for (String k : keys) {
      removeFromPeer(k, 0);
      if (cache.ownerOf(k).equals(cache.self())) {
        owned.add(k);
      }
    }
    if (owned.isEmpty() || cache.ring().mode() != RingMode.GROUPCACHE_GO) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.allOf(owned.stream().map(writes::dropCopies).toArray(CompletableFuture<?>[]::new));
  }

  // ---- a departing peer's handoff (Handoff)

  /** The main store's entries, most valuable first by the policy: what this node hands over when it leaves. */
  List<java.util.Map.Entry<String, Entry>> mainStoreHottest() {
    return stores.main().hottest(Integer.MAX_VALUE);
  }

  /**
   * The keys {@code owned} selects that this node holds only as copies made lately
   * ({@link Expiry#copiedLately}; none in the main store), the most valuable first, at most
   * {@code limit}: what callers asked this node for lately of a peer's keys.
   */
  List<String> copiedLately(java.util.function.Predicate<String> owned, int limit) {
    long now = expiry.now();
    List<String> out = new ArrayList<>();
    for (java.util.Map.Entry<String, Entry> e : stores.hot().hottest(Integer.MAX_VALUE)) {
      if (out.size() >= limit) {
        break;
      }
      String key = e.getKey();
      if (owned.test(key) && expiry.copiedLately(e.getValue(), now) && stores.main().peek(key) == null) {
        out.add(key);
      }
    }
    return out;
  }

  /** Whether a load of {@code key} ahead would be wasted: the main store holds it, or a flight of it is under way. */
  boolean holdsOrLoads(String key) {
    return flights.heldOrFlying(key);
  }

  /** Whether {@code key} is longer than this group's keys may be (see {@link #checkKey}): a peer's, never stored here. */
  private boolean tooLong(String key) {
    return key.length() * 3L > maxKeyBytes && Utf8.encodedLength(key) > maxKeyBytes;
  }

  /**
   * Loads {@code key} ahead, for a node that takes its keys back ({@link Handoff}) since the
   * take-back began at {@code windowStartNanos}: in a flight of its own, which a peer's fetch of
   * the key joins ({@link Flights#registerAhead}, {@link Loads#loadAhead}). Completes with whether
   * the loaded entry was kept (no write invalidated the flight); at once with false if the key is
   * not loaded (held here, flying, or written since the take-back began), or the group has no loader.
   */
  CompletableFuture<Boolean> loadAhead(String key, long windowStartNanos) {
    Flights.Flight flight = new Flights.Flight();
    if (callerLoaded || tooLong(key) || !flights.registerAhead(key, flight, windowStartNanos)) {
      return CompletableFuture.completedFuture(false);
    }
    loads.loadAhead(key, flight);
    return flight.handle((e, err) -> err == null && e != null && !flight.invalidated && Expiry.kept(e, clock.millis()));
  }

  /** Whether the main store holds nothing. */
  boolean mainStoreEmpty() {
    return stores.main().items() == 0;
  }

  /** Whether {@code e} may be served now (not expired). */
  boolean fresh(Entry e) {
    return Expiry.fresh(e, clock);
  }

  /** A handed-off entry: kept only if nothing newer can be known here ({@link Flights#installHandedOff}). */
  boolean installHandedOff(String key, Entry e, long windowStartNanos) {
    return !tooLong(key) && Expiry.kept(e, clock.millis()) && flights.installHandedOff(key, e, windowStartNanos);
  }

  /** Records the writes applied here until {@code untilNanos}: a departing peer's window opened. */
  void openWriteLog(long untilNanos) {
    flights.written.openUntil(untilNanos);
  }

  /** A peer's clear: drop every entry here and invalidate every flight. */
  void clearFromPeer() {
    writes.clearHere();
  }

  /** A peer's put-if-absent, decided here as the key's owner: null when stored, else the value held. */
  PeerValue putIfAbsentFromPeer(String key, ByteView value, long expireUnixNanos) {
    checkKey(key);
    Objects.requireNonNull(value, "value");
    Entry held = writes.putIfAbsentHere(key, Entry.of(value, Expiry.fromUnixNanos(expireUnixNanos)));
    return held == null ? null : toPeerValue(held);
  }

  /** The wire's form of an entry: expiry as Unix nanoseconds. */
  static PeerValue toPeerValue(Entry e) {
    long exp = Expiry.toUnixNanos(e.expireAt);
    if (e.value != null) {
      return PeerValue.of(e.value, exp);
    }
    return PeerValue.notFound(e.notFoundDetail, exp);
  }

  static <T> T await(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException | CancellationException e) {
      Throwable c = Failures.unwrap(e);
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error er) {
        throw er;
      }
      throw new CompletionException(c);
    }
  }

  private static Duration positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, was " + d);
    }
    return d;
  }

  @Override
  public String toString() {
    return "Group[" + name + ", " + stores.budget() + " bytes, " + policy + "]";
  }

  /**
   * Configures a new group; {@link #build()} registers it with its {@link GroupCache}.
   * Defaults: 64 MiB, {@link EvictionPolicy#COMPACT}, load timeout 10 s, peer timeout = load
   * timeout + 1 s, keys up to 4096 UTF-8 bytes, hot store on (a key is kept on its 2nd fetch, for
   * at most 30 s), no expiry, not-found answers not cached, no stale-if-error.
   */
  public static final class Builder {
    /** Default {@link #cacheBytes}: 64 MiB. */
    public static final long DEFAULT_CACHE_BYTES = 64L << 20;
    /**
     * Default {@link #evictionPolicy}: the compact store (W-TinyLFU over large byte arrays: about
     * a quarter of the heap per small entry and a handful of objects however many entries; its hit
     * path and its cluster throughput are measured beside W-TinyLFU's in {@code BENCHMARKS.md}). The
     * server's and the Spring starter's defaults follow it.
     */
    public static final EvictionPolicy DEFAULT_EVICTION_POLICY = EvictionPolicy.COMPACT;
    /** Default {@link #loadTimeout}. */
    public static final Duration DEFAULT_LOAD_TIMEOUT = Duration.ofSeconds(10);
    /** How much longer than the load timeout the default {@link #peerTimeout} is (see {@link #defaultPeerTimeout}). */
    public static final Duration PEER_TIMEOUT_MARGIN = Duration.ofSeconds(1);
    /** Default {@link #hotStore}: on. */
    public static final boolean DEFAULT_HOT_STORE = true;
    /** Default longest key, in UTF-8 bytes. */
    public static final int DEFAULT_MAX_KEY_BYTES = 4096;
    /** Default {@link #hotStoreMaxAge}. */
    public static final Duration DEFAULT_HOT_STORE_MAX_AGE = Duration.ofSeconds(30);

    /**
     * The peer timeout of a group whose {@link #peerTimeout} is not set: its load timeout +
     * {@link #PEER_TIMEOUT_MARGIN}, so that an owner that is loading the key has the time to
     * answer before this node gives up on it and loads the key itself.
     */
    public static Duration defaultPeerTimeout(Duration loadTimeout) {
      return loadTimeout.plus(PEER_TIMEOUT_MARGIN);
    }

    private final GroupCache cache;
    private final String name;
    private long cacheBytes = DEFAULT_CACHE_BYTES;
    private ExpiringLoader loader;
    private AsyncExpiringLoader asyncLoader;
    private boolean callerLoaded;
    private EvictionPolicy policy = DEFAULT_EVICTION_POLICY;
    private Duration loadTimeout = DEFAULT_LOAD_TIMEOUT;
    private Duration peerTimeout;
    private int maxKeyBytes = DEFAULT_MAX_KEY_BYTES;
    private boolean hotStore = DEFAULT_HOT_STORE;
    private int hotAdmitAfterFetches = 2;
    private Duration expireAfterWrite;
    private Duration notFoundTtl;
    private Duration staleIfError;
    private Duration hotStoreMaxAge = DEFAULT_HOT_STORE_MAX_AGE;

    Builder(GroupCache cache, String name) {
      this.cache = cache;
      this.name = Objects.requireNonNull(name, "group name must not be null");
    }

    /** The byte budget of the main and hot store together; 0 disables caching. */
    public Builder cacheBytes(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("cacheBytes of group '" + name + "' must be >= 0, was " + bytes);
      }
      this.cacheBytes = bytes;
      return this;
    }

    /** The blocking loader; it runs on the cache's loader executor. */
    public Builder loader(Loader loader) {
      Objects.requireNonNull(loader, "loader of group '" + name + "' must not be null");
      return expiringLoader(key -> {
        byte[] b = loader.load(key);
        return b == null ? null : LoadedValue.of(b);
      });
    }

    /** A blocking loader that gives each value its expiry, instead of {@link #loader}. */
    public Builder expiringLoader(ExpiringLoader loader) {
      this.loader = Objects.requireNonNull(loader, "loader of group '" + name + "' must not be null");
      this.asyncLoader = null;
      this.callerLoaded = false;
      return this;
    }

    /** A non-blocking loader, instead of {@link #loader}; it runs on the thread that missed. */
    public Builder asyncLoader(AsyncLoader loader) {
      Objects.requireNonNull(loader, "asyncLoader of group '" + name + "' must not be null");
      return asyncExpiringLoader(key -> {
        CompletableFuture<byte[]> f = loader.loadAsync(key);
        if (f == null) {
          return null;
        }
        CompletableFuture<LoadedValue> r = f.thenApply(b -> b == null ? null : LoadedValue.of(b));
        r.whenComplete((v, e) -> {
          if (r.isCancelled()) {
            f.cancel(true); // the group cancels a load past its deadline: pass that on to the source
          }
        });
        return r;
      });
    }

    /** A non-blocking loader that gives each value its expiry, instead of {@link #loader}. */
    public Builder asyncExpiringLoader(AsyncExpiringLoader loader) {
      this.asyncLoader = Objects.requireNonNull(loader, "asyncLoader of group '" + name + "' must not be null");
      this.loader = null;
      this.callerLoaded = false;
      return this;
    }

    /** How the group's stores hold entries and choose what to drop; see {@link EvictionPolicy} for which to pick. */
    public Builder evictionPolicy(EvictionPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "evictionPolicy");
      return this;
    }

    /** How long a local load may run before it fails with {@link LoadTimeoutException}. */
    public Builder loadTimeout(Duration timeout) {
      this.loadTimeout = positive(timeout, "loadTimeout");
      return this;
    }

    /**
     * How long a fetch from the owning peer, or a write to a peer, may take (then: load here, or
     * "not told"); default {@link #defaultPeerTimeout} of the load timeout.
     */
    public Builder peerTimeout(Duration timeout) {
      this.peerTimeout = positive(timeout, "peerTimeout");
      return this;
    }

    /** The longest key accepted, in UTF-8 bytes. */
    public Builder maxKeyBytes(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxKeyBytes must be >= 1, was " + bytes);
      }
      this.maxKeyBytes = bytes;
      return this;
    }

    /** Whether values fetched from their owner may be kept here (default true). */
    public Builder hotStore(boolean enabled) {
      this.hotStore = enabled;
      return this;
    }

    /** How many recent fetches of a key from its owner keep its value in the hot store (1..15, default 2). */
    public Builder hotStoreAdmitAfter(int fetches) {
      if (fetches < 1 || fetches > 15) {
        throw new IllegalArgumentException("hotStoreAdmitAfter must be 1..15, was " + fetches);
      }
      this.hotAdmitAfterFetches = fetches;
      return this;
    }

    /**
     * The longest a copy of a key this node does not own lives here (a hot copy, or a value loaded
     * here because the owner was unreachable), whatever the owner's expiry: the bound on how long
     * a node that missed a remove or set serves the old value. Default 30 s: a hot key is then
     * fetched from its owner at most about once per 30 s per node (a cheap hit there, against the
     * thousands of reads a second the copy absorbs), and a missed write heals within half a
     * minute, the order of a typical HTTP cache lifetime. golang/groupcache has no such bound.
     */
    public Builder hotStoreMaxAge(Duration maxAge) {
      this.hotStoreMaxAge = positive(maxAge, "hotStoreMaxAge");
      return this;
    }

    /**
     * The time-to-live of loaded values (unless the loader gives its own, see
     * {@link ExpiringLoader}) and of {@link Group#set} values without a ttl. Default: none.
     */
    public Builder expireAfterWrite(Duration ttl) {
      this.expireAfterWrite = positive(ttl, "expireAfterWrite");
      return this;
    }

    /**
     * Caches "not found" answers for {@code ttl}, counted as {@link GroupStats#notFoundHits()},
     * dropped by {@link Group#remove} like values, and handed to the peers that ask, which keep
     * them as they keep hot values. Default: off, because a cached "not found" hides a key that
     * is created at the source meanwhile, which nothing tells the cache about; turn it on where
     * misses for absent keys are frequent (a few seconds already spares the source).
     */
    public Builder notFoundTtl(Duration ttl) {
      this.notFoundTtl = positive(ttl, "notFoundTtl");
      return this;
    }

    /**
     * Stale-if-error (RFC 5861): while the reload of an expired value fails (the loader threw or
     * timed out, here or at the owner), serve the expired value for up to {@code window} after it
     * expired, counted as {@link GroupStats#staleHits()}. A not-found answer is not an error.
     * Default: off.
     */
    public Builder staleIfError(Duration window) {
      this.staleIfError = positive(window, "staleIfError");
      return this;
    }

    /**
     * The group has no loader: its values come from its callers, computed once across the cluster
     * by {@link Group#getOrLoad} (under a lease from each key's owner) or stored by
     * {@link Group#set}; a {@link Group#get} of a key no caller has computed is "not found".
     * Instead of {@link #loader} and {@link #asyncLoader}.
     */
    public Builder callerLoaded() {
      this.callerLoaded = true;
      this.loader = null;
      this.asyncLoader = null;
      return this;
    }

    /**
     * Creates the group.
     *
     * @throws IllegalStateException if no loader was set (nor {@link #callerLoaded}), or the cache
     *     has a group of this name
     * @throws IllegalArgumentException if {@link #cacheBytes} is more than this JVM's whole heap
     */
    public Group build() {
      if (loader == null && asyncLoader == null && !callerLoaded) {
        throw new IllegalStateException("group '" + name + "' has no loader: call loader(...) or asyncLoader(...) "
            + "(or callerLoaded() for values that callers compute) before build()");
      }
      long heap = Runtime.getRuntime().maxMemory();
      if (heap != Long.MAX_VALUE && cacheBytes > heap) {
        throw new IllegalArgumentException("cacheBytes of group '" + name + "' is " + cacheBytes
            + " bytes, more than this JVM's whole heap (" + heap + " bytes, -Xmx), so it could never be held:"
            + " lower it or give the JVM more heap");
      }
      return cache.register(this);
    }

    String name() {
      return name;
    }
  }
}
