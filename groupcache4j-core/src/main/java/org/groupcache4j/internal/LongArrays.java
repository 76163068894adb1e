package org.groupcache4j.internal;

/**
 * Searches of sorted {@code long[]}: the lower bound that the hash rings and the history checker
 * look points and times up with. Values compare signed, as {@code <} does.
 */
public final class LongArrays {
  private LongArrays() {}

  /**
   * The first index in {@code [from, to)} of ascending {@code sorted} whose value is at least
   * {@code key}, or {@code to} if there is none; of equal values, the first. Unlike
   * {@link java.util.Arrays#binarySearch(long[], int, int, long)}, which names any one of equal
   * values and a negative number when there is none, it is where {@code key} would go.
   */
  public static int lowerBound(long[] sorted, int from, int to, long key) {
    int lo = from;
    int hi = to;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** {@link #lowerBound(long[], int, int, long)} over the whole of {@code sorted}. */
  public static int lowerBound(long[] sorted, long key) {
    return lowerBound(sorted, 0, sorted.length, key);
  }
}
