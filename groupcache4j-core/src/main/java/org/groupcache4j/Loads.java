package org.groupcache4j;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import org.groupcache4j.Flights.Flight;
import org.groupcache4j.internal.Entry;
import org.groupcache4j.internal.Failures;
import org.groupcache4j.internal.GroupCounters;
import org.groupcache4j.internal.GroupStores;
import org.groupcache4j.internal.HotKeyAdmission;
import org.groupcache4j.internal.RateLimitedLog;
import org.groupcache4j.internal.Text;
import org.groupcache4j.internal.Timeouts;
import org.groupcache4j.peer.PeerClient;
import org.groupcache4j.peer.PeerValue;

/**
 * What a flight does once it has missed the stores: the lower half of the read path drawn in
 * {@link Group}'s class comment. Either it fetches the key from its owner ({@link #fetch}: the
 * peer timeout; a transport failure is counted, logged once per peer and interval, reported to
 * the failure detector, and sends the key to its next owner once or loads it here; the owner's
 * loader failing is passed back, never loaded again here; a fetched value may be admitted to the
 * hot store), or it loads the key with this node's loader ({@link #loadHere}: a blocking loader
 * on the loader executor or an asynchronous one on the calling thread, the load timeout, and
 * cancellation of a load past it). A failure ends the flight, or serves the expired value under
 * stale-if-error. Every result is stored through {@link Flights#install} and ends the flight
 * through {@link Flights#land}, so a write during the load wins over it.
 *
 * <p>A node that owns the key and misses it asks, for a grace period after its live ring changed,
 * the key's previous owner and the nodes that keep a set value of it ({@link #loadHere}: a peek,
 * which loads nothing, in parallel, the first entry found wins) before it loads the key: how a
 * restarted node takes its keys back warm, and how a value set while the owner was away reaches
 * it. What it finds is installed as the owner's entry through the flight, so a write meanwhile
 * wins over it, as over any load.
 */
final class Loads {
  private final String group;
  private final GroupCache cache;
  private final ExpiringLoader loader; // null when asyncLoader is set
  private final AsyncExpiringLoader asyncLoader;
  private final Executor loaderExecutor;
  private final Duration loadTimeout;
  private final Duration peerTimeout;
  private final HotKeyAdmission hotAdmission; // null: hot store off
  private final RateLimitedLog peerErrorLog;
  private final GroupStores stores;
  private final Flights flights;
  private final Expiry expiry;
  private final GroupCounters counters;

  /**
   * Whether {@code flight} was handed over to the key's current flight: when a write invalidated it
   * before its load began, its result would not be kept and the key's next flight would load it
   * again; its callers get what the current flight gets instead, and nothing is loaded for it. An
   * abandoned flight ({@code Flights.abandonAll}) is never handed over: it goes on for its callers.
   */
  private boolean handedOver(String key, Flight flight) {
    if (!flight.supersededByAWrite() || restart == null) {
      return false;
    }
    CompletableFuture<Entry> current;
    try {
      current = restart.apply(key);
    } catch (Throwable t) {
      current = CompletableFuture.failedFuture(t);
    }
    current.whenComplete((e, err) -> flights.land(key, flight, e, err == null ? null : Failures.unwrap(err)));
    return true;
  }

  /** A queued load whose flight a write invalidated before it ran: handed over instead ({@link #handedOver}). */
  private static final class Superseded extends RuntimeException {
    Superseded() {
      super(null, null, false, false);
    }
  }

  /** Joins or starts the key's current flight (as a peer's request would): for a flight a write invalidated before it loaded. */
  private java.util.function.Function<String, CompletableFuture<Entry>> restart;

  void restartWith(java.util.function.Function<String, CompletableFuture<Entry>> restart) {
    this.restart = restart;
  }

  /** A not-found answer that came from the owner: callers learn who said it. */
  static final class RemoteNotFound extends Entry {
    final String owner;

    RemoteNotFound(String detail, long expireAt, String owner) {
      super(null, expireAt, detail);
      this.owner = owner;
    }
  }

  Loads(String group, GroupCache cache, ExpiringLoader loader, AsyncExpiringLoader asyncLoader, Executor loaderExecutor,
      Duration loadTimeout, Duration peerTimeout, HotKeyAdmission hotAdmission, RateLimitedLog peerErrorLog,
      GroupStores stores, Flights flights, Expiry expiry, GroupCounters counters) {
    this.group = group;
    this.cache = cache;
    this.loader = loader;
    this.asyncLoader = asyncLoader;
    this.loaderExecutor = loaderExecutor;
    this.loadTimeout = loadTimeout;
    this.peerTimeout = peerTimeout;
    this.hotAdmission = hotAdmission;
    this.peerErrorLog = peerErrorLog;
    this.stores = stores;
    this.flights = flights;
    this.expiry = expiry;
    this.counters = counters;
  }

  /** Fetches {@code key} from its owner {@code owner} for {@code flight}, and lands the flight. */
  void fetch(PeerClient owner, String key, Flight flight) {
    fetch(owner, key, flight, false);
  }

  /**
   * Gets {@code key}, which this node owns, for {@code flight}, and lands the flight: from the
   * nodes that held it before ownership moved (within the grace period), else with this node's
   * loader.
   */
  void loadHere(String key, Flight flight) {
    List<PeerClient> holders = cache.previousHolders(group, key);
    if (holders.isEmpty()) {
      load(key, flight, false);
    } else {
      askPreviousHolders(holders, key, flight);
    }
  }

  /** Peeks {@code holders} for {@code key} at once; the first entry found is installed, else the key is loaded here. */
  private void askPreviousHolders(List<PeerClient> holders, String key, Flight flight) {
    AtomicInteger left = new AtomicInteger(holders.size());
    AtomicBoolean settled = new AtomicBoolean();
    long timeout = cache.peekTimeout().toNanos();
    for (PeerClient h : holders) {
      CompletableFuture<Optional<PeerValue>> peek;
      try {
        peek = h.peek(group, key, flights.recentWrites.ids(key));
      } catch (RuntimeException e) {
        peek = CompletableFuture.failedFuture(e);
      }
      Timeouts.orTimeout(peek, timeout).whenComplete((found, err) -> {
        if (err != null && Failures.unwrap(err) instanceof TimeoutException) {
          cache.peekTimedOut(h.url());
        }
        if (err == null && found != null && found.isPresent()) {
          if (settled.compareAndSet(false, true)) {
            Entry got = null;
            try {
              counters.foundAtPreviousOwner.increment();
              PeerValue pv = found.get();
              long expireAt = Expiry.fromUnixNanos(pv.expireUnixNanos());
              got = pv.found() ? Entry.of(pv.value(), expireAt) : Entry.notFound(pv.notFoundDetail(), expireAt);
              if (Expiry.kept(got, expiry.now())) {
                flights.install(key, flight, got, false);
              }
              flights.land(key, flight, got, null);
            } catch (Throwable t) {
              flights.landIfFlying(key, flight, got, t);
            }
          }
          return;
        }
        if (left.decrementAndGet() == 0 && settled.compareAndSet(false, true)) {
          counters.notFoundAtPreviousOwner.increment();
          load(key, flight, false);
        }
      });
    }
  }

  /**
   * Fetches {@code key} from {@code owner}. A transport failure makes the cache check on the owner;
   * if the owner was judged down meanwhile (its waiting fetches are released at once), the key is
   * asked of its next owner on the ring without it, once ({@code rerouted}), so that the nodes
   * still load it once; otherwise, or if this node is the next owner, it is loaded here.
   */
  private void fetch(PeerClient owner, String key, Flight flight, boolean rerouted) {
    CompletableFuture<PeerValue> fetch;
    long start = System.nanoTime();
    try {
      long[] ids = flights.recentWrites.ids(key);
      fetch = owner.fetch(group, key, ids);
    } catch (RuntimeException e) {
      fetch = CompletableFuture.failedFuture(e);
    }
    Timeouts.orTimeout(fetch, peerTimeout.toNanos()).whenComplete((pv, err) -> {
      cache.observer().fetched(group, key, owner.url(), System.nanoTime() - start, Failures.unwrap(err));
      Entry got = null;
      try {
        if (err == null && pv != null) {
          counters.peerLoads.increment();
          long now = expiry.now();
          got = pv.found() ? Entry.of(pv.value(), expiry.ofOwnersValue(pv, now))
              : new RemoteNotFound(pv.notFoundDetail(), expiry.ofOwnersNotFound(pv, now), owner.url());
          flights.keepHotCopy(key, flight, got, now, hotAdmission);
          flights.land(key, flight, got, null);
          return;
        }
        Throwable cause = Failures.unwrap(err);
        if (cause instanceof KeyNotFoundException nf && nf.isRemote()) {
          flights.land(key, flight, new RemoteNotFound(nf.detail(), expiry.now(), nf.owner()), null); // not to be kept
          return;
        }
        if (cause instanceof GroupCacheException gce && gce.isRemote()) {
          failOrServeStale(key, flight, gce); // the owner's loader answered: do not amplify origin load
          return;
        }
        counters.peerErrors.increment();
        cache.fetchFailed(owner.url(), cause);
        if (!rerouted) {
          // The owner was judged down or said it is not ready meanwhile: its next owner, or this node.
          // Else (a timeout): the key's successor, which keeps a set value of it too.
          PeerClient next = cache.ownerClient(key);
          if (next == null) {
            loadHere(key, flight);
            return;
          }
          if (next == owner) { // the same route: its successor, if the owner gave no answer (else, e.g. now reached through a relay, that route)
            next = cache.hasFailureDetector() && noAnswer(cause) ? cache.successorClient(key, owner.url()) : null;
          }
          if (next != null) {
            fetch(next, key, flight, true);
            return;
          }
        }
        if (!cache.isDown(owner.url())) { // a peer judged down was logged once, with why
          Throwable why = cause == null ? new IllegalStateException("null value") : cause;
          peerErrorLog.log(owner.url(), System.Logger.Level.WARNING, () -> "peer " + owner.url() + " failed to answer group '"
              + group + "', key '" + Text.quotable(key) + "'; loading locally instead: " + why, null);
        }
        load(key, flight, true);
      } catch (Throwable t) {
        flights.landIfFlying(key, flight, got, t);
      }
    });
  }

  /** Whether {@code t} says the peer gave no answer (timed out, could not connect, the connection broke). */
  private static boolean noAnswer(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof TimeoutException || c instanceof java.io.IOException) {
        return true; // ConnectException and ClosedChannelException are IOExceptions
      }
    }
    return false;
  }

  /**
   * Loads {@code key} with this node's loader. {@code fallback}: the owner is another node that
   * could not be reached, so the entry is a copy like a hot one and lives at most the hot store's
   * max age.
   */
  private void load(String key, Flight flight, boolean fallback) {
    if (handedOver(key, flight)) {
      return;
    }
    if (loader == null && asyncLoader == null) { // a caller-loaded group: nothing to load here
      flights.land(key, flight, Entry.notFound(Group.CALLER_LOADED_NOT_FOUND, expiry.now()), null);
      return;
    }
    long start = System.nanoTime();
    Attempt attempt = start(key, flight);
    Timeouts.orTimeout(attempt.result, loadTimeout.toNanos()).whenComplete((loaded, err) -> {
      Entry got = null;
      boolean counted = false;
      if (err != null && Failures.unwrap(err) instanceof Superseded && handedOver(key, flight)) {
        return;
      }
      try {
        long now = expiry.now();
        Throwable failure = finished(key, attempt, start, loaded, err);
        counted = true;
        if (failure == null) {
          got = Entry.of(loaded.value(), expiry.ofLoaded(loaded, now, fallback));
          if (Expiry.kept(got, now)) {
            flights.install(key, flight, got, false);
          }
          flights.land(key, flight, got, null);
          return;
        }
        if (failure instanceof KeyNotFoundException nf) {
          got = Entry.notFound(nf.detail(), expiry.ofNotFound(now, fallback));
          if (Expiry.kept(got, now)) {
            flights.install(key, flight, got, false);
          }
          flights.land(key, flight, got, null);
          return;
        }
        failOrServeStale(key, flight, failure);
      } catch (Throwable t) {
        if (!counted) {
          counters.localLoadErrors.increment(); // e.g. no heap left for the value: the load failed
        }
        flights.landIfFlying(key, flight, got, t);
      }
    });
  }

  /**
   * Loads {@code key} with this node's loader for {@code flight}, registered by a node that takes
   * its keys back and loads ahead the keys its peers were asked for ({@link Handoff},
   * {@link Flights#registerAhead}): as any load here, stored unless a write invalidated the flight,
   * and shared with a peer's fetch of the key meanwhile. The previous holders are not asked: they
   * hold the key only as copies, which may have missed a write.
   */
  void loadAhead(String key, Flight flight) {
    load(key, flight, false);
  }

  /** A load under way: the loader's result or its raw failure, and how to cancel it. */
  private record Attempt(CompletableFuture<LoadedValue> result, Runnable cancel) {}

  /**
   * Starts the loader on {@code key}: an asynchronous loader on this thread, a blocking one on the
   * loader executor. {@code flight}: the flight it loads for (a write that invalidated it before
   * the loader ran hands it over instead, {@link Superseded}).
   */
  private Attempt start(String key, Flight flight) {
    if (asyncLoader != null) {
      CompletableFuture<LoadedValue> started;
      try {
        started = asyncLoader.loadAsync(key);
      } catch (Throwable t) {
        started = CompletableFuture.failedFuture(t);
      }
      CompletableFuture<LoadedValue> source = started == null ? CompletableFuture.completedFuture(null) : started;
      return new Attempt(source.copy(), () -> source.cancel(true));
    }
    CompletableFuture<LoadedValue> result = new CompletableFuture<>();
    FutureTask<Void> task = new FutureTask<>(() -> {
      if (flight.supersededByAWrite() && restart != null) {
        result.completeExceptionally(new Superseded()); // a write came while it waited for a loader thread
        return null;
      }
      try {
        result.complete(loader.load(key));
      } catch (Throwable t) {
        if (t instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        result.completeExceptionally(t);
      }
      return null;
    });
    try {
      loaderExecutor.execute(task);
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new LoadException(group, key, null,
          "loader executor refused the load of " + GroupCacheException.where(group, key, null)
              + " (is the GroupCache closed?)", e));
    }
    return new Attempt(result, () -> task.cancel(true)); // interrupts the loader; a late result is dropped
  }

  /**
   * Counts and reports a finished {@code attempt} (begun at {@code start}): null if it loaded a
   * value, else the failure its callers see (a load past its timeout is cancelled).
   */
  private Throwable finished(String key, Attempt attempt, long start, LoadedValue loaded, Throwable err) {
    Throwable failure = err != null ? loadFailure(key, Failures.unwrap(err))
        : loaded == null || loaded.value() == null ? LoadException.nullValue(group, key) : null;
    cache.observer().loaded(group, key, System.nanoTime() - start, failure);
    if (failure == null) {
      counters.localLoads.increment();
      return null;
    }
    counters.localLoadErrors.increment();
    if (failure instanceof LoadTimeoutException && err != null && Failures.unwrap(err) instanceof TimeoutException) {
      attempt.cancel.run();
    }
    return failure;
  }

  /**
   * Ends a failed flight: with the expired value still in the stores if it expired less than
   * {@link Group.Builder#staleIfError} ago (RFC 5861), else with the failure. The stores are read
   * now, not when the flight began, so a value removed meanwhile is never served.
   */
  private void failOrServeStale(String key, Flight flight, Throwable failure) {
    if (expiry.staleIfError()) {
      Entry old = stores.get(key);
      if (expiry.servableStale(old)) {
        counters.staleHits.increment();
        flights.land(key, flight, old, null);
        return;
      }
    }
    flights.land(key, flight, null, failure);
  }

  /** What callers see for a loader's failure {@code t}. */
  private GroupCacheException loadFailure(String key, Throwable t) {
    if (t instanceof TimeoutException) {
      return LoadTimeoutException.after(group, key, loadTimeout);
    }
    if (t instanceof KeyNotFoundException nf) {
      return nf.group() != null ? nf : new KeyNotFoundException(group, key, null, nf.detail());
    }
    if (t instanceof GroupCacheException e) {
      return e; // e.g. a nested group's error, or a loader's own timeout: already names its key
    }
    return LoadException.loaderFailed(group, key, t);
  }
}
