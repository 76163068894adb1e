package org.groupcache4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LongArraysTest {
  @Test
  void anEmptyArrayHasItsEndAsTheBound() {
    assertThat(LongArrays.lowerBound(new long[0], 7)).isZero();
    assertThat(LongArrays.lowerBound(new long[] {1, 2, 3}, 2, 2, 7)).as("an empty range").isEqualTo(2);
  }

  @Test
  void aKeyAboveEveryValueIsBoundAtTheEnd() {
    assertThat(LongArrays.lowerBound(new long[] {1, 2, 3}, 4)).isEqualTo(3);
    assertThat(LongArrays.lowerBound(new long[] {1, 2, 3}, Long.MAX_VALUE)).isEqualTo(3);
  }

  @Test
  void aKeyBelowEveryValueIsBoundAtTheStart() {
    assertThat(LongArrays.lowerBound(new long[] {1, 2, 3}, 0)).isZero();
    assertThat(LongArrays.lowerBound(new long[] {1, 2, 3}, Long.MIN_VALUE)).isZero();
  }

  @Test
  void ofEqualValuesTheFirstIsTheBound() {
    long[] a = {1, 4, 4, 4, 4, 9};
    assertThat(LongArrays.lowerBound(a, 4)).isEqualTo(1);
    assertThat(LongArrays.lowerBound(new long[] {5, 5, 5, 5, 5, 5, 5}, 5)).isZero();
    assertThat(LongArrays.lowerBound(new long[] {5, 5, 5, 5, 5, 5, 5}, 6)).isEqualTo(7);
  }

  @Test
  void anExactHitIsItsOwnIndex() {
    long[] a = {10, 20, 30, 40, 50};
    for (int i = 0; i < a.length; i++) {
      assertThat(LongArrays.lowerBound(a, a[i])).isEqualTo(i);
    }
  }

  @Test
  void aKeyBetweenValuesIsBoundAtTheNextOne() {
    long[] a = {10, 20, 30, 40, 50};
    assertThat(LongArrays.lowerBound(a, 11)).isEqualTo(1);
    assertThat(LongArrays.lowerBound(a, 39)).isEqualTo(3);
    assertThat(LongArrays.lowerBound(a, 49)).isEqualTo(4);
  }

  @Test
  void valuesCompareSigned() {
    long[] a = {Long.MIN_VALUE, -5, -5, -1, 0, 3, Long.MAX_VALUE};
    assertThat(LongArrays.lowerBound(a, Long.MIN_VALUE)).isZero();
    assertThat(LongArrays.lowerBound(a, -6)).isEqualTo(1);
    assertThat(LongArrays.lowerBound(a, -5)).isEqualTo(1);
    assertThat(LongArrays.lowerBound(a, -2)).isEqualTo(3);
    assertThat(LongArrays.lowerBound(a, -1)).isEqualTo(3);
    assertThat(LongArrays.lowerBound(a, 0)).isEqualTo(4);
    assertThat(LongArrays.lowerBound(a, 4)).isEqualTo(6);
    assertThat(LongArrays.lowerBound(a, Long.MAX_VALUE)).isEqualTo(6);
  }

  @Test
  void aRangeIsSearchedWithinItsBounds() {
    long[] a = {1, 2, 3, 4, 5, 6, 7, 8};
    assertThat(LongArrays.lowerBound(a, 2, 6, 0)).as("below the range: its start").isEqualTo(2);
    assertThat(LongArrays.lowerBound(a, 2, 6, 5)).isEqualTo(4);
    assertThat(LongArrays.lowerBound(a, 2, 6, 8)).as("above the range: its end").isEqualTo(6);
  }

  @Test
  void itAgreesWithALinearScan() {
    Random random = new Random(42);
    for (int round = 0; round < 2000; round++) {
      long[] a = random.longs(random.nextInt(20), -8, 8).sorted().toArray();
      long key = random.nextInt(20) - 10;
      int expected = 0;
      while (expected < a.length && a[expected] < key) {
        expected++;
      }
      assertThat(LongArrays.lowerBound(a, key)).as("%s in %s", key, java.util.Arrays.toString(a)).isEqualTo(expected);
    }
  }
}
