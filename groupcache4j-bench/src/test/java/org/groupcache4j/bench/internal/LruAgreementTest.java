package org.groupcache4j.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.groupcache4j.internal.Store;
import org.junit.jupiter.api.Test;

/** The independent LinkedHashMap LRU and the project's LruStore make the same decision on every access. */
class LruAgreementTest {
  @Property(tries = 200)
  void sameHitOrMissOnEveryAccess(@ForAll("traces") int[] trace, @ForAll @IntRange(min = 0, max = 120) int capacity) {
    LinkedHashMapLru sim = new LinkedHashMapLru(capacity);
    StoreSimulation store = StoreSimulation.lru(capacity);

    List<Integer> disagreements = new ArrayList<>();
    for (int i = 0; i < trace.length; i++) {
      if (sim.access(trace[i]) != store.access(trace[i])) {
        disagreements.add(i);
      }
    }

    assertThat(disagreements).as("accesses where they disagree").isEmpty();
    assertThat(store.store().items()).isEqualTo(sim.size());
    assertThat(store.store().bytes()).isEqualTo((long) sim.size() * StoreSimulation.ENTRY_BYTES);
  }

  /** Uniform, skewed and looping traces over small and large key ranges, negative keys included. */
  @Provide
  Arbitrary<int[]> traces() {
    Arbitrary<int[]> uniform = Arbitraries.integers().between(-300, 300).array(int[].class).ofMaxSize(3000);
    Arbitrary<int[]> skewed = Arbitraries.longs().map(seed -> ZipfKeys.generate(3000, 500, 0.9, seed));
    Arbitrary<int[]> loop = Arbitraries.integers().between(1, 150).map(period -> {
      int[] t = new int[2000];
      for (int i = 0; i < t.length; i++) {
        t[i] = i % period;
      }
      return t;
    });
    Arbitrary<int[]> extremes = Arbitraries.of(Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE, 999_999_999)
        .array(int[].class).ofMaxSize(500);
    return Arbitraries.oneOf(uniform, skewed, loop, extremes);
  }

  @Test
  void everyEntryWeighsTheSame() {
    for (int key : new int[] {0, 7, -7, 123_456, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
      String k = Integer.toString(key);
      assertThat(Store.weigh(k, StoreSimulation.valueFor(k))).as("weight of %s", k).isEqualTo(StoreSimulation.ENTRY_BYTES);
    }
  }

  @Test
  void tinyLfuStoresStayWithinTheirEntries() {
    int capacity = 100;
    int[] trace = new Random(3).ints(20_000, 0, 1_000).toArray();
    for (StoreSimulation tiny : List.of(StoreSimulation.tinyLfu(capacity), StoreSimulation.tinyLfuAsync(capacity))) {
      long hits = tiny.replay(trace);

      assertThat(tiny.store().items()).isLessThanOrEqualTo(capacity);
      assertThat(tiny.store().bytes()).isLessThanOrEqualTo(StoreSimulation.bytesFor(capacity));
      assertThat(hits).isPositive();
    }
  }
}
