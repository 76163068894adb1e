package org.groupcache4j.bench;

import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.groupcache4j.ring.HashRing;
import org.groupcache4j.ring.RingMode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@code HashRing.owner(key)} per ring mode and cluster size: the work every {@code get} that
 * misses does before it knows whom to ask. The peer in the same run is the {@code golang} ring
 * (golang/groupcache's, the default), which the balanced ring must not be slower than.
 *
 * <p>Keys are {@value #SIZE} precomputed strings like {@code user:123456} (11 to 13 bytes, the
 * UTF-8 encoding is part of the measured work, as in a real lookup); each thread walks them from
 * a random start. Peers are the URLs of {@link RingBalance#peers}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@State(Scope.Benchmark)
public class RingLookupBenchmark {
  static final int SIZE = 1 << 16;
  static final int MASK = SIZE - 1;
  static final String[] KEYS = keys();

  static String[] keys() {
    SplittableRandom rnd = new SplittableRandom(25);
    String[] keys = new String[SIZE];
    for (int i = 0; i < SIZE; i++) {
      keys[i] = "user:" + rnd.nextInt(10_000_000);
    }
    return keys;
  }

  @Param({"golang", "mailgun", "groupcache-go", "balanced"})
  String mode;

  @Param({"3", "10", "100", "1000"})
  int peers;

  HashRing ring;

  @Setup
  public void setup() {
    ring = HashRing.of(RingMode.fromId(mode), RingBalance.peers(peers));
  }

  /** Per thread: where it is in the key array. */
  @State(Scope.Thread)
  public static class ThreadState {
    int index = ThreadLocalRandom.current().nextInt();
  }

  @Benchmark
  public String owner(ThreadState t) {
    return ring.owner(KEYS[t.index++ & MASK]);
  }
}
