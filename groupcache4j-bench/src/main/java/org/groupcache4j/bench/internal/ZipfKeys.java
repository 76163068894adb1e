package org.groupcache4j.bench.internal;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.PermutationSampler;
import org.apache.commons.rng.sampling.distribution.DiscreteSampler;
import org.apache.commons.rng.sampling.distribution.RejectionInversionZipfSampler;
import org.apache.commons.rng.simple.RandomSource;

/**
 * Zipf-distributed item indexes, precomputed for benchmarks in the manner of Caffeine's
 * {@code GetPutBenchmark}: item of popularity rank {@code r} (1-based) is drawn with probability
 * proportional to {@code 1 / r^exponent}. Ranks are mapped to items through a fixed random
 * permutation, so the popular items are scattered over {@code [0, items)} rather than being the
 * smallest numbers. The same seed gives the same array.
 */
public final class ZipfKeys {
  /** The exponent Caffeine's and YCSB's benchmarks use. */
  public static final double DEFAULT_EXPONENT = 0.99;

  private ZipfKeys() {}

  /** {@code count} item indexes in {@code [0, items)}, Zipf-distributed over popularity rank. */
  public static int[] generate(int count, int items, double exponent, long seed) {
    if (count < 0 || items < 1 || !(exponent > 0)) {
      throw new IllegalArgumentException("need count >= 0, items >= 1 and exponent > 0; got count="
          + count + ", items=" + items + ", exponent=" + exponent);
    }
    UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(seed);
    int[] itemOfRank = PermutationSampler.natural(items);
    PermutationSampler.shuffle(rng, itemOfRank);
    DiscreteSampler zipf = RejectionInversionZipfSampler.of(rng, items, exponent);
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = itemOfRank[zipf.sample() - 1];
    }
    return out;
  }
}
