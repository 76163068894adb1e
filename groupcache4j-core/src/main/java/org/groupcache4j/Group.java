package org.groupcache4j;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.groupcache4j.internal.GroupCounters;
import org.groupcache4j.internal.GroupStores;
import org.groupcache4j.internal.HotKeyAdmission;
import org.groupcache4j.internal.PeerErrorLog;
import org.groupcache4j.internal.Utf8;
import org.groupcache4j.peer.PeerClient;

/**
 * A named namespace of keys with a byte budget and a {@link Loader}: the read path.
 *
 * <pre>
 * get(key)
 *   main store hit / hot store hit ........................ value
 *   single-flight(key): concurrent callers share one future
 *     re-check the stores
 *     owner = ring.owner(key)
 *     owner is another peer and the request did not come from a peer:
 *       fetch from the owner (deadline) -- ok --&gt; maybe keep in the hot store --&gt; value
 *         transport failure (refused, reset, timeout) --&gt; count peerErrors, load locally
 *         the owner's loader failed --&gt; pass its error back (do not load here)
 *     local load on the loader executor (deadline) --&gt; main store --&gt; value
 * </pre>
 *
 * <p>Fill once: on one node, concurrent misses of a key run one load; across nodes only the owner
 * loads (while membership is stable). A failed, timed-out or abandoned load never wedges its key:
 * the flight is removed before its future completes, and the next get starts a new one. Nothing
 * is cached for a failed load. A caller that cancels its future does not cancel the shared load.
 *
 * <p>Instances are made by {@link GroupCache#newGroup} or {@link GroupCache#groupBuilder}.
 */
public final class Group {
  private final String name;
  private final Loader loader; // null when asyncLoader is set
  private final AsyncLoader asyncLoader;
  private final GroupCache cache;
  private final GroupStores stores;
  private final EvictionPolicy policy;
  private final GroupCounters counters = new GroupCounters();
  private final ConcurrentHashMap<String, CompletableFuture<ByteView>> flights = new ConcurrentHashMap<>();
  private final Duration loadTimeout;
  private final Duration peerTimeout;
  private final int maxKeyBytes;
  private final HotKeyAdmission hotAdmission; // null: hot store off
  private final Executor loaderExecutor;
  private final PeerErrorLog peerErrorLog;

  Group(GroupCache cache, GroupBuilder b, Executor loaderExecutor, PeerErrorLog peerErrorLog) {
    this.cache = cache;
    this.name = b.name;
    this.loader = b.loader;
    this.asyncLoader = b.asyncLoader;
    this.policy = b.policy;
    this.stores = new GroupStores(b.cacheBytes, b.policy == EvictionPolicy.LRU
        ? org.groupcache4j.internal.LruStore::new
        : org.groupcache4j.internal.TinyLfuStore::new);
    this.loadTimeout = b.loadTimeout;
    this.peerTimeout = b.peerTimeout != null ? b.peerTimeout : b.loadTimeout.plusSeconds(1);
    this.maxKeyBytes = b.maxKeyBytes;
    this.hotAdmission = b.hotStore ? new HotKeyAdmission(1 << 14, b.hotAdmitAfterFetches) : null;
    this.loaderExecutor = loaderExecutor;
    this.peerErrorLog = peerErrorLog;
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
    ByteView v = lookupCache(key);
    if (v != null) {
      return v;
    }
    return await(load(key, false));
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
    ByteView v = lookupCache(key);
    if (v != null) {
      return CompletableFuture.completedFuture(v);
    }
    return load(key, false).copy();
  }

  /** A snapshot of the counters and store sizes. */
  public GroupStats stats() {
    return counters.snapshot(stores.main().stats(), stores.hot().stats());
  }

  /** Serves a request that arrived from a peer: stores or local load, never forwarded (one hop). */
  CompletableFuture<ByteView> serveFromPeer(String key) {
    counters.serverRequests.increment();
    checkKey(key);
    ByteView v = lookupCache(key);
    if (v != null) {
      return CompletableFuture.completedFuture(v);
    }
    return load(key, true).copy();
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
            + GroupCacheException.printable(key.substring(0, Math.min(40, key.length())))
            + "'); use a shorter key, e.g. a hash of it, or raise maxKeyBytes");
      }
    }
  }

  private ByteView lookupCache(String key) {
    counters.gets.increment();
    ByteView v = stores.get(key);
    if (v != null) {
      counters.cacheHits.increment();
    }
    return v;
  }

  private CompletableFuture<ByteView> load(String key, boolean fromPeer) {
    counters.loads.increment();
    CompletableFuture<ByteView> flight = new CompletableFuture<>();
    CompletableFuture<ByteView> running = flights.putIfAbsent(key, flight);
    if (running != null) {
      return running;
    }
    counters.loadsDeduped.increment();
    try {
      // Another flight may have filled the stores between our lookup and putIfAbsent.
      ByteView v = stores.get(key);
      if (v != null) {
        counters.cacheHits.increment();
        land(key, flight, v, null);
        return flight;
      }
      PeerClient owner = fromPeer ? null : cache.ownerClient(key);
      if (owner != null) {
        fetchFromPeer(owner, key, flight);
      } else {
        loadLocally(key, flight);
      }
    } catch (Throwable t) {
      land(key, flight, null, t instanceof GroupCacheException ? t : LoadException.loaderFailed(name, key, t));
    }
    return flight;
  }

  private void fetchFromPeer(PeerClient owner, String key, CompletableFuture<ByteView> flight) {
    CompletableFuture<ByteView> fetch;
    long start = System.nanoTime();
    try {
      fetch = owner.fetch(name, key);
    } catch (RuntimeException e) {
      fetch = CompletableFuture.failedFuture(e);
    }
    fetch.orTimeout(peerTimeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((v, err) -> {
      cache.observer().fetched(name, key, owner.url(), System.nanoTime() - start, unwrap(err));
      try {
        if (err == null && v != null) {
          counters.peerLoads.increment();
          if (hotAdmission != null && hotAdmission.recordFetchAndAdmit(key)) {
            stores.putHot(key, v);
          }
          land(key, flight, v, null);
          return;
        }
        Throwable cause = unwrap(err);
        if (cause instanceof GroupCacheException gce && gce.isRemote()) {
          land(key, flight, null, gce); // the owner's loader answered: do not amplify origin load
          return;
        }
        counters.peerErrors.increment();
        peerErrorLog.failed(owner.url(), name, key, cause == null ? new IllegalStateException("null value") : cause);
        loadLocally(key, flight);
      } catch (Throwable t) {
        landIfFlying(key, flight, v, t);
      }
    });
  }

  private void loadLocally(String key, CompletableFuture<ByteView> flight) {
    long start = System.nanoTime();
    CompletableFuture<byte[]> attempt; // completes with the loader's bytes or its raw failure
    Runnable cancel;
    if (asyncLoader != null) {
      CompletableFuture<byte[]> started;
      try {
        started = asyncLoader.loadAsync(key);
      } catch (Throwable t) {
        started = CompletableFuture.failedFuture(t);
      }
      CompletableFuture<byte[]> source = started == null ? CompletableFuture.completedFuture(null) : started;
      attempt = source.copy();
      cancel = () -> source.cancel(true);
    } else {
      CompletableFuture<byte[]> result = new CompletableFuture<>();
      FutureTask<Void> task = new FutureTask<>(() -> {
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
      attempt = result;
      cancel = () -> task.cancel(true); // interrupts the loader; a late result is dropped
      try {
        loaderExecutor.execute(task);
      } catch (RejectedExecutionException e) {
        result.completeExceptionally(new LoadException(name, key, null,
            "loader executor refused the load of " + GroupCacheException.where(name, key, null)
                + " (is the GroupCache closed?)", e));
      }
    }
    attempt.orTimeout(loadTimeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((bytes, err) -> {
      ByteView v = null;
      try {
        Throwable failure = err != null ? loadFailure(key, unwrap(err)) : bytes == null ? LoadException.nullValue(name, key) : null;
        cache.observer().loaded(name, key, System.nanoTime() - start, failure);
        if (failure == null) {
          v = ByteView.copyOf(bytes);
          counters.localLoads.increment();
          stores.putMain(key, v);
          land(key, flight, v, null);
          return;
        }
        counters.localLoadErrors.increment();
        if (failure instanceof LoadTimeoutException && err != null && unwrap(err) instanceof TimeoutException) {
          cancel.run();
        }
        land(key, flight, null, failure);
      } catch (Throwable t) {
        landIfFlying(key, flight, v, t);
      }
    });
  }

  /** What callers see for a loader's failure {@code t}. */
  private GroupCacheException loadFailure(String key, Throwable t) {
    if (t instanceof TimeoutException) {
      return LoadTimeoutException.after(name, key, loadTimeout);
    }
    if (t instanceof KeyNotFoundException nf) {
      return nf.group() != null ? nf : new KeyNotFoundException(name, key, null, nf.detail());
    }
    if (t instanceof GroupCacheException e) {
      return e; // e.g. a nested group's error, or a loader's own timeout: already names its key
    }
    return LoadException.loaderFailed(name, key, t);
  }

  /** Ends a flight: stores are already filled, so remove the flight, then wake its callers. */
  private void land(String key, CompletableFuture<ByteView> flight, ByteView v, Throwable err) {
    flights.remove(key, flight);
    if (err == null) {
      flight.complete(v);
    } else {
      flight.completeExceptionally(err);
    }
  }

  /**
   * Ends a flight that bookkeeping failed to end (a store or a log threw): with the value if it
   * was loaded, else with the failure, so that no caller waits forever and the key is not wedged.
   */
  private void landIfFlying(String key, CompletableFuture<ByteView> flight, ByteView v, Throwable t) {
    if (!flight.isDone()) {
      land(key, flight, v, v != null ? null : LoadException.loaderFailed(name, key, t));
    } else {
      flights.remove(key, flight);
    }
  }

  static ByteView await(CompletableFuture<ByteView> f) {
    try {
      return f.join();
    } catch (CompletionException | CancellationException e) {
      Throwable c = unwrap(e);
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error er) {
        throw er;
      }
      throw new CompletionException(c);
    }
  }

  static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  @Override
  public String toString() {
    return "Group[" + name + ", " + stores.budget() + " bytes, " + policy + "]";
  }

  /**
   * Configures a new group; {@link #build()} registers it with its {@link GroupCache}.
   * Defaults: 64 MiB, {@link EvictionPolicy#W_TINY_LFU}, load timeout 10 s, peer timeout = load
   * timeout + 1 s, keys up to 4096 UTF-8 bytes, hot store on (a key is kept on its 2nd fetch).
   */
  public static final class GroupBuilder {
    /** Default longest key, in UTF-8 bytes. */
    public static final int DEFAULT_MAX_KEY_BYTES = 4096;

    private final GroupCache cache;
    private final String name;
    private long cacheBytes = 64L << 20;
    private Loader loader;
    private AsyncLoader asyncLoader;
    private EvictionPolicy policy = EvictionPolicy.W_TINY_LFU;
    private Duration loadTimeout = Duration.ofSeconds(10);
    private Duration peerTimeout;
    private int maxKeyBytes = DEFAULT_MAX_KEY_BYTES;
    private boolean hotStore = true;
    private int hotAdmitAfterFetches = 2;

    GroupBuilder(GroupCache cache, String name) {
      this.cache = cache;
      this.name = Objects.requireNonNull(name, "group name must not be null");
    }

    /** The byte budget of the main and hot store together; 0 disables caching. */
    public GroupBuilder cacheBytes(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("cacheBytes of group '" + name + "' must be >= 0, was " + bytes);
      }
      this.cacheBytes = bytes;
      return this;
    }

    /** The blocking loader; it runs on the cache's loader executor. */
    public GroupBuilder loader(Loader loader) {
      this.loader = Objects.requireNonNull(loader, "loader of group '" + name + "' must not be null");
      this.asyncLoader = null;
      return this;
    }

    /** A non-blocking loader, instead of {@link #loader}; it runs on the thread that missed. */
    public GroupBuilder asyncLoader(AsyncLoader loader) {
      this.asyncLoader = Objects.requireNonNull(loader, "asyncLoader of group '" + name + "' must not be null");
      this.loader = null;
      return this;
    }

    public GroupBuilder evictionPolicy(EvictionPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "evictionPolicy");
      return this;
    }

    /** How long a local load may run before it fails with {@link LoadTimeoutException}. */
    public GroupBuilder loadTimeout(Duration timeout) {
      this.loadTimeout = positive(timeout, "loadTimeout");
      return this;
    }

    /** How long a fetch from the owning peer may take before this node loads the key itself. */
    public GroupBuilder peerTimeout(Duration timeout) {
      this.peerTimeout = positive(timeout, "peerTimeout");
      return this;
    }

    /** The longest key accepted, in UTF-8 bytes. */
    public GroupBuilder maxKeyBytes(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxKeyBytes must be >= 1, was " + bytes);
      }
      this.maxKeyBytes = bytes;
      return this;
    }

    /** Whether values fetched from their owner may be kept here (default true). */
    public GroupBuilder hotStore(boolean enabled) {
      this.hotStore = enabled;
      return this;
    }

    /** How many recent fetches of a key from its owner keep its value in the hot store (1..15, default 2). */
    public GroupBuilder hotStoreAdmitAfter(int fetches) {
      if (fetches < 1 || fetches > 15) {
        throw new IllegalArgumentException("hotStoreAdmitAfter must be 1..15, was " + fetches);
      }
      this.hotAdmitAfterFetches = fetches;
      return this;
    }

    /**
     * Creates the group.
     *
     * @throws IllegalStateException if no loader was set, or the cache has a group of this name
     */
    public Group build() {
      if (loader == null && asyncLoader == null) {
        throw new IllegalStateException("group '" + name + "' has no loader: call loader(...) or asyncLoader(...) before build()");
      }
      return cache.register(this);
    }

    String name() {
      return name;
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, was " + d);
      }
      return d;
    }
  }
}
