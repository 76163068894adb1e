package org.groupcache4j.server.internal;

import org.groupcache4j.node.internal.Values;

/**
 * Whether the groups' cache budgets fit the heap the JVM may use. A budget counts key and value
 * bytes; the heap holds them plus each entry's bookkeeping, which BENCHMARKS.md measures at 1.19
 * (LRU) to 1.20 (W-TinyLFU) bytes of heap per budget byte (1 KiB values, after eviction has run;
 * each entry carries its expiry).
 * The check allows {@link #HEAP_PER_BUDGET_BYTE} and {@link #HEADROOM} for the node itself (event
 * loops, buffers, values in flight, the origin's driver); a budget past that would not be evicted
 * before the heap runs out, and every new key would fail with an OutOfMemoryError instead.
 */
public final class HeapBudget {
  /** Heap per budget byte: the measured 1.20, with a margin for smaller values' larger share. */
  public static final double HEAP_PER_BUDGET_BYTE = 1.25;
  /** Heap the node needs besides its caches. */
  public static final long HEADROOM = 96L << 20;

  private HeapBudget() {}

  /** The heap {@code budget} bytes of cache need, headroom included ({@code Long.MAX_VALUE} past it). */
  public static long heapFor(long budget) {
    return (long) (Math.ceil(budget * HEAP_PER_BUDGET_BYTE) + HEADROOM); // the cast saturates: never wraps to "fits"
  }

  /** The largest total budget that fits {@code maxHeap}. */
  public static long budgetFor(long maxHeap) {
    return Math.max(0, (long) ((maxHeap - HEADROOM) / HEAP_PER_BUDGET_BYTE));
  }

  /**
   * Why a total budget of {@code budget} bytes cannot fit a heap of at most {@code maxHeap}
   * bytes, saying which heap to set or which budget would fit; null if it fits.
   */
  public static String refuse(long budget, long maxHeap) {
    long need = heapFor(budget);
    if (budget == 0 || need <= maxHeap) {
      return null;
    }
    long needMiB = (need >> 20) + ((need & ((1 << 20) - 1)) == 0 ? 0 : 1);
    long fitMiB = budgetFor(maxHeap) >> 20;
    return "a cache budget of " + Values.formatSize(budget) + " needs about " + needMiB + " MiB of heap ("
        + HEAP_PER_BUDGET_BYTE + " bytes of heap per budget byte, as measured in BENCHMARKS.md, + "
        + (HEADROOM >> 20) + " MiB for the node), but this JVM may use at most " + (maxHeap >> 20)
        + " MiB. Give it more heap (GROUPCACHE4J_JAVA_OPTS=-Xmx" + needMiB + "m for ./groupcache4j, or -Xmx"
        + needMiB + "m after java), or lower the budget to at most " + fitMiB + "MiB.";
  }
}
