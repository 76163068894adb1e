package org.groupcache4j.server.internal;

import java.util.List;
import org.groupcache4j.EvictionPolicy;
import org.groupcache4j.node.internal.Values;

/**
 * Whether the groups' cache budgets fit the heap the JVM may use, with the heap per budget byte
 * that BENCHMARKS.md measures for each group's store ({@link #heapPerBudgetByte}):
 * <ul>
 *   <li>The compact store ({@link EvictionPolicy#COMPACT}) counts in its budget everything it
 *       holds (records, index, unused segment space): measured at 1.005 to 1.015 bytes of heap per
 *       budget byte with 100-byte and 1 KiB values; the check allows {@value #COMPACT_HEAP_PER_BUDGET_BYTE},
 *       the margin being a segment copied forward while it is dropped, or kept by a value still
 *       being written to a client.</li>
 *   <li>The LRU and W-TinyLFU stores count key and value bytes; each entry's bookkeeping comes on
 *       top, measured at 1.19 to 1.20 bytes of heap per budget byte with 1 KiB values (about 2.8
 *       with 100-byte values); the check allows {@value #MAP_STORE_HEAP_PER_BUDGET_BYTE}.</li>
 * </ul>
 * It adds {@link #HEADROOM} for the node itself (event loops, buffers, values in flight, the
 * origin's driver); a budget past that would not be evicted before the heap runs out, and every
 * new key would fail with an OutOfMemoryError instead.
 */
public final class HeapBudget {
  /** Heap per budget byte of the compact store: the measured 1.005 to 1.015, with a margin. */
  public static final double COMPACT_HEAP_PER_BUDGET_BYTE = 1.05;
  /** Heap per budget byte of the LRU and W-TinyLFU stores: the measured 1.20 at 1 KiB values, with a margin. */
  public static final double MAP_STORE_HEAP_PER_BUDGET_BYTE = 1.25;
  /** Heap the node needs besides its caches. */
  public static final long HEADROOM = 96L << 20;

  /** A group's budget and the policy of its store. */
  public record Budget(long bytes, EvictionPolicy policy) {}

  private HeapBudget() {}

  /** The heap per budget byte the store of {@code policy} takes, as BENCHMARKS.md measures it (with a margin). */
  public static double heapPerBudgetByte(EvictionPolicy policy) {
    return policy == EvictionPolicy.COMPACT ? COMPACT_HEAP_PER_BUDGET_BYTE : MAP_STORE_HEAP_PER_BUDGET_BYTE;
  }

  /** The heap the groups' budgets need, headroom included ({@code Long.MAX_VALUE} past it). */
  public static long heapFor(List<Budget> budgets) {
    double need = HEADROOM;
    for (Budget b : budgets) {
      need += Math.ceil(b.bytes() * heapPerBudgetByte(b.policy()));
    }
    return (long) need; // the cast saturates: never wraps to "fits"
  }

  /** The largest total budget of stores of {@code policy} that fits {@code maxHeap}. */
  public static long budgetFor(long maxHeap, EvictionPolicy policy) {
    return Math.max(0, (long) ((maxHeap - HEADROOM) / heapPerBudgetByte(policy)));
  }

  /**
   * Why the groups' budgets cannot fit a heap of at most {@code maxHeap} bytes, saying which heap
   * to set or which total budget would fit; null if they fit.
   */
  public static String refuse(List<Budget> budgets, long maxHeap) {
    long total = 0;
    double factor = 0;
    boolean mixed = false;
    for (Budget b : budgets) {
      total = total + b.bytes() < 0 ? Long.MAX_VALUE : total + b.bytes();
      double f = heapPerBudgetByte(b.policy());
      mixed |= factor != 0 && f != factor;
      factor = Math.max(factor, f);
    }
    long need = heapFor(budgets);
    if (total == 0 || need <= maxHeap) {
      return null;
    }
    long needMiB = (need >> 20) + ((need & ((1 << 20) - 1)) == 0 ? 0 : 1);
    long fitMiB = Math.max(0, (long) ((maxHeap - HEADROOM) / factor)) >> 20;
    return "a cache budget of " + Values.formatSize(total) + " needs about " + needMiB + " MiB of heap ("
        + (mixed ? "up to " : "") + factor + " bytes of heap per budget byte for "
        + (mixed ? "these stores" : factor == COMPACT_HEAP_PER_BUDGET_BYTE ? "the compact store" : "an LRU or W-TinyLFU store")
        + ", as measured in BENCHMARKS.md, + " + (HEADROOM >> 20) + " MiB for the node), but this JVM may use at most "
        + (maxHeap >> 20) + " MiB. Give it more heap (GROUPCACHE4J_JAVA_OPTS=-Xmx" + needMiB
        + "m for ./groupcache4j, or -Xmx" + needMiB + "m after java), or lower the budget to at most " + fitMiB + "MiB.";
  }

  /** {@link #refuse(List, long)} of one budget. */
  public static String refuse(long budget, EvictionPolicy policy, long maxHeap) {
    return refuse(List.of(new Budget(budget, policy)), maxHeap);
  }
}
