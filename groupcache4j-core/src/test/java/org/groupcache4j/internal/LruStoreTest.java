package org.groupcache4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.groupcache4j.ByteView;
import org.junit.jupiter.api.Test;

class LruStoreTest {
  private static final ByteView V = ByteView.copyOf(new byte[8]); // "kN" + 8 = 10 bytes per entry

  @Test
  void evictsTheLeastRecentlyUsedFirst() {
    LruStore s = new LruStore(30);
    s.put("k1", V);
    s.put("k2", V);
    s.put("k3", V);
    s.get("k1"); // k2 is now the oldest
    s.put("k4", V);
    assertThat(s.get("k2")).isNull();
    assertThat(s.get("k1")).isNotNull();
    assertThat(s.get("k3")).isNotNull();
    assertThat(s.get("k4")).isNotNull();
    assertThat(s.stats().evictions()).isEqualTo(1);
  }

  @Test
  void replacingAKeyMakesItMostRecent() {
    LruStore s = new LruStore(30);
    s.put("k1", V);
    s.put("k2", V);
    s.put("k3", V);
    s.put("k1", V);
    s.put("k4", V);
    assertThat(s.get("k2")).isNull();
    assertThat(s.get("k1")).isNotNull();
  }

  @Test
  void concurrentReadersAndWritersKeepListMapAndBytesInAgreement() throws Exception {
    LruStore s = new LruStore(2000);
    int threads = 4;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int seed = t;
        done.add(pool.submit(() -> {
          java.util.Random r = new java.util.Random(seed);
          for (int i = 0; i < 200_000; i++) {
            String k = "k" + r.nextInt(300);
            int op = r.nextInt(10);
            if (op < 7) {
              s.get(k);
            } else if (op < 9) {
              s.put(k, ByteView.copyOf(new byte[r.nextInt(40)]));
            } else {
              s.remove(k);
            }
          }
        }));
      }
      for (java.util.concurrent.Future<?> f : done) {
        f.get(60, java.util.concurrent.TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(s.isConsistent()).isTrue();
    assertThat(s.stats().gets()).isPositive();
  }

  @Test
  void removeOldestDropsTheTail() {
    LruStore s = new LruStore(100);
    s.put("k1", V);
    s.put("k2", V);
    assertThat(s.removeOldest()).isTrue();
    assertThat(s.get("k1")).isNull();
    assertThat(s.removeOldest()).isTrue();
    assertThat(s.removeOldest()).isFalse();
    assertThat(s.bytes()).isZero();
  }
}
