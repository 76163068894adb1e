package org.groupcache4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
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
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int seed = t;
        done.add(pool.submit(() -> {
          Random r = new Random(seed);
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
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(s.isConsistent()).isTrue();
    assertThat(s.stats().gets()).isPositive();
  }

  /**
   * Hits do not take the lock: those made while another thread holds it must all count, in their
   * order, in the evictions that follow.
   */
  @Test
  void hitsWhileTheLockIsBusyKeepTheExactOrder() throws Exception {
    int n = 10;
    LruStore s = new LruStore(10L * n); // "kN" + 8 bytes: exactly n entries
    LinkedHashMap<String, Boolean> model = new LinkedHashMap<>(16, 0.75f, true);
    fill(s, model, n);
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
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
    assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
    Random r = new Random(7);
    for (int i = 0; i < 192; i++) { // the lock is busy throughout
      String k = "k" + r.nextInt(n);
      assertThat(s.get(k)).isNotNull();
      model.get(k);
    }
    release.countDown();
    holder.join(10_000);
    assertThat(holder.isAlive()).isFalse();

    assertThat(s.get("k3")).isNotNull();
    model.get("k3");
    assertEvictionsFollow(s, model, n);
  }

  /** Puts keys k0 .. k(n-1) into {@code s} and {@code model}. */
  private static void fill(LruStore s, LinkedHashMap<String, Boolean> model, int n) {
    for (int i = 0; i < n; i++) {
      s.put("k" + i, V);
      model.put("k" + i, true);
    }
  }

  /** Puts {@code n} new keys, one eviction each, and checks every one evicts the model's eldest and keeps the rest. */
  private static void assertEvictionsFollow(LruStore s, LinkedHashMap<String, Boolean> model, int n) {
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

  /**
   * Two threads take turns hitting keys, handing over through a queue: each hit happens after the
   * previous one, on another core as often as not. The evictions must follow that order.
   */
  @Test
  void hitsFromThreadsTakingTurnsAreOrderedAcrossThreads() throws Exception {
    int n = 10;
    LruStore s = new LruStore(10L * n);
    LinkedHashMap<String, Boolean> model = new LinkedHashMap<>(16, 0.75f, true);
    fill(s, model, n);
    Random r = new Random(11);
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      order.add("k" + r.nextInt(n));
    }
    SynchronousQueue<Integer> toA = new SynchronousQueue<>();
    SynchronousQueue<Integer> toB = new SynchronousQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> a = pool.submit(() -> takeTurns(s, order, 0, toA, toB));
      Future<?> b = pool.submit(() -> takeTurns(s, order, 1, toB, toA));
      toA.put(0);
      a.get(30, TimeUnit.SECONDS);
      b.get(30, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    order.forEach(model::get);
    assertEvictionsFollow(s, model, n);
  }

  /** Hits the keys of {@code order} at the positions of this thread's parity, one turn at a time. */
  private static Void takeTurns(LruStore s, List<String> order, int parity,
      SynchronousQueue<Integer> mine, SynchronousQueue<Integer> theirs)
      throws InterruptedException {
    while (true) {
      int i = mine.take();
      if (i >= order.size()) {
        if (parity == i % 2) {
          theirs.put(i); // let the other one see the end too
        }
        return null;
      }
      assertThat(s.get(order.get(i))).isNotNull();
      theirs.put(i + 1);
    }
  }

  /**
   * Any sequence of gets, puts, removes and capacity changes leaves exactly
   * the entries a byte-bounded {@link LinkedHashMap} in access order keeps, with the same bytes.
   */
  @Property(tries = 300)
  void agreesWithALinkedHashMapLruAfterEveryOperation(@ForAll("operations") List<int[]> ops) {
    LruStore s = new LruStore(120);
    LinkedHashMap<String, Integer> model = new LinkedHashMap<>(16, 0.75f, true); // key -> weight
    long[] capacity = {120};
    for (int[] op : ops) {
      String key = "k" + op[1];
      switch (op[0]) {
        case 0, 1, 2 -> {
          Entry got = s.get(key);
          assertThat(got != null).as("get %s", key).isEqualTo(model.get(key) != null);
        }
        case 3, 4 -> {
          int w = key.length() + op[2];
          s.put(key, ByteView.copyOf(new byte[op[2]]));
          model.remove(key);
          if (w <= capacity[0]) {
            model.put(key, w);
          }
          evictModel(model, capacity[0]);
        }
        case 5, 6 -> assertThat(s.remove(key)).isEqualTo(model.remove(key) != null);
        default -> {
          capacity[0] = op[2] * 4L;
          s.setCapacity(capacity[0]);
          evictModel(model, capacity[0]);
        }
      }
      for (String k : model.keySet()) {
        assertThat(s.holds(k)).as("%s after %s", k, Arrays.toString(op)).isTrue();
      }
      assertThat(s.items()).isEqualTo(model.size());
      assertThat(s.bytes()).isEqualTo(model.values().stream().mapToLong(Integer::longValue).sum());
      assertThat(s.isConsistent()).isTrue();
    }
  }

  private static void evictModel(LinkedHashMap<String, Integer> model, long capacity) {
    long bytes = model.values().stream().mapToLong(Integer::longValue).sum();
    Iterator<Map.Entry<String, Integer>> it = model.entrySet().iterator();
    while (bytes > capacity && it.hasNext()) {
      bytes -= it.next().getValue();
      it.remove();
    }
  }

  /** {operation, key number, size}: gets, puts, removes, capacity changes. */
  @Provide
  Arbitrary<List<int[]>> operations() {
    Arbitrary<int[]> op = Arbitraries.integers().between(0, 7)
        .flatMap(kind -> Arbitraries.integers().between(0, 15)
            .flatMap(key -> Arbitraries.integers().between(0, 40).map(size -> new int[] {kind, key, size})));
    return op.list().ofMinSize(1).ofMaxSize(200);
  }
}
