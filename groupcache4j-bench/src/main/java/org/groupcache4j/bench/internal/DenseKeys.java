package org.groupcache4j.bench.internal;

import java.util.Arrays;

/** A trace with its keys renumbered 0..distinct-1 (sort and binary search: no boxing). */
public final class DenseKeys {
  private final int[] ids;
  private final int distinct;

  private DenseKeys(int[] ids, int distinct) {
    this.ids = ids;
    this.distinct = distinct;
  }

  public static DenseKeys of(int[] trace) {
    int[] sorted = trace.clone();
    Arrays.sort(sorted);
    int u = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (i == 0 || sorted[i] != sorted[i - 1]) {
        sorted[u++] = sorted[i];
      }
    }
    int[] ids = new int[trace.length];
    for (int i = 0; i < trace.length; i++) {
      ids[i] = Arrays.binarySearch(sorted, 0, u, trace[i]);
    }
    return new DenseKeys(ids, u);
  }

  /** The dense id of each access. */
  public int[] ids() {
    return ids;
  }

  public int distinct() {
    return distinct;
  }
}
