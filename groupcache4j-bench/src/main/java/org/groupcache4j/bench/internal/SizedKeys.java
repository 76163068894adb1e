package org.groupcache4j.bench.internal;

/**
 * Distinct keys of a range of lengths, the same in every run: key {@code i} is its base-36 digits
 * padded with zeros to a length between {@code min} and {@code max} drawn from a hash of
 * {@code i}, so keys differ whatever their lengths.
 */
public final class SizedKeys {
  private final int min;
  private final int max;

  public SizedKeys(int min, int max) {
    if (min < 8 || max < min || max > 64) {
      throw new IllegalArgumentException("key lengths must be 8..64 (MIN-MAX within it), was " + min + "-" + max);
    }
    this.min = min;
    this.max = max;
  }

  /** Parses {@code N} or {@code MIN-MAX}. */
  public static SizedKeys parse(String lengths) {
    String[] range = lengths.split("-", 2);
    int lo = Integer.parseInt(range[0].trim());
    int hi = range.length == 1 ? lo : Integer.parseInt(range[1].trim());
    return new SizedKeys(lo, hi);
  }

  /** The mean key length. */
  public double meanLength() {
    return (min + max) / 2.0;
  }

  public String key(long i) {
    String digits = Long.toString(i, 36);
    long h = i * 0x9E3779B97F4A7C15L;
    int length = min + (int) ((h >>> 40) % (max - min + 1));
    StringBuilder sb = new StringBuilder(Math.max(length, digits.length()));
    for (int pad = length - digits.length(); pad > 0; pad--) {
      sb.append('0');
    }
    return sb.append(digits).toString();
  }

  @Override
  public String toString() {
    return min == max ? Integer.toString(min) : min + "-" + max;
  }
}
