package org.groupcache4j.internal;

/**
 * A count-min sketch of 4-bit counters that estimates how often each key was accessed recently,
 * as TinyLFU uses it (Einziger, Friedman and Manes, "TinyLFU: A Highly Efficient Cache Admission
 * Policy", 2017; Caffeine's {@code FrequencySketch}): 16 counters to a {@code long}, four
 * counters per key, the estimate is the smallest of them. After {@code 10 x} the number of
 * entries it was sized for, every counter is halved, so history fades.
 *
 * <p>Not thread-safe: {@link CompactStore} keeps one per shard, under the shard's lock.
 */
final class FrequencySketch {
  private static final long RESET_MASK = 0x7777777777777777L;
  private static final long[] SEEDS = {
    0xC3A5C85C97CB3127L, 0xB492B66FBE98F273L, 0x9AE16A3B2F90404FL, 0xCBF29CE484222325L
  };

  private final long[] table;
  private final int shift;
  private final int sampleSize;
  private int additions;

  /** A sketch for about {@code entries} keys: 8 to 16 counters a key (a power of two of longs, at least one). */
  FrequencySketch(int entries) {
    this(new long[longsFor(entries)], entries, 0);
  }

  private FrequencySketch(long[] table, int entries, int additions) {
    this.table = table;
    this.shift = 64 - Integer.numberOfTrailingZeros(table.length);
    this.sampleSize = Math.max(16, 10 * entries);
    this.additions = additions;
  }

  /**
   * This sketch for about {@code entries} keys, its counts kept: a key's counters sit at the
   * same nibbles of long {@code j} of a table of {@code 2^k} longs and of long {@code 2j} or
   * {@code 2j + 1} of one twice as long (the index is the top bits of the same hash), so a
   * larger table copies each long twice and a smaller one keeps the larger count of each pair.
   */
  FrequencySketch resizedFor(int entries) {
    int longs = longsFor(entries);
    long[] t = table;
    while (t.length < longs) {
      long[] g = new long[t.length * 2];
      for (int j = 0; j < t.length; j++) {
        g[2 * j] = t[j];
        g[2 * j + 1] = t[j];
      }
      t = g;
    }
    while (t.length > longs) {
      long[] g = new long[t.length / 2];
      for (int j = 0; j < g.length; j++) {
        g[j] = maxNibbles(t[2 * j], t[2 * j + 1]);
      }
      t = g;
    }
    return new FrequencySketch(t, entries, Math.min(additions, Math.max(16, 10 * entries) - 1));
  }

  private static long maxNibbles(long a, long b) {
    long r = 0;
    for (int i = 0; i < 64; i += 4) {
      r |= Math.max((a >>> i) & 15, (b >>> i) & 15) << i;
    }
    return r;
  }

  /** The longs a sketch for {@code entries} keys has: the largest power of two not above it. */
  static int longsFor(int entries) {
    return Math.max(1, Integer.highestOneBit(Math.max(1, entries)));
  }

  int longs() {
    return table.length;
  }

  /** Heap bytes of the counters. */
  long bytes() {
    return 16L + 8L * table.length;
  }

  /** The estimated number of recent accesses of the key with hash {@code h} (0..15). */
  int frequency(long h) {
    int min = 15;
    for (int i = 0; i < 4; i++) {
      long x = spread(h, i);
      int index = shift == 64 ? 0 : (int) (x >>> shift);
      int nibble = ((int) x >>> 8) & 15;
      min = Math.min(min, (int) (table[index] >>> (nibble << 2)) & 15);
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
        if ((table[index] & mask) != mask) {
          table[index] += 1L << (nibble << 2);
          added = true;
        }
      }
      if (added && ++additions >= sampleSize) {
        reset();
      }
    }
  }

  private void reset() {
    for (int i = 0; i < table.length; i++) {
      table[i] = (table[i] >>> 1) & RESET_MASK;
    }
    additions >>>= 1;
  }

  private static long spread(long h, int i) {
    long x = (h + SEEDS[i]) * 0x9E3779B97F4A7C15L;
    return x ^ (x >>> 29);
  }
}
