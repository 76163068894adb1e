package org.groupcache4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.groupcache4j.ByteView;
import org.junit.jupiter.api.Test;

/**
 * One pass over many keys that are never read again (a batch job, a crawler) after a working set
 * that is read often: the trade-off {@code EvictionPolicy} documents between the two policies.
 */
class ScanResistanceTest {
  private static final ByteView V = ByteView.copyOf(new byte[16]);
  private static final int HOT = 100;

  /** Reads like a group: a miss is loaded and put. Returns how many hot keys are still held after the scan. */
  private static int hotKeysLeftAfterAScan(Store s) {
    // A cache that has been full for a while: Caffeine counts frequencies once it is half full.
    for (int i = 0; i < 1000; i++) {
      readThrough(s, "earlier-" + i);
    }
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < HOT; i++) {
        readThrough(s, "hot-" + i);
      }
    }
    for (int i = 0; i < 10_000; i++) {
      readThrough(s, "scan-" + i);
    }
    int left = 0;
    for (int i = 0; i < HOT; i++) {
      if (s.get("hot-" + i) != null) {
        left++;
      }
    }
    return left;
  }

  private static void readThrough(Store s, String key) {
    if (s.get(key) == null) {
      s.put(key, V);
    }
  }

  @Test
  void wTinyLfuKeepsAFrequentlyReadWorkingSetThroughAScan() {
    Store s = new TinyLfuStore(200 * 26, Runnable::run); // room for about 200 entries
    assertThat(hotKeysLeftAfterAScan(s)).isGreaterThanOrEqualTo(90);
    assertThat(s.bytes()).isLessThanOrEqualTo(200 * 26);
  }

  @Test
  void lruLosesTheWholeWorkingSetToAScan() {
    Store s = new LruStore(200 * 26);
    assertThat(hotKeysLeftAfterAScan(s)).isZero();
  }
}
