package org.groupcache4j.internal;

/**
 * A count-min sketch of 4-bit counters that estimates how often each key was accessed recently,
 * as TinyLFU uses it (Einziger, Friedman and Manes, "TinyLFU: A Highly Efficient Cache Admission
 * Policy", 2017; Caffeine's {@code FrequencySketch}): 16 counters to a {@code long}, four
 * counters per key, the estimate is the smallest of them. After {@code 10 x} the number of
 * entries it was sized for, every counter is halved, so history fades. The longs are kept in
 * pages of 256 KiB, as the compact store's index is, so that a large sketch is no humongous
 * object to G1.
 *
 * <p>Not thread-safe: {@link CompactStore} keeps one per shard, under the shard's lock.
 */
final class FrequencySketch {
  private static final long RESET_MASK = 0x7777777777777777L;
  private static final int PAGE_BITS = 15;
  private static final int PAGE = 1 << PAGE_BITS;
  private static final long[] SEEDS = {
    0xC3A5C85C97CB3127L, 0xB492B66FBE98F273L, 0x9AE16A3B2F90404FL, 0xCBF29CE484222325L
  };

  private final long[][] pages;
  private final int longs;
  private final int shift;
  private final int sampleSize;
  private int additions;

  /** A sketch for about {@code entries} keys: 16 counters a key or fewer (a power of two of longs, at least one). */
  FrequencySketch(int entries) {
    this(longsFor(entries), entries, 0);
  }

  private FrequencySketch(int longs, int entries, int additions) {
    this.longs = longs;
    this.pages = new long[Math.max(1, longs >>> PAGE_BITS)][];
    for (int p = 0; p < pages.length; p++) {
      pages[p] = new long[Math.min(PAGE, longs)];
    }
    this.shift = 64 - Integer.numberOfTrailingZeros(longs);
    this.sampleSize = Math.max(16, 10 * entries);
    this.additions = additions;
  }

  /** The longs of a sketch for {@code entries} keys: the largest power of two not above it. */
  static int longsFor(int entries) {
    return Math.max(1, Integer.highestOneBit(Math.max(1, entries)));
  }

  int longs() {
    return longs;
  }

  /** Heap bytes of the counters. */
  long bytes() {
    return 16 + 20L * pages.length + 8L * longs;
  }

  private long get(int j) {
    return pages[j >>> PAGE_BITS][j & (PAGE - 1)];
  }

  private void set(int j, long v) {
    pages[j >>> PAGE_BITS][j & (PAGE - 1)] = v;
  }

  /**
   * This sketch for about {@code entries} keys, its counts kept: a key's counters sit at the
   * same nibbles of long {@code j} of a table of {@code 2^k} longs and of long {@code 2j} or
   * {@code 2j + 1} of one twice as long (the index is the top bits of the same hash), so a
   * larger table copies each long twice and a smaller one keeps the larger count of each pair.
   */
  FrequencySketch resizedFor(int entries) {
    int target = longsFor(entries);
    FrequencySketch from = this;
    while (from.longs != target) {
      boolean grow = from.longs < target;
      FrequencySketch to = new FrequencySketch(grow ? from.longs * 2 : from.longs / 2, entries,
          Math.min(from.additions, Math.max(16, 10 * entries) - 1));
      for (int j = 0; j < to.longs; j++) {
        to.set(j, grow ? from.get(j >>> 1) : maxNibbles(from.get(2 * j), from.get(2 * j + 1)));
      }
      from = to;
    }
    return from;
  }

  private static long maxNibbles(long a, long b) {
    long r = 0;
    for (int i = 0; i < 64; i += 4) {
      r |= Math.max((a >>> i) & 15, (b >>> i) & 15) << i;
    }
    return r;
  }

  /** The estimated number of recent accesses of the key with hash {@code h} (0..15). */
  int frequency(long h) {
    int min = 15;
    for (int i = 0; i < 4; i++) {
      long x = spread(h, i);
      int index = shift == 64 ? 0 : (int) (x >>> shift);
      int nibble = ((int) x >>> 8) & 15;
      min = Math.min(min, (int) (get(index) >>> (nibble << 2)) & 15);
    }
    return min;
  }

  /** Records {@code times} accesses of the key with hash {@code h}. */
  void increment(long h, int times) {
    for (int t = 0; t < times; t++) {
      boolean added = false;
      for (int i = 0; i < 4; i++) {
        long x = spread(h, i);
        int index = shift == 64 ? 0 : (int) (x >>> shift);
        int nibble = ((int) x >>> 8) & 15;
        long mask = 15L << (nibble << 2);
        long v = get(index);
        if ((v & mask) != mask) {
          set(index, v + (1L << (nibble << 2)));
          added = true;
        }
      }
      if (added && ++additions >= sampleSize) {
        reset();
      }
    }
  }

  private void reset() {
    for (long[] page : pages) {
      for (int i = 0; i < page.length; i++) {
        page[i] = (page[i] >>> 1) & RESET_MASK;
      }
    }
    additions >>>= 1;
  }

  private static long spread(long h, int i) {
    long x = (h + SEEDS[i]) * 0x9E3779B97F4A7C15L;
    return x ^ (x >>> 29);
  }
}
