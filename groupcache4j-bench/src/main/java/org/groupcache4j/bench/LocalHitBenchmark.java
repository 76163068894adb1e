package org.groupcache4j.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.groupcache4j.ByteView;
import org.groupcache4j.EvictionPolicy;
import org.groupcache4j.Group;
import org.groupcache4j.GroupCache;
import org.groupcache4j.GroupStats;
import org.groupcache4j.bench.internal.ZipfKeys;
import org.groupcache4j.internal.Store;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The local hit path: {@code Group.get} with each eviction policy against Caffeine's own
 * {@code getIfPresent} on the same keys, 100% hits, two threads (or as many as the runner says).
 *
 * <p>Modelled on Caffeine's {@code GetPutBenchmark}: {@value #SIZE} precomputed Zipf-distributed
 * keys over {@value #ITEMS} items, every item cached before measuring, and each thread walks the
 * key array from a random start with its own counter masked to the array size. Values are
 * {@value #VALUE_BYTES} bytes; the budget (and Caffeine's maximum weight, with the same weigher)
 * is twice what the items weigh, so nothing is evicted and every read hits (checked at tear-down).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(2)
public class LocalHitBenchmark {
  static final int SIZE = 1 << 15;
  static final int MASK = SIZE - 1;
  static final int ITEMS = SIZE / 3;
  static final int VALUE_BYTES = 64;
  static final long SEED = 20240601L;

  /** The key sequence, shared by all caches: the same Strings, so hash codes are cached alike. */
  static final String[] KEYS = keys();

  static String[] keys() {
    int[] items = ZipfKeys.generate(SIZE, ITEMS, ZipfKeys.DEFAULT_EXPONENT, SEED);
    String[] names = new String[ITEMS];
    for (int i = 0; i < ITEMS; i++) {
      names[i] = "item:" + i;
    }
    String[] keys = new String[SIZE];
    for (int i = 0; i < SIZE; i++) {
      keys[i] = names[items[i]];
    }
    return keys;
  }

  static long budget() {
    long bytes = 0;
    for (int i = 0; i < ITEMS; i++) {
      bytes += ("item:" + i).length() + VALUE_BYTES;
    }
    return 2 * bytes;
  }

  static ByteView value(String key) {
    byte[] b = new byte[VALUE_BYTES];
    b[0] = (byte) key.hashCode();
    return ByteView.copyOf(b);
  }

  /** Per thread: where it is in the key array. */
  @State(Scope.Thread)
  public static class ThreadState {
    int index = ThreadLocalRandom.current().nextInt();
  }

  /** A {@link Group} on one node, every item loaded. */
  public abstract static class GroupState {
    GroupCache cache;
    Group group;
    long missesAfterFill;

    abstract EvictionPolicy policy();

    @Setup(Level.Trial)
    public void fill() {
      cache = GroupCache.builder().build();
      group = cache.groupBuilder("bench")
          .cacheBytes(budget())
          .evictionPolicy(policy())
          .loader(key -> value(key).toByteArray())
          .build();
      for (int i = 0; i < ITEMS; i++) {
        group.get("item:" + i);
      }
      GroupStats s = group.stats();
      missesAfterFill = s.gets() - s.cacheHits();
      if (s.mainStore().items() != ITEMS) {
        throw new IllegalStateException(policy() + " store holds " + s.mainStore().items()
            + " items after the fill, expected " + ITEMS);
      }
    }

    @TearDown(Level.Trial)
    public void checkAllHits() {
      GroupStats s = group.stats();
      long misses = s.gets() - s.cacheHits() - missesAfterFill;
      cache.close();
      if (misses != 0) {
        throw new IllegalStateException(misses + " of " + s.gets() + " reads missed with " + policy()
            + ": the benchmark must measure hits only");
      }
    }
  }

  @State(Scope.Benchmark)
  public static class TinyLfuGroup extends GroupState {
    @Override
    EvictionPolicy policy() {
      return EvictionPolicy.W_TINY_LFU;
    }
  }

  @State(Scope.Benchmark)
  public static class LruGroup extends GroupState {
    @Override
    EvictionPolicy policy() {
      return EvictionPolicy.LRU;
    }
  }

  @State(Scope.Benchmark)
  public static class CompactGroup extends GroupState {
    @Override
    EvictionPolicy policy() {
      return EvictionPolicy.COMPACT;
    }
  }

  /** Caffeine with its defaults, bounded by the same weigher and maximum weight. */
  @State(Scope.Benchmark)
  public static class CaffeineCache {
    Cache<String, ByteView> cache;

    @Setup(Level.Trial)
    public void fill() {
      cache = Caffeine.newBuilder()
          .maximumWeight(budget())
          .weigher((String k, ByteView v) -> (int) Store.weigh(k, v))
          .build();
      for (int i = 0; i < ITEMS; i++) {
        String k = "item:" + i;
        cache.put(k, value(k));
      }
    }

    @TearDown(Level.Trial)
    public void checkAllHits() {
      for (int i = 0; i < ITEMS; i++) {
        if (cache.getIfPresent("item:" + i) == null) {
          throw new IllegalStateException("Caffeine lost item:" + i + ": the benchmark must measure hits only");
        }
      }
    }
  }

  @Benchmark
  public ByteView groupGetTinyLfu(TinyLfuGroup s, ThreadState t) {
    return s.group.get(KEYS[t.index++ & MASK]);
  }

  @Benchmark
  public ByteView groupGetLru(LruGroup s, ThreadState t) {
    return s.group.get(KEYS[t.index++ & MASK]);
  }

  @Benchmark
  public ByteView groupGetCompact(CompactGroup s, ThreadState t) {
    return s.group.get(KEYS[t.index++ & MASK]);
  }

  @Benchmark
  public ByteView caffeineGetIfPresent(CaffeineCache s, ThreadState t) {
    return s.cache.getIfPresent(KEYS[t.index++ & MASK]);
  }
}
