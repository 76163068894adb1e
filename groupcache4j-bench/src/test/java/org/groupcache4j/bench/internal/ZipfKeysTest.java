package org.groupcache4j.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ZipfKeysTest {
  @Test
  void sameSeedSameKeysOtherSeedOtherKeys() {
    int[] a = ZipfKeys.generate(10_000, 1_000, 0.99, 42);

    assertThat(ZipfKeys.generate(10_000, 1_000, 0.99, 42)).containsExactly(a);
    assertThat(ZipfKeys.generate(10_000, 1_000, 0.99, 43)).isNotEqualTo(a);
  }

  @Test
  void keysStayInRange() {
    assertThat(Arrays.stream(ZipfKeys.generate(50_000, 37, 0.99, 1)).min().getAsInt()).isZero();
    assertThat(Arrays.stream(ZipfKeys.generate(50_000, 37, 0.99, 1)).max().getAsInt()).isEqualTo(36);
    assertThat(ZipfKeys.generate(10, 1, 0.99, 1)).containsOnly(0);
  }

  /** Frequency of the item of rank r is proportional to 1 / r^s: check the head of the distribution. */
  @Test
  void frequenciesFollowZipfsLaw() {
    int items = 1_000;
    double s = 0.99;
    int n = 2_000_000;
    int[] counts = new int[items];
    for (int k : ZipfKeys.generate(n, items, s, 2024)) {
      counts[k]++;
    }
    int[] byRank = Arrays.stream(counts).boxed().sorted((x, y) -> y - x).mapToInt(Integer::intValue).toArray();
    double harmonic = 0;
    for (int r = 1; r <= items; r++) {
      harmonic += 1 / Math.pow(r, s);
    }

    for (int rank = 1; rank <= 5; rank++) {
      double expected = 1 / Math.pow(rank, s) / harmonic;
      assertThat((double) byRank[rank - 1] / n).as("share of rank %d", rank).isCloseTo(expected, within(expected * 0.05));
    }
    assertThat((double) byRank[0] / byRank[1]).isCloseTo(Math.pow(2, s), within(0.1));
  }

  /** Popular items are scattered over the range, not the smallest numbers. */
  @Test
  void popularItemsAreScattered() {
    int[] counts = new int[10_000];
    for (int k : ZipfKeys.generate(200_000, counts.length, 0.99, 5)) {
      counts[k]++;
    }
    int top = 0;
    for (int i = 1; i < counts.length; i++) {
      if (counts[i] > counts[top]) {
        top = i;
      }
    }
    int hotInFirstTenth = 0;
    int[] sorted = counts.clone();
    Arrays.sort(sorted);
    int threshold = sorted[sorted.length - 100]; // the 100 most popular
    for (int i = 0; i < counts.length / 10; i++) {
      if (counts[i] >= threshold) {
        hotInFirstTenth++;
      }
    }
    assertThat(hotInFirstTenth).as("popular items among the first tenth of the range").isLessThan(40);
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> ZipfKeys.generate(-1, 10, 0.99, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ZipfKeys.generate(10, 0, 0.99, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ZipfKeys.generate(10, 10, 0, 1)).hasMessageContaining("exponent");
  }
}
