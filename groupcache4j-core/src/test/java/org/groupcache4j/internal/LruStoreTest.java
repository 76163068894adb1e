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

  /**
   * Hits recorded while another thread holds the list's lock wait in the queue; more of them than
   * one reader replays in a turn must still come out in order, before the reader's own hit and
   * before any eviction.
   */
  @Test
  void hitsQueuedWhileTheLockIsBusyKeepTheExactOrder() throws Exception {
    int n = 10;
    LruStore s = new LruStore(10L * n); // "kN" + 8 bytes: exactly n entries
    java.util.LinkedHashMap<String, Boolean> model = new java.util.LinkedHashMap<>(16, 0.75f, true);
    for (int i = 0; i < n; i++) {
      s.put("k" + i, V);
      model.put("k" + i, true);
    }
    java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    Thread holder = new Thread(() -> {
      s.lockForTests().lock();
      try {
        held.countDown();
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        s.lockForTests().unlock();
      }
    });
    holder.start();
    assertThat(held.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    java.util.Random r = new java.util.Random(7);
    int queued = 3 * LruStore.REPLAY_BUDGET;
    for (int i = 0; i < queued; i++) { // all queued: the lock is busy
      String k = "k" + r.nextInt(n);
      assertThat(s.get(k)).isNotNull();
      model.get(k);
    }
    release.countDown();
    holder.join(10_000);
    assertThat(holder.isAlive()).isFalse();

    // Takes the lock, replays one budget's worth, and must queue itself behind the rest.
    assertThat(s.get("k3")).isNotNull();
    model.get("k3");
    for (int i = 0; i < n; i++) {
      String eldest = model.keySet().iterator().next();
      model.remove(eldest);
      s.put("x" + i, V); // as heavy as a "kN" entry: evicts exactly one
      model.put("x" + i, true);
      assertThat(s.holds(eldest)).as("the least recently used key %s, evicted by put #%d", eldest, i).isFalse();
      for (String k : model.keySet()) {
        assertThat(s.holds(k)).as("%s after put #%d", k, i).isTrue();
      }
    }
    assertThat(s.isConsistent()).isTrue();
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
