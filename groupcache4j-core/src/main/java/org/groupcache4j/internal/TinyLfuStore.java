package org.groupcache4j.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import org.groupcache4j.StoreStats;

/**
 * Window TinyLFU bounded by bytes, on Caffeine: {@code maximumWeight} with a weigher of UTF-8 key
 * bytes plus value bytes.
 *
 * <p>Reads only append to Caffeine's striped read buffers; draining them (replaying accesses into
 * the policy) runs on the maintenance executor, by default Caffeine's own (the common pool), so
 * a hit never waits for policy work. Running that drain on the reading thread instead
 * ({@code executor(Runnable::run)}) made hits several times slower with two reader threads. Every write
 * ({@link #put}, {@link #remove}, {@link #setCapacity}) ends with a synchronous
 * {@code cleanUp()}, so once it returns the store is within its capacity, whatever the executor.
 * Tests and the trace replay pass {@code Runnable::run} to make eviction decisions independent of
 * thread timing.
 */
public final class TinyLfuStore implements Store {
  private final Cache<String, Entry> cache;
  private final Policy.Eviction<String, Entry> eviction;
  private final LongAdder gets = new LongAdder();
  private final LongAdder hits = new LongAdder();
  private final LongAdder evictions = new LongAdder();

  public TinyLfuStore(long capacityBytes) {
    this(capacityBytes, null);
  }

  /** A store whose policy maintenance runs on {@code maintenance} ({@code null}: Caffeine's default). */
  public TinyLfuStore(long capacityBytes, Executor maintenance) {
    if (capacityBytes < 0) {
      throw new IllegalArgumentException("capacity must be >= 0 bytes, was " + capacityBytes);
    }
    Caffeine<Object, Object> builder = Caffeine.newBuilder();
    if (maintenance != null) {
      builder.executor(maintenance);
    }
    this.cache = builder
        .maximumWeight(capacityBytes)
        .weigher((String k, Entry e) -> (int) Math.min(Integer.MAX_VALUE, e.weight(k)))
        .evictionListener((k, v, cause) -> {
          if (cause.wasEvicted()) {
            evictions.increment();
          }
        })
        .build();
    this.eviction = cache.policy().eviction().orElseThrow();
  }

  @Override
  public Entry get(String key) {
    gets.increment();
    Entry v = cache.getIfPresent(key);
    if (v != null) {
      hits.increment();
    }
    return v;
  }

  @Override
  public Entry peek(String key) {
    return cache.policy().getIfPresentQuietly(key);
  }

  @Override
  public List<Map.Entry<String, Entry>> hottest(int limit) {
    return List.copyOf(eviction.hottest(limit).entrySet());
  }

  @Override
  public void put(String key, Entry entry) {
    if (entry.weight(key) > eviction.getMaximum()) {
      cache.invalidate(key);
      cache.cleanUp();
      return;
    }
    cache.put(key, entry);
    cache.cleanUp();
  }

  @Override
  public boolean remove(String key) {
    boolean removed = cache.asMap().remove(key) != null;
    cache.cleanUp();
    return removed;
  }

  @Override
  public void setCapacity(long bytes) {
    eviction.setMaximum(Math.max(0, bytes));
    cache.cleanUp();
  }

  @Override
  public long capacity() {
    return eviction.getMaximum();
  }

  @Override
  public long bytes() {
    return eviction.weightedSize().orElse(0);
  }

  @Override
  public long items() {
    return cache.estimatedSize();
  }

  @Override
  public StoreStats stats() {
    return new StoreStats(bytes(), items(), gets.sum(), hits.sum(), evictions.sum());
  }

  /** Runs pending maintenance now (tests and benchmarks). */
  public void cleanUp() {
    cache.cleanUp();
  }
}
