package org.groupcache4j.bench.internal;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;

/** Median and spread (min–max) of repeated measurements. */
public record Summary(double median, double min, double max, int n) {
  public static Summary of(Collection<Double> values) {
    return of(values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  public static Summary of(double... values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no measurements to summarize");
    }
    double[] v = values.clone();
    Arrays.sort(v);
    int m = v.length / 2;
    double median = v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    return new Summary(median, v[0], v[v.length - 1], v.length);
  }

  /** E.g. {@code 0.712 (0.701–0.730)} with the given format per number; no range for one value. */
  public String format(String numberFormat) {
    String med = String.format(Locale.ROOT, numberFormat, median);
    if (n == 1 || min == max) {
      return med;
    }
    return med + " (" + String.format(Locale.ROOT, numberFormat, min) + "–"
        + String.format(Locale.ROOT, numberFormat, max) + ")";
  }
}
