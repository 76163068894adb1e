package org.groupcache4j.spring;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.groupcache4j.ByteView;
import org.groupcache4j.Group;
import org.groupcache4j.KeyNotFoundException;
import org.groupcache4j.ValueCodec;
import org.groupcache4j.ValueCodecException;
import org.groupcache4j.spring.internal.Keys;
import org.springframework.cache.Cache;
import org.springframework.cache.support.SimpleValueWrapper;

/**
 * A Spring {@link Cache} on a groupcache4j {@link Group}: each key has one owner node in the
 * cluster, which holds its value and fills it once.
 *
 * <p>Keys go through a {@link CacheKeyCodec} (by default {@link CacheKeyCodec#standard()}) and
 * must fit the group's {@code maxKeyBytes} once encoded; values through a {@link ValueCodec}
 * (by default {@link DefaultValueCodec}). A cached {@code null} is a one-byte tag of this class,
 * not a serialized object, and costs no codec. The stored bytes are {@code 0} for null, or
 * {@code 1} followed by the codec's bytes.
 *
 * <p>Reads ask the owner (or hit this node's copy of a popular key); {@link #put} stores at the
 * owner and drops every other copy; {@link #evict} drops the key everywhere, {@link #clear} every
 * key everywhere; {@link #putIfAbsent} is decided at the owner; a load in flight when a write
 * happens does not put the old value back (see {@link Group}). {@link #get(Object, Callable)}
 * (what {@code @Cacheable(sync = true)} calls) and {@link #retrieve(Object, Supplier)} compute a
 * missing value once across the cluster: the first caller anywhere runs its loader under a lease
 * from the key's owner, every other caller waits for that value, and if the loader throws, every
 * waiter gets the failure and nothing is cached ({@link Group#getOrLoad}). A value larger than
 * the group's budget is returned to the caller but not stored (and logged, at most once a minute
 * per cache). Bytes that no longer decode (a class changed between versions) are a miss: they are
 * dropped, loaded again, and counted ({@link Stats#decodeFailures()}).
 *
 * <p>Made by {@link GroupCacheCacheManager}.
 */
public final class GroupCacheCache implements Cache {
  private static final Log log = LogFactory.getLog(GroupCacheCache.class);
  static final byte NULL_TAG = 0;
  static final byte VALUE_TAG = 1;
  private static final ByteView NULL_VALUE = ByteView.copyOf(new byte[] {NULL_TAG});
  private static final long TOO_LARGE_LOG_INTERVAL_NANOS = 60_000_000_000L;

  private final Group group;
  private final ValueCodec<Object> values;
  private final CacheKeyCodec keys;
  private final boolean callerLoaded;
  private final java.util.concurrent.atomic.AtomicInteger computing = new java.util.concurrent.atomic.AtomicInteger();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder puts = new LongAdder();
  private final LongAdder removals = new LongAdder();
  private final LongAdder decodeFailures = new LongAdder();
  private final LongAdder tooLarge = new LongAdder();
  private final AtomicLong lastTooLargeLog = new AtomicLong(System.nanoTime() - TOO_LARGE_LOG_INTERVAL_NANOS);

  /**
   * What this cache saw, counted at the Spring level on this node.
   *
   * @param hits reads that found a value (a cached null included)
   * @param misses reads that found none (and, for {@code get(key, loader)}, then loaded one)
   * @param puts values stored by {@code put}, {@code putIfAbsent} and loads through this cache
   * @param removals keys evicted through this cache
   * @param decodeFailures values whose bytes did not decode (each was dropped and taken as a miss)
   * @param tooLarge values not stored because they alone outweigh the group's budget
   */
  public record Stats(long hits, long misses, long puts, long removals, long decodeFailures, long tooLarge) {}

  GroupCacheCache(Group group, ValueCodec<Object> values, CacheKeyCodec keys, boolean callerLoaded) {
    this.group = Objects.requireNonNull(group, "group");
    this.values = Objects.requireNonNull(values, "values");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.callerLoaded = callerLoaded;
  }

  @Override
  public String getName() {
    return group.name();
  }

  /** The {@link Group}. */
  @Override
  public Group getNativeCache() {
    return group;
  }

  /** The value codec. */
  public ValueCodec<Object> valueCodec() {
    return values;
  }

  /** The key codec. */
  public CacheKeyCodec keyCodec() {
    return keys;
  }

  /** Whether values come from callers (no loader at the owner). */
  public boolean isCallerLoaded() {
    return callerLoaded;
  }

  /** A snapshot of the counters. */
  public Stats stats() {
    return new Stats(hits.sum(), misses.sum(), puts.sum(), removals.sum(), decodeFailures.sum(), tooLarge.sum());
  }

  /** Values this node's callers compute now ({@code get(key, loader)}, {@code retrieve(key, loader)}), not yet stored. */
  public int loadsInFlight() {
    return computing.get();
  }

  /** The entries this node holds for the cache (its own keys and its copies of popular ones). */
  public long localSize() {
    var s = group.stats();
    return s.mainStore().items() + s.hotStore().items();
  }

  /** The group key of {@code key}: the codec's string, checked against the group's {@code maxKeyBytes}. */
  public String groupKey(Object key) {
    String k;
    try {
      k = keys.encode(key);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cache '" + getName() + "': " + e.getMessage(), e);
    }
    if (k.length() * 3L > group.maxKeyBytes()) {
      int n = utf8Length(k);
      if (n > group.maxKeyBytes()) {
        throw new IllegalArgumentException("the key of cache '" + getName() + "' is " + n + " UTF-8 bytes once encoded, "
            + "longer than its limit of " + group.maxKeyBytes() + " bytes (max-key-bytes); key '" + Keys.quote(k)
            + "'. Give the method a shorter key (@Cacheable(key = ...), e.g. a hash of the long part) or raise "
            + "groupcache4j.caches." + getName() + ".max-key-bytes");
      }
    }
    return k;
  }

  private static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  // ---- reads

  @Override
  public ValueWrapper get(Object key) {
    String k = groupKey(key);
    ValueWrapper w = lookup(k);
    (w == null ? misses : hits).increment();
    return w;
  }

  /** The stored value of {@code k} (a wrapper of a cached null included), or null for none. */
  private ValueWrapper lookup(String k) {
    ByteView v;
    try {
      v = group.get(k);
    } catch (KeyNotFoundException e) {
      return null;
    }
    return decodeOrDrop(k, v);
  }

  /** The value the bytes hold, or null (a miss) after dropping bytes that do not decode. */
  private ValueWrapper decodeOrDrop(String k, ByteView v) {
    try {
      return new SimpleValueWrapper(decode(v));
    } catch (ValueCodecException e) {
      decodeFailed(k, e);
      return null;
    }
  }

  /** Bytes that do not decode (written by another version of a class): counted, logged, and dropped so they load again. */
  private void decodeFailed(String k, ValueCodecException e) {
    decodeFailures.increment();
    log.warn("cache '" + getName() + "': the value of key '" + Keys.quote(k) + "' does not decode (" + e.getMessage()
        + "); dropped and taken as a miss, so it is loaded again");
    try {
      group.remove(k);
    } catch (RuntimeException dropFailed) {
      log.debug("cache '" + getName() + "': could not drop key '" + Keys.quote(k) + "' everywhere", dropFailed);
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T get(Object key, Class<T> type) {
    ValueWrapper w = get(key);
    Object v = w == null ? null : w.get();
    if (v != null && type != null && !type.isInstance(v)) {
      throw new IllegalStateException("Cached value is not of required type [" + type.getName() + "]: a "
          + v.getClass().getName() + " in cache '" + getName() + "'");
    }
    return (T) v;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T get(Object key, Callable<T> valueLoader) {
    String k = groupKey(key);
    for (int attempt = 0; ; attempt++) {
      boolean[] computed = {false};
      ByteView v;
      try {
        v = group.getOrLoad(k, () -> {
          computed[0] = true;
          computing.incrementAndGet();
          try {
            Object value;
            try {
              value = valueLoader.call();
            } catch (Throwable t) {
              throw new CallerFailure(t);
            }
            return computed(k, value);
          } finally {
            computing.decrementAndGet();
          }
        });
      } catch (CallerFailure f) {
        misses.increment();
        throw new ValueRetrievalException(key, valueLoader, f.getCause()); // this caller's own loader threw
      } catch (KeyNotFoundException e) {
        misses.increment();
        return null; // a loader at the owner found no value
      } catch (org.groupcache4j.GroupCacheException e) {
        misses.increment();
        throw new ValueRetrievalException(key, valueLoader, e); // the loader of the caller holding the lease failed
      }
      (computed[0] ? misses : hits).increment();
      try {
        return (T) decode(v);
      } catch (ValueCodecException e) {
        decodeFailed(k, e);
        if (attempt > 0) {
          throw new ValueRetrievalException(key, valueLoader, e);
        }
      }
    }
  }

  /** What this caller's loader threw, told apart from the group's own failures. */
  private static final class CallerFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CallerFailure(Throwable cause) {
      super(cause.toString(), cause, false, false);
    }

    @Override
    public String toString() {
      return getCause().toString(); // what other nodes' callers read
    }
  }

  /** The bytes of a value this node's caller computed (a value too large for the budget is counted and logged, and still handed over). */
  private ByteView computed(String k, Object value) {
    ByteView bytes = encode(k, value);
    fits(k, bytes);
    puts.increment();
    return bytes;
  }

  @Override
  public CompletableFuture<?> retrieve(Object key) {
    String k = groupKey(key);
    return group.getAsync(k).handle((v, err) -> {
      if (err != null) {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (cause instanceof KeyNotFoundException) {
          misses.increment();
          return null;
        }
        throw err instanceof CompletionException ce ? ce : new CompletionException(cause);
      }
      ValueWrapper w = decodeOrDrop(k, v);
      (w == null ? misses : hits).increment();
      return w;
    });
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
    String k = groupKey(key);
    boolean[] computed = {false};
    return group.getOrLoadAsync(k, () -> {
      computed[0] = true;
      computing.incrementAndGet();
      CompletableFuture<T> started;
      try {
        started = Objects.requireNonNull(valueLoader.get(), "the value loader returned no future");
      } catch (Throwable t) {
        started = CompletableFuture.failedFuture(t);
      }
      return started.thenApply(value -> computed(k, value)).whenComplete((x, e) -> computing.decrementAndGet());
    }).thenApply(v -> {
      (computed[0] ? misses : hits).increment();
      return (T) decode(v);
    });
  }

  // ---- writes

  @Override
  public void put(Object key, Object value) {
    store(groupKey(key), value);
  }

  /** Stores {@code value} at the key's owner, unless it alone outweighs the budget. */
  private void store(String k, Object value) {
    ByteView bytes = encode(k, value);
    if (fits(k, bytes)) {
      group.set(k, bytes);
      puts.increment();
    }
  }

  private boolean fits(String k, ByteView bytes) {
    long weight = (long) utf8Length(k) + bytes.length();
    if (weight <= group.cacheBytes()) {
      return true;
    }
    tooLarge.increment();
    long last = lastTooLargeLog.get();
    long now = System.nanoTime();
    if (now - last >= TOO_LARGE_LOG_INTERVAL_NANOS && lastTooLargeLog.compareAndSet(last, now)) {
      log.warn("cache '" + getName() + "': a value of " + bytes.length() + " bytes for key '" + Keys.quote(k)
          + "' is larger than the cache's budget of " + group.cacheBytes() + " bytes: returned to the caller, not "
          + "cached (raise groupcache4j.caches." + getName() + ".cache-bytes to cache it; logged at most once a minute)");
    }
    return false;
  }

  /** Stores {@code value} unless the key has one, decided at the key's owner; returns the value held, or null if stored. */
  @Override
  public ValueWrapper putIfAbsent(Object key, Object value) {
    String k = groupKey(key);
    ByteView bytes = encode(k, value);
    ByteView held = group.putIfAbsent(k, bytes);
    if (held == null) {
      puts.increment();
      return null;
    }
    try {
      return new SimpleValueWrapper(decode(held));
    } catch (ValueCodecException e) {
      decodeFailed(k, e); // the held bytes are dropped: this caller's value goes in their place
      group.set(k, bytes);
      puts.increment();
      return null;
    }
  }

  @Override
  public void evict(Object key) {
    group.remove(groupKey(key));
    removals.increment();
  }

  /** Evicts {@code key} everywhere before returning; whether it was present is not known ({@code false}). */
  @Override
  public boolean evictIfPresent(Object key) {
    evict(key);
    return false;
  }

  /**
   * Drops every entry of the cache on every node before returning ({@code @CacheEvict(allEntries = true)});
   * a peer that could not be told is logged (its copies of keys it does not own live at most the
   * hot store's max age).
   */
  @Override
  public void clear() {
    org.groupcache4j.WriteResult r = group.clear();
    removals.increment();
    if (!r.allTold()) {
      log.warn("cache '" + getName() + "' cleared here and at " + r.told() + ", not at " + r.notTold());
    }
  }

  /** {@link #clear}; whether the cache held entries before is not known ({@code false}). */
  @Override
  public boolean invalidate() {
    clear();
    return false;
  }

  // ---- values

  ByteView encode(String k, Object value) {
    return value == null ? NULL_VALUE : ByteView.copyOf(encodeStored(getName(), k, values, value));
  }

  /** The stored form of {@code value} (null: the null tag) for key {@code k} of cache {@code cache}. */
  static byte[] encodeStored(String cache, String k, ValueCodec<Object> values, Object value) {
    if (value == null) {
      return new byte[] {NULL_TAG};
    }
    byte[] body;
    try {
      body = values.encode(value);
    } catch (ValueCodecException e) {
      throw new ValueCodecException(cache, k, "cannot store the value of cache '" + cache + "', key '"
          + Keys.quote(k) + "': " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new ValueCodecException(cache, k, "cannot store the value of cache '" + cache + "', key '"
          + Keys.quote(k) + "': codec " + values + " failed: " + e, e);
    }
    byte[] out = new byte[body.length + 1];
    out[0] = VALUE_TAG;
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }

  Object decode(ByteView v) {
    if (v.length() == 0) {
      throw new ValueCodecException("an empty value is not one a Spring cache stored", null);
    }
    byte tag = v.byteAt(0);
    if (tag == NULL_TAG && v.length() == 1) {
      return null;
    }
    if (tag != VALUE_TAG) {
      throw new ValueCodecException("a value that starts with byte " + (tag & 0xff) + " is not one a Spring cache "
          + "stored (0: null, 1: a value)", null);
    }
    ByteBuffer b = v.asReadOnlyByteBuffer();
    b.position(1);
    Object o;
    try {
      o = values.decode(ByteView.copyOf(b));
    } catch (ValueCodecException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ValueCodecException("codec " + values + " failed: " + e, e);
    }
    if (o == null) {
      throw new ValueCodecException("codec " + values + " decoded " + (v.length() - 1) + " bytes to null", null);
    }
    return o;
  }

  @Override
  public String toString() {
    return "GroupCacheCache[" + getName() + ", " + values + "]";
  }
}
