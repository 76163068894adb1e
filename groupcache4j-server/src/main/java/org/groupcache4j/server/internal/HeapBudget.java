package org.groupcache4j.server.internal;

import java.util.List;
import org.groupcache4j.EvictionPolicy;
import org.groupcache4j.internal.HeapPerBudgetByte;
import org.groupcache4j.node.internal.Values;

/**
 * Whether the groups' cache budgets fit the heap the JVM may use, with the heap per budget byte
 * that BENCHMARKS.md measures for each group's store ({@link HeapPerBudgetByte}: about 1.05 for the
 * compact store, 1.25 for the LRU and W-TinyLFU stores, margins included). It adds
 * {@link #HEADROOM} for the node itself (event loops, buffers, values in flight, the origin's
 * driver); a budget past that would not be evicted before the heap runs out, and every new key
 * would fail with an OutOfMemoryError instead.
 */
public final class HeapBudget {
  /** Heap the node needs besides its caches. */
  public static final long HEADROOM = HeapPerBudgetByte.NODE_HEADROOM;

  /** A group's budget and the policy of its store. */
  public record Budget(long bytes, EvictionPolicy policy) {}

  private HeapBudget() {}

  /** The heap the groups' budgets need, headroom included ({@code Long.MAX_VALUE} past it). */
  public static long heapFor(List<Budget> budgets) {
    double need = HEADROOM;
    for (Budget b : budgets) {
      need += Math.ceil(b.bytes() * HeapPerBudgetByte.of(b.policy()));
    }
    return (long) need; // the cast saturates: never wraps to "fits"
  }

  /** The largest total budget of stores of {@code policy} that fits {@code maxHeap}. */
  public static long budgetFor(long maxHeap, EvictionPolicy policy) {
    return Math.max(0, (long) ((maxHeap - HEADROOM) / HeapPerBudgetByte.of(policy)));
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
      double f = HeapPerBudgetByte.of(b.policy());
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
        + (mixed ? "these stores" : factor == HeapPerBudgetByte.COMPACT_STORE ? "the compact store" : "an LRU or W-TinyLFU store")
        + ", as measured in BENCHMARKS.md, + " + (HEADROOM >> 20) + " MiB for the node), but this JVM may use at most "
        + (maxHeap >> 20) + " MiB. Give it more heap (GROUPCACHE4J_JAVA_OPTS=-Xmx" + needMiB
        + "m for ./groupcache4j, or -Xmx" + needMiB + "m after java), or lower the budget to at most " + fitMiB + "MiB.";
  }

  /** {@link #refuse(List, long)} of one budget. */
  public static String refuse(long budget, EvictionPolicy policy, long maxHeap) {
    return refuse(List.of(new Budget(budget, policy)), maxHeap);
  }
}
