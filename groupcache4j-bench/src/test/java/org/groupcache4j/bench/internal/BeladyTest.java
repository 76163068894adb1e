package org.groupcache4j.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class BeladyTest {
  /*
   * Capacity 2, trace 1 2 3 1 2 4 1 2 (positions 0..7).
   * MIN: 1 m, 2 m, 3 m (evict 2, next at 4; 1 is next at 3), 1 hit, 2 m (evict 3, never again),
   *      4 m (evict 2, next at 7; 1 is next at 6), 1 hit, 2 m  -> 2 hits.
   * With bypass: 3 and 4 are never used again, so they are not admitted: 1 and 2 stay and hit
   *      at positions 3, 4, 6 and 7 -> 4 hits.
   * LRU: every access misses (the reused key was always just evicted) -> 0 hits.
   */
  static final int[] HAND_MADE = {1, 2, 3, 1, 2, 4, 1, 2};

  @Test
  void handMadeTrace() {
    assertThat(Belady.hits(HAND_MADE, 2)).isEqualTo(2);
    assertThat(Belady.hitsWithBypass(HAND_MADE, 2)).isEqualTo(4);
    assertThat(new LinkedHashMapLru(2).replay(HAND_MADE)).isZero();
  }

  @Test
  void evictsTheKeyUsedFarthestAhead() {
    // Capacity 2: when 3 first misses (position 2) the cache holds 1 (next at 4) and 2 (next at 6);
    // 2 must go, so 1 hits at 4.
    int[] trace = {1, 2, 3, 3, 1, 3, 2};
    assertThat(Belady.hits(trace, 2)).isEqualTo(3); // 3 at 3, 1 at 4, 3 at 5
  }

  @Test
  void edgeCapacities() {
    int[] trace = {1, 2, 1, 3, 2, 1};
    assertThat(Belady.hits(trace, 0)).isZero();
    assertThat(Belady.hitsWithBypass(trace, 0)).isZero();
    assertThat(Belady.hits(trace, 3)).isEqualTo(trace.length - 3); // only cold misses
    assertThat(Belady.hits(trace, 100)).isEqualTo(trace.length - 3);
    assertThat(Belady.hits(new int[0], 5)).isZero();
  }

  @Test
  void nextUsePointsToTheNextAccessOrPastTheEnd() {
    int[] ids = {0, 1, 0, 0, 1};
    assertThat(Belady.nextUse(ids, 2)).containsExactly(2, 4, 3, 5 + 3, 5 + 4);
  }

  /** Both variants equal an exhaustive search over every eviction (and admission) choice. */
  @Property(tries = 200)
  void equalsExhaustiveSearchOnSmallTraces(
      @ForAll @Size(min = 0, max = 9) int[] rawTrace,
      @ForAll @IntRange(min = 1, max = 3) int capacity) {
    int[] trace = Arrays.stream(rawTrace).map(k -> Math.floorMod(k, 5)).toArray();

    assertThat(Belady.hits(trace, capacity)).isEqualTo(bruteForce(trace, 0, new int[0], capacity, false));
    assertThat(Belady.hitsWithBypass(trace, capacity)).isEqualTo(bruteForce(trace, 0, new int[0], capacity, true));
  }

  @Property(tries = 50)
  void boundsLruAndBypassBoundsMin(@ForAll("seeds") long seed, @ForAll @IntRange(min = 1, max = 60) int capacity) {
    int[] trace = ZipfKeys.generate(3000, 200, 0.8, seed);
    long min = Belady.hits(trace, capacity);

    assertThat(min).isGreaterThanOrEqualTo(new LinkedHashMapLru(capacity).replay(trace));
    assertThat(Belady.hitsWithBypass(trace, capacity)).isGreaterThanOrEqualTo(min);
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<Long> seeds() {
    return net.jqwik.api.Arbitraries.longs();
  }

  /** The most hits reachable from position {@code i} with {@code cache}, trying every choice. */
  private static long bruteForce(int[] trace, int i, int[] cache, int capacity, boolean mayBypass) {
    if (i == trace.length) {
      return 0;
    }
    int key = trace[i];
    for (int k : cache) {
      if (k == key) {
        return 1 + bruteForce(trace, i + 1, cache, capacity, mayBypass);
      }
    }
    if (cache.length < capacity) {
      int[] grown = Arrays.copyOf(cache, cache.length + 1);
      grown[cache.length] = key;
      return bruteForce(trace, i + 1, grown, capacity, mayBypass);
    }
    long best = mayBypass ? bruteForce(trace, i + 1, cache, capacity, true) : Long.MIN_VALUE;
    for (int victim = 0; victim < cache.length; victim++) {
      int[] next = cache.clone();
      next[victim] = key;
      best = Math.max(best, bruteForce(trace, i + 1, next, capacity, mayBypass));
    }
    return best;
  }

  @Test
  void longRandomTraceRuns() {
    int[] trace = new Random(1).ints(200_000, 0, 5_000).toArray();
    long hits = Belady.hits(trace, 1_000);
    assertThat(hits).isBetween(new LinkedHashMapLru(1_000).replay(trace), (long) trace.length - 5_000);
  }
}
