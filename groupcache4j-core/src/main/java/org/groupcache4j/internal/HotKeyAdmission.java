package org.groupcache4j.internal;

/**
 * Decides which values fetched from their owner are kept in the hot store.
 *
 * <p>golang/groupcache keeps a random 1 in 10, so a one-off key takes hot space as often as a
 * popular one, and a popular key is fetched about ten times before it sticks. Here a small
 * count-min sketch (4 rows of 4-bit counters, as in TinyLFU) counts peer fetches per key; a value
 * is kept once its key has been fetched {@link #threshold} times (2 by default) within the
 * sketch's recent history. Every {@code 10 x width} recorded fetches all counters are halved, so
 * history fades and a key that was popular long ago must earn its place again. One-off keys
 * therefore never enter the hot store, and a key asked twice enters on the second fetch.
 *
 * <p>Peer fetches are far rarer than hits, so the sketch is guarded by its own monitor.
 */
public final class HotKeyAdmission {
  private static final int ROWS = 4;
  private static final long[] SEEDS = {
    0x9E3779B97F4A7C15L, 0xC2B2AE3D27D4EB4FL, 0x165667B19E3779F9L, 0xD6E8FEB86659FD93L
  };

  private final int threshold;
  private final int mask;
  private final byte[][] counters;
  private final int resetAfter;
  private int recorded;

  /** A sketch with {@code width} counters per row (rounded up to a power of two). */
  public HotKeyAdmission(int width, int threshold) {
    if (threshold < 1 || threshold > 15) {
      throw new IllegalArgumentException("threshold must be 1..15, was " + threshold);
    }
    int w = Integer.highestOneBit((Math.max(16, width) - 1) << 1);
    this.mask = w - 1;
    this.counters = new byte[ROWS][w];
    this.threshold = threshold;
    this.resetAfter = 10 * w;
  }

  /** Records one fetch of {@code key} from its owner; returns whether to keep its value in the hot store. */
  public synchronized boolean recordFetchAndAdmit(String key) {
    int h = spread(key.hashCode());
    int min = Integer.MAX_VALUE;
    for (int r = 0; r < ROWS; r++) {
      int i = index(h, r);
      int c = counters[r][i];
      if (c < 15) {
        counters[r][i] = (byte) ++c;
      }
      min = Math.min(min, c);
    }
    if (++recorded >= resetAfter) {
      halve();
    }
    return min >= threshold;
  }

  public int threshold() {
    return threshold;
  }

  private void halve() {
    recorded = 0;
    for (byte[] row : counters) {
      for (int i = 0; i < row.length; i++) {
        row[i] = (byte) (row[i] >>> 1);
      }
    }
  }

  private int index(int h, int row) {
    long x = (h + SEEDS[row]) * SEEDS[row];
    x ^= x >>> 32;
    return (int) x & mask;
  }

  private static int spread(int h) {
    h ^= h >>> 16;
    h *= 0x45d9f3b;
    return h ^ (h >>> 16);
  }
}
