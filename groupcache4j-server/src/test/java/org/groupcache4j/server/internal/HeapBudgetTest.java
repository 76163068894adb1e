package org.groupcache4j.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.groupcache4j.EvictionPolicy;
import org.groupcache4j.server.internal.cli.ServeCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up check that the groups' budgets fit the heap, with the measured factor of each group's store. */
class HeapBudgetTest {
  private static final long HEAP = 1L << 30;

  @Test
  void aBudgetThatFitsPassesAndOneThatDoesNotSaysWhatWould() {
    assertThat(HeapBudget.refuse(0, EvictionPolicy.W_TINY_LFU, HEAP)).isNull();
    assertThat(HeapBudget.refuse(HeapBudget.budgetFor(HEAP, EvictionPolicy.W_TINY_LFU), EvictionPolicy.W_TINY_LFU, HEAP))
        .isNull();
    assertThat(HeapBudget.refuse(1L << 30, EvictionPolicy.W_TINY_LFU, HEAP))
        .contains("a cache budget of 1GiB needs about 1376 MiB of heap")
        .contains("1.25 bytes of heap per budget byte for an LRU or W-TinyLFU store")
        .contains("-Xmx1376m").contains("at most 1024 MiB").contains("lower the budget to at most 742MiB");
  }

  @Test
  void theCompactStoreNeedsLessHeapForTheSameBudget() {
    assertThat(HeapBudget.refuse(HeapBudget.budgetFor(HEAP, EvictionPolicy.COMPACT), EvictionPolicy.COMPACT, HEAP))
        .isNull();
    assertThat(HeapBudget.budgetFor(HEAP, EvictionPolicy.COMPACT))
        .isGreaterThan(HeapBudget.budgetFor(HEAP, EvictionPolicy.LRU));
    assertThat(HeapBudget.refuse(850L << 20, EvictionPolicy.COMPACT, HEAP)).isNull();
    assertThat(HeapBudget.refuse(850L << 20, EvictionPolicy.LRU, HEAP)).isNotNull();
    assertThat(HeapBudget.refuse(1L << 30, EvictionPolicy.COMPACT, HEAP))
        .contains("needs about 1172 MiB of heap (1.05 bytes of heap per budget byte for the compact store")
        .contains("lower the budget to at most 883MiB");
  }

  @Test
  void groupsOfDifferentStoresAddTheirOwnShares() {
    List<HeapBudget.Budget> both = List.of(new HeapBudget.Budget(420L << 20, EvictionPolicy.COMPACT),
        new HeapBudget.Budget(420L << 20, EvictionPolicy.W_TINY_LFU));
    assertThat(HeapBudget.heapFor(both)).isEqualTo((long) (Math.ceil((420L << 20) * 1.05) + Math.ceil((420L << 20) * 1.25))
        + HeapBudget.HEADROOM);
    assertThat(HeapBudget.refuse(both, HEAP)).contains("840MiB", "up to 1.25 bytes of heap per budget byte for these stores");
    assertThat(HeapBudget.refuse(both.subList(0, 1), HEAP)).isNull();
  }

  @Test
  void budgetsTooLargeForArithmeticAreRefusedNotWrappedIntoFitting() throws Exception {
    long huge = 7_000_000L << 40; // 1.25 times it is past Long.MAX_VALUE
    assertThat(HeapBudget.refuse(huge, EvictionPolicy.LRU, HEAP))
        .contains("a cache budget of 7000000TiB needs about 8796093022208 MiB");
    assertThat(HeapBudget.refuse(Long.MAX_VALUE, EvictionPolicy.COMPACT, HEAP)).isNotNull();
  }

  @Test
  void theGroupsBudgetsAddUpWithoutWrapping(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("node.yaml"), "groups:\n"
        + "  a: {origin: 'synthetic:1', cache-bytes: 5000000TiB}\n"
        + "  b: {origin: 'synthetic:1', cache-bytes: 5000000TiB}\n");
    NodeConfig c = ServeCommand.configOf("--config", f.toString());
    assertThat(c.totalCacheBytes()).isEqualTo(Long.MAX_VALUE);
    assertThat(HeapBudget.refuse(c.groups().stream().map(g -> new HeapBudget.Budget(g.cacheBytes(), g.eviction())).toList(),
        HEAP)).isNotNull();
  }
}
