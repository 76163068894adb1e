package org.groupcache4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.groupcache4j.EvictionPolicy;
import org.groupcache4j.node.settings.GroupSpec;
import org.junit.jupiter.api.Test;

/** The start-up check that the caches' budgets fit the heap, with the measured factor of each cache's store. */
class HeapCheckTest {
  private static final long MIB = 1L << 20;
  private static final long HEAP = 1L << 30;

  private static GroupSpec cache(String name, long bytes, EvictionPolicy policy) {
    return new GroupSpec(name, bytes, policy, false, Duration.ofSeconds(10), null, null);
  }

  @Test
  void noBudgetNeedsNoHeap() {
    assertThat(GroupCacheNode.heapRefusal(List.of(), 0)).isNull();
    assertThat(GroupCacheNode.heapRefusal(List.of(cache("a", 0, EvictionPolicy.LRU)), 0)).isNull();
  }

  @Test
  void aBudgetThatDoesNotFitSaysWhatItNeeds() {
    // 1024 MiB x 1.25 + 96 MiB
    assertThat(GroupCacheNode.heapRefusal(List.of(cache("books", HEAP, EvictionPolicy.W_TINY_LFU)), HEAP))
        .isEqualTo("the caches' budgets (groupcache4j.caches.*.cache-bytes) add up to 1024 MiB, which needs about "
            + "1376 MiB of heap (1.25 bytes of heap per budget byte + 96 MiB), but this JVM may use at most 1024 MiB "
            + "besides the application's own: raise -Xmx or lower the budgets");
    // 1024 MiB x 1.05 + 96 MiB = 1171.2 MiB
    assertThat(GroupCacheNode.heapRefusal(List.of(cache("books", HEAP, EvictionPolicy.COMPACT)), HEAP))
        .contains("add up to 1024 MiB, which needs about 1172 MiB of heap (1.05 bytes of heap per budget byte + 96 MiB)");
  }

  @Test
  void aBudgetThatNeedsTheWholeHeapFits() {
    // 800 MiB x 1.25 + 96 MiB = 1096 MiB
    List<GroupSpec> lru = List.of(cache("books", 800 * MIB, EvictionPolicy.LRU));
    assertThat(GroupCacheNode.heapRefusal(lru, 1096 * MIB)).isNull();
    assertThat(GroupCacheNode.heapRefusal(lru, 1096 * MIB - 1)).contains("needs about 1096 MiB of heap");
    // 800 MiB x 1.05 + 96 MiB = 936 MiB
    List<GroupSpec> compact = List.of(cache("books", 800 * MIB, EvictionPolicy.COMPACT));
    assertThat(GroupCacheNode.heapRefusal(compact, 936 * MIB)).isNull();
    assertThat(GroupCacheNode.heapRefusal(compact, 936 * MIB - 1)).contains("needs about 936 MiB of heap");
  }

  @Test
  void theCompactStoreFitsABudgetTheOthersDoNot() {
    // 850 MiB: x 1.05 + 96 = 988.5 MiB fits 1 GiB; x 1.25 + 96 = 1158.5 MiB does not
    assertThat(GroupCacheNode.heapRefusal(List.of(cache("books", 850 * MIB, EvictionPolicy.COMPACT)), HEAP)).isNull();
    assertThat(GroupCacheNode.heapRefusal(List.of(cache("books", 850 * MIB, EvictionPolicy.LRU)), HEAP))
        .contains("needs about 1159 MiB");
    assertThat(GroupCacheNode.heapRefusal(List.of(cache("books", 850 * MIB, EvictionPolicy.W_TINY_LFU)), HEAP))
        .contains("needs about 1159 MiB");
  }

  @Test
  void cachesOfDifferentStoresAddTheirOwnShares() {
    // 420 MiB x 1.05 + 420 MiB x 1.25 + 96 MiB = 1062 MiB
    List<GroupSpec> both = List.of(cache("a", 420 * MIB, EvictionPolicy.COMPACT),
        cache("b", 420 * MIB, EvictionPolicy.W_TINY_LFU));
    assertThat(GroupCacheNode.heapRefusal(both, HEAP)).contains("add up to 840 MiB, which needs about 1062 MiB of heap "
        + "(1.05 to 1.25 bytes of heap per budget byte by each cache's eviction policy + 96 MiB)");
    assertThat(GroupCacheNode.heapRefusal(both, 1062 * MIB)).isNull();
    assertThat(GroupCacheNode.heapRefusal(both.subList(0, 1), HEAP)).isNull();
    // a cache without a budget takes no heap, nor a share of the message
    assertThat(GroupCacheNode.heapRefusal(List.of(cache("a", 0, EvictionPolicy.COMPACT),
        cache("b", HEAP, EvictionPolicy.LRU)), HEAP)).contains("(1.25 bytes of heap per budget byte + 96 MiB)");
  }

  @Test
  void budgetsTooLargeForArithmeticAreRefusedNotWrappedIntoFitting() {
    long half = Long.MAX_VALUE / 2 + 1; // two of them add up past Long.MAX_VALUE
    assertThat(GroupCacheNode.heapRefusal(List.of(cache("a", half, EvictionPolicy.COMPACT),
        cache("b", half, EvictionPolicy.COMPACT)), HEAP)).contains("add up to " + (Long.MAX_VALUE >> 20) + " MiB");
  }
}
