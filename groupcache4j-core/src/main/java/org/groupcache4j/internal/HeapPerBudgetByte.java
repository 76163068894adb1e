package org.groupcache4j.internal;

import org.groupcache4j.EvictionPolicy;
import org.groupcache4j.Group;

/**
 * The heap a group's store takes per byte of its budget, for each eviction policy, as
 * BENCHMARKS.md measures it, with a margin: what the start-up checks of the server and of the
 * Spring Boot starter hold the caches' budgets against the JVM's heap with.
 * <ul>
 *   <li>The compact store ({@link EvictionPolicy#COMPACT}) counts in its budget everything it
 *       holds (records, index, unused segment space): measured at 1.005 to 1.015 bytes of heap per
 *       budget byte with 100-byte and 1 KiB values; the checks allow {@value #COMPACT_STORE},
 *       the margin being a segment copied forward while it is dropped, or kept by a value still
 *       being written to a client.</li>
 *   <li>The LRU and W-TinyLFU stores count key and value bytes; each entry's bookkeeping comes on
 *       top, measured at 1.19 to 1.20 bytes of heap per budget byte with 1 KiB values (about 2.8
 *       with 100-byte values); the checks allow {@value #MAP_STORE}.</li>
 * </ul>
 */
public final class HeapPerBudgetByte {
  /** Heap per budget byte of the compact store: the measured 1.005 to 1.015, with a margin. */
  public static final double COMPACT_STORE = 1.05;
  /** Heap per budget byte of the LRU and W-TinyLFU stores: the measured 1.20 at 1 KiB values, with a margin. */
  public static final double MAP_STORE = 1.25;

  /** Heap a node needs besides its caches: event loops, buffers, values in flight, an origin's driver. */
  public static final long NODE_HEADROOM = 96L << 20;

  private HeapPerBudgetByte() {}

  /** The heap per budget byte of the store of {@code policy} (null: of {@link Group.Builder#DEFAULT_EVICTION_POLICY}). */
  public static double of(EvictionPolicy policy) {
    return switch (policy != null ? policy : Group.Builder.DEFAULT_EVICTION_POLICY) {
      case COMPACT -> COMPACT_STORE;
      case LRU, W_TINY_LFU -> MAP_STORE;
    };
  }
}
