package org.groupcache4j.bench.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.groupcache4j.ByteView;
import org.groupcache4j.internal.CompactStore;
import org.groupcache4j.internal.LruStore;
import org.groupcache4j.internal.Store;
import org.groupcache4j.internal.TinyLfuStore;

/**
 * Replays int keys through one of the project's byte-bounded {@link Store}s, so the hit ratio
 * measured is that of the real code. The stores count bytes, traces count entries; to map one to
 * the other every entry weighs exactly {@value #ENTRY_BYTES} bytes: the key is the decimal
 * string of the int (1 to 11 ASCII bytes) and the value is padded to
 * {@code ENTRY_BYTES - keyLength} bytes. A store of {@code capacity * ENTRY_BYTES} bytes then
 * holds at most {@code capacity} entries.
 */
public final class StoreSimulation implements CacheSimulation {
  /** The weight of every entry: 11 bytes for the longest key ("-2147483648") plus at least 5 of value. */
  public static final int ENTRY_BYTES = 16;

  private static final ByteView[] VALUES = new ByteView[12];

  static {
    for (int keyLength = 1; keyLength <= 11; keyLength++) {
      VALUES[keyLength] = ByteView.copyOf(new byte[ENTRY_BYTES - keyLength]);
    }
  }

  private final Store store;

  public StoreSimulation(Store store) {
    this.store = store;
  }

  /** An exact-LRU store ({@link LruStore}) that holds {@code capacity} entries. */
  public static StoreSimulation lru(int capacity) {
    return new StoreSimulation(new LruStore(bytesFor(capacity)));
  }

  /**
   * A W-TinyLFU store ({@link TinyLfuStore}) that holds {@code capacity} entries, with Caffeine's
   * maintenance on the calling thread: every read reaches the policy and no decision depends on
   * the timing of a background thread, so replays differ only by Caffeine's admission jitter.
   */
  public static StoreSimulation tinyLfu(int capacity) {
    return new StoreSimulation(new TinyLfuStore(bytesFor(capacity), Runnable::run));
  }

  /**
   * A W-TinyLFU store as a {@code Group} builds it, with Caffeine's default (asynchronous)
   * maintenance: reads are replayed into the policy by the common pool, and those that find the
   * lossy read buffer full are dropped, so results vary with thread timing.
   */
  public static StoreSimulation tinyLfuAsync(int capacity) {
    return new StoreSimulation(new TinyLfuStore(bytesFor(capacity)));
  }

  /** The hash seed of the compact stores replayed: fixed, so that a replay repeats exactly. */
  public static final long COMPACT_SEED = 20240601L;

  private static final Map<Integer, Long> COMPACT_BUDGETS = new ConcurrentHashMap<>();

  /**
   * A compact store ({@link CompactStore}: W-TinyLFU admission over segments, one shard, a fixed
   * seed) that holds {@code capacity} entries. Its budget counts everything it holds (record
   * headers, index, sketch, unused segment space), so it is given the budget at which it holds
   * that many entries of {@value #ENTRY_BYTES} bytes: {@link #compactBytesFor}.
   */
  public static StoreSimulation compact(int capacity) {
    return new StoreSimulation(CompactStore.deterministic(compactBytesFor(capacity), COMPACT_SEED));
  }

  /**
   * The smallest budget at which a compact store, filled with twice {@code capacity} distinct
   * keys of {@value #ENTRY_BYTES}-byte entries, still holds {@code capacity} of them (found by
   * bisection; the store's choices repeat, so this does too).
   */
  public static long compactBytesFor(int capacity) {
    return COMPACT_BUDGETS.computeIfAbsent(capacity, c -> {
      if (c == 0) {
        return 0L;
      }
      long lo = (long) c * ENTRY_BYTES;
      long hi = (long) c * 256 + (1 << 16);
      while (lo < hi) {
        long mid = (lo + hi) >>> 1;
        if (heldAfterFill(mid, c) >= c) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      return lo;
    });
  }

  private static long heldAfterFill(long budget, int capacity) {
    CompactStore s = CompactStore.deterministic(budget, COMPACT_SEED);
    for (int i = 0; i < 2 * capacity; i++) {
      String k = Integer.toString(-1 - i);
      s.put(k, valueFor(k));
    }
    return s.items();
  }

  public static long bytesFor(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must be >= 0 entries, was " + capacity);
    }
    return (long) capacity * ENTRY_BYTES;
  }

  /** The value stored for {@code key}, sized so that the entry weighs {@link #ENTRY_BYTES}. */
  public static ByteView valueFor(String key) {
    return VALUES[key.length()];
  }

  @Override
  public boolean access(int key) {
    String k = Integer.toString(key);
    if (store.get(k) != null) {
      return true;
    }
    store.put(k, valueFor(k));
    return false;
  }

  public Store store() {
    return store;
  }
}
