package org.groupcache4j.bench;

import java.util.concurrent.TimeUnit;
import org.groupcache4j.ByteView;
import org.groupcache4j.bench.LocalHitBenchmark.ThreadState;
import org.groupcache4j.internal.Entry;
import org.groupcache4j.internal.LruStore;
import org.groupcache4j.internal.TinyLfuStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Where the time of {@link LocalHitBenchmark}'s {@code Group.get} goes: the same keys and values
 * read straight from the stores, the W-TinyLFU store both as a group builds it (Caffeine's
 * maintenance on the common pool) and with maintenance on the reading thread (as the trace
 * replay runs it). Not part of {@code run-core-benchmarks.sh}; run with
 * {@code java -jar benchmarks.jar 'HitPathBreakdownBenchmark|LocalHitBenchmark'}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(2)
public class HitPathBreakdownBenchmark {
  /** The stores, every item in. */
  @State(Scope.Benchmark)
  public static class Stores {
    TinyLfuStore tinyLfu;
    TinyLfuStore tinyLfuSameThread;
    LruStore lru;

    @Setup(Level.Trial)
    public void fill() {
      long budget = LocalHitBenchmark.budget();
      tinyLfu = new TinyLfuStore(budget);
      tinyLfuSameThread = new TinyLfuStore(budget, Runnable::run);
      lru = new LruStore(budget);
      for (int i = 0; i < LocalHitBenchmark.ITEMS; i++) {
        String k = "item:" + i;
        ByteView v = LocalHitBenchmark.value(k);
        tinyLfu.put(k, v);
        tinyLfuSameThread.put(k, v);
        lru.put(k, v);
      }
    }
  }

  @Benchmark
  public Entry tinyLfuStoreGet(Stores s, ThreadState t) {
    return s.tinyLfu.get(LocalHitBenchmark.KEYS[t.index++ & LocalHitBenchmark.MASK]);
  }

  @Benchmark
  public Entry lruStoreGet(Stores s, ThreadState t) {
    return s.lru.get(LocalHitBenchmark.KEYS[t.index++ & LocalHitBenchmark.MASK]);
  }

  @Benchmark
  public Entry tinyLfuStoreSameThreadGet(Stores s, ThreadState t) {
    return s.tinyLfuSameThread.get(LocalHitBenchmark.KEYS[t.index++ & LocalHitBenchmark.MASK]);
  }
}
