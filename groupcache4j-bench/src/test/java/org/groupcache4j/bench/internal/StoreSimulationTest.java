package org.groupcache4j.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.groupcache4j.internal.CompactStore;
import org.junit.jupiter.api.Test;

class StoreSimulationTest {
  @Test
  void theCompactStoreIsGivenTheBudgetAtWhichItHoldsTheCapacityInEntries() {
    for (int capacity : new int[] {10, 500, 4000}) {
      long budget = StoreSimulation.compactBytesFor(capacity);
      CompactStore s = CompactStore.deterministic(budget, StoreSimulation.COMPACT_SEED);
      CompactStore less = CompactStore.deterministic(budget - 1, StoreSimulation.COMPACT_SEED);
      for (int i = 0; i < 2 * capacity; i++) {
        String k = Integer.toString(-1 - i);
        s.put(k, StoreSimulation.valueFor(k));
        less.put(k, StoreSimulation.valueFor(k));
      }
      assertThat(s.items()).as("capacity %d", capacity).isGreaterThanOrEqualTo(capacity);
      assertThat(less.items()).as("a byte less, capacity %d", capacity).isLessThan(capacity);
      assertThat(budget).isGreaterThan((long) capacity * StoreSimulation.ENTRY_BYTES);
    }
  }
}
