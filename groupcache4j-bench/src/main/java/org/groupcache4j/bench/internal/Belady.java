package org.groupcache4j.bench.internal;

import java.util.Arrays;

/**
 * Belady's optimum for a cache of {@code capacity} equally sized entries, computed offline: on a
 * miss with a full cache, evict the key whose next use lies farthest in the future (or never
 * comes). Two variants: {@link #hits} is the classic MIN of demand paging, where every missed key
 * is brought in (the figure of the traces' README); {@link #hitsWithBypass} may also decline to
 * admit the missed key when it is the one used farthest away, the bound for policies with an
 * admission filter such as W-TinyLFU. No online policy hits more often than the matching bound.
 *
 * <p>Each access's next use is found in one backward pass. The cache is a max-heap of next-use
 * positions; a position that has already passed belongs to a key that was hit since, so it is
 * stale, and it can never be the maximum while the cache holds a live entry (live positions all
 * lie in the future), which makes eviction a plain pop. A key never used again gets a
 * distinct position past the end of the trace.
 */
public final class Belady {
  private Belady() {}

  /** Hits of Belady's MIN (every missed key is cached) on {@code trace} with {@code capacity} entries. */
  public static long hits(int[] trace, int capacity) {
    return simulate(trace, capacity, false);
  }

  /** Hits of the optimum that may also decline to cache a missed key. */
  public static long hitsWithBypass(int[] trace, int capacity) {
    return simulate(trace, capacity, true);
  }

  private static long simulate(int[] trace, int capacity, boolean mayBypass) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must be >= 0 entries, was " + capacity);
    }
    DenseKeys dense = DenseKeys.of(trace);
    int[] ids = dense.ids();
    int n = ids.length;
    int[] next = nextUse(ids, dense.distinct());
    boolean[] cached = new boolean[dense.distinct()];
    IntMaxHeap heap = new IntMaxHeap(Math.min(n, 1 << 20));
    int size = 0;
    long hits = 0;
    for (int i = 0; i < n; i++) {
      int key = ids[i];
      int nextPos = next[i];
      if (cached[key]) {
        hits++;
        heap.push(nextPos); // the entry at i is stale now
        continue;
      }
      if (capacity == 0) {
        continue;
      }
      if (size < capacity) {
        cached[key] = true;
        size++;
        heap.push(nextPos);
        continue;
      }
      int farthest = heap.peek();
      if (mayBypass && nextPos > farthest) {
        continue; // the missed key is the one used last: do not admit it
      }
      heap.pop();
      cached[keyAt(ids, farthest, n)] = false;
      cached[key] = true;
      heap.push(nextPos);
    }
    return hits;
  }

  /**
   * For each access, the position of the next access to the same key; {@code n + i} (past the
   * end, and distinct) when there is none.
   */
  static int[] nextUse(int[] ids, int distinct) {
    int n = ids.length;
    if (n > Integer.MAX_VALUE / 2) {
      throw new IllegalArgumentException("trace of " + n + " accesses is too long");
    }
    int[] next = new int[n];
    int[] seen = new int[distinct];
    Arrays.fill(seen, -1);
    for (int i = n - 1; i >= 0; i--) {
      int k = ids[i];
      next[i] = seen[k] >= 0 ? seen[k] : n + i;
      seen[k] = i;
    }
    return next;
  }

  /** The key whose next use is {@code pos}: the access at {@code pos}, or for {@code n + i} the access at {@code i}. */
  private static int keyAt(int[] ids, int pos, int n) {
    return ids[pos < n ? pos : pos - n];
  }

  /** A binary max-heap of ints. */
  static final class IntMaxHeap {
    private int[] a;
    private int size;

    IntMaxHeap(int initial) {
      a = new int[Math.max(16, initial)];
    }

    void push(int v) {
      if (size == a.length) {
        a = Arrays.copyOf(a, a.length * 2);
      }
      int i = size++;
      while (i > 0) {
        int parent = (i - 1) >>> 1;
        if (a[parent] >= v) {
          break;
        }
        a[i] = a[parent];
        i = parent;
      }
      a[i] = v;
    }

    int peek() {
      return a[0];
    }

    int pop() {
      int top = a[0];
      int v = a[--size];
      int i = 0;
      while (true) {
        int child = 2 * i + 1;
        if (child >= size) {
          break;
        }
        if (child + 1 < size && a[child + 1] > a[child]) {
          child++;
        }
        if (a[child] <= v) {
          break;
        }
        a[i] = a[child];
        i = child;
      }
      a[i] = v;
      return top;
    }
  }
}
