package org.groupcache4j.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import org.groupcache4j.ByteView;
import org.groupcache4j.StoreStats;

/**
 * Window TinyLFU bounded by bytes, on Caffeine: {@code maximumWeight} with a weigher of UTF-8 key
 * bytes plus value bytes. Maintenance (eviction) runs on the calling thread
 * ({@code executor(Runnable::run)}), so once {@link #put} returns the store is within its
 * capacity and results do not depend on a background thread.
 */
public final class TinyLfuStore implements Store {
  private static final Executor SAME_THREAD = Runnable::run;

  private final Cache<String, ByteView> cache;
  private final Policy.Eviction<String, ByteView> eviction;
  private final LongAdder gets = new LongAdder();
  private final LongAdder hits = new LongAdder();
  private final LongAdder evictions = new LongAdder();

  public TinyLfuStore(long capacityBytes) {
    if (capacityBytes < 0) {
      throw new IllegalArgumentException("capacity must be >= 0 bytes, was " + capacityBytes);
    }
    this.cache = Caffeine.newBuilder()
        .executor(SAME_THREAD)
        .maximumWeight(capacityBytes)
        .weigher((String k, ByteView v) -> (int) Math.min(Integer.MAX_VALUE, Store.weigh(k, v)))
        .evictionListener((k, v, cause) -> {
          if (cause.wasEvicted()) {
            evictions.increment();
          }
        })
        .build();
    this.eviction = cache.policy().eviction().orElseThrow();
  }

  @Override
  public ByteView get(String key) {
    gets.increment();
    ByteView v = cache.getIfPresent(key);
    if (v != null) {
      hits.increment();
    }
    return v;
  }

  @Override
  public void put(String key, ByteView value) {
    if (Store.weigh(key, value) > eviction.getMaximum()) {
      cache.invalidate(key);
      return;
    }
    cache.put(key, value);
  }

  @Override
  public boolean remove(String key) {
    return cache.asMap().remove(key) != null;
  }

  @Override
  public void setCapacity(long bytes) {
    eviction.setMaximum(Math.max(0, bytes));
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
