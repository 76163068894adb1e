package org.groupcache4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.groupcache4j.ByteView;
import org.groupcache4j.EvictionPolicy;
import org.junit.jupiter.api.Test;

class GroupStoresTest {
  @Test
  void hotStoreTakesAtMostAnEighthAndMainTheRest() {
    GroupStores s = new GroupStores(8000, LruStore::new);
    for (int i = 0; i < 200; i++) {
      s.putHot("hot" + i, Entry.of(ByteView.copyOf(new byte[95])));
    }
    assertThat(s.hot().bytes()).isLessThanOrEqualTo(1000).isGreaterThan(800);
    for (int i = 0; i < 200; i++) {
      s.putMain("main" + i, Entry.of(ByteView.copyOf(new byte[95])));
    }
    assertThat(s.main().bytes() + s.hot().bytes()).isLessThanOrEqualTo(8000);
    assertThat(s.main().bytes()).isGreaterThan(6000);
  }

  @Test
  void mainStoreUsesTheWholeBudgetWhenNothingIsHot() {
    GroupStores s = new GroupStores(8000, TinyLfuStore::new);
    for (int i = 0; i < 79; i++) {
      s.putMain("k" + (char) ('A' + i % 26) + i, Entry.of(ByteView.copyOf(new byte[96]))); // ~100 bytes each
    }
    assertThat(s.main().bytes()).isGreaterThan(7000).isLessThanOrEqualTo(8000);
  }

  @Test
  void compactStoresMoveTheirBudgetBetweenMainAndHotAsTheOthersDo() {
    GroupStores s = new GroupStores(1 << 20, CompactStore::new);
    for (int i = 0; i < 20_000; i++) {
      s.putHot("hot" + i, Entry.of(ByteView.copyOf(new byte[95])));
    }
    assertThat(s.hot().bytes()).isLessThanOrEqualTo((1 << 20) / 8).isGreaterThan((1 << 20) / 10);
    for (int i = 0; i < 20_000; i++) {
      s.putMain("main" + i, Entry.of(ByteView.copyOf(new byte[95])));
    }
    assertThat(s.main().bytes() + s.hot().bytes()).isLessThanOrEqualTo(1 << 20);
    assertThat(s.main().bytes()).isGreaterThan((1 << 20) * 3 / 4);
    for (int i = 0; i < 20_000; i++) {
      s.remove("hot" + i);
    }
    assertThat(s.main().capacity()).as("the hot store's share back with the main store").isEqualTo(1 << 20);
  }

  @Test
  void zeroBudgetCachesNothing() {
    GroupStores s = new GroupStores(0, TinyLfuStore::new);
    s.putMain("a", Entry.of(ByteView.of("x")));
    s.putHot("b", Entry.of(ByteView.of("x")));
    assertThat(s.get("a")).isNull();
    assertThat(s.get("b")).isNull();
  }

  @Test
  void aValueLargerThanTheBudgetIsNotCached() {
    GroupStores s = new GroupStores(100, LruStore::new);
    s.putMain("small", Entry.of(ByteView.of("v")));
    s.putMain("big", Entry.of(ByteView.copyOf(new byte[101])));
    assertThat(s.get("big")).isNull();
    assertThat(s.get("small")).isNotNull(); // a too-big value does not flush the store
  }

  @Property(tries = 200)
  void mainPlusHotNeverExceedTheBudget(@ForAll @Size(max = 200) List<@IntRange(min = 0, max = 399) Integer> ops,
      @ForAll @IntRange(min = 0, max = 30_000) int budget, @ForAll @IntRange(min = 0, max = 2) int policy) {
    LongFunction<Store> f = policy == 0 ? LruStore::new : policy == 1 ? TinyLfuStore::new : c -> CompactStore.deterministic(c, 3);
    GroupStores s = new GroupStores(budget, f);
    for (int op : ops) {
      String key = "k" + (op % 37);
      ByteView v = ByteView.copyOf(new byte[op]);
      switch (op % 4) {
        case 0, 1 -> s.putMain(key, Entry.of(v));
        case 2 -> s.putHot(key, Entry.of(v));
        default -> s.remove(key);
      }
      assertThat(s.main().bytes() + s.hot().bytes()).isLessThanOrEqualTo(budget);
      assertThat(s.hot().bytes()).isLessThanOrEqualTo(budget / 8);
    }
  }

  /**
   * Writers to the main and the hot store of one group at once, each write moving the budget
   * between them, while readers read: every value read is one written for its key, each store
   * stays within its share while they run, and once they are done the main store's share is
   * exactly the budget the hot store leaves.
   */
  @Test
  void compactStoresKeepTheirKeysAndTheirSharesWhileTheBudgetMovesUnderConcurrentWrites() throws Exception {
    long budget = 256 << 10;
    GroupStores s = GroupStores.of(budget, EvictionPolicy.COMPACT);
    AtomicReference<String> failure = new AtomicReference<>();
    AtomicBoolean done = new AtomicBoolean();
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int seed = t;
        workers.add(pool.submit(() -> {
          Random r = new Random(seed);
          start.await();
          for (int op = 0; op < 60_000 && failure.get() == null; op++) {
            String key = "key-" + r.nextInt(3000);
            int what = r.nextInt(100);
            if (what < 45) {
              Entry e = s.get(key);
              if (e != null && !namesKey(e.value, key)) {
                failure.compareAndSet(null, "read " + e.value.length() + " bytes not written for '" + key + "'");
              }
            } else if (what < 75) {
              s.putMain(key, Entry.of(valueOf(key, r)));
            } else if (what < 92) {
              s.putHot(key, Entry.of(valueOf(key, r)));
            } else {
              s.remove(key);
            }
          }
          return null;
        }));
      }
      Future<?> monitor = pool.submit(() -> {
        start.await();
        while (!done.get()) {
          if (s.hot().bytes() > budget / 8 || s.main().bytes() > budget) {
            failure.compareAndSet(null, "main " + s.main().bytes() + " and hot " + s.hot().bytes() + " bytes: over their shares");
          }
          Thread.onSpinWait();
        }
        return null;
      });
      start.countDown();
      for (Future<?> w : workers) {
        w.get(120, TimeUnit.SECONDS);
      }
      done.set(true);
      monitor.get(30, TimeUnit.SECONDS);
    } finally {
      done.set(true);
      pool.shutdownNow();
    }
    assertThat(failure.get()).isNull();
    assertThat(s.hot().items()).as("the hot store was used").isPositive();
    assertThat(s.main().capacity()).isEqualTo(budget - s.hot().bytes());
    assertThat(s.main().bytes() + s.hot().bytes()).isLessThanOrEqualTo(budget);
    assertThat(((CompactStore) s.main()).inconsistency()).isNull();
    assertThat(((CompactStore) s.hot()).inconsistency()).isNull();
  }

  /** The key's bytes, then filler of a random length derived from the key. */
  private static ByteView valueOf(String key, Random r) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    byte[] v = Arrays.copyOf(k, k.length + r.nextInt(r.nextInt(20) == 0 ? 4000 : 150));
    for (int i = k.length; i < v.length; i++) {
      v[i] = (byte) (key.hashCode() + i);
    }
    return ByteView.copyOf(v);
  }

  private static boolean namesKey(ByteView value, String key) {
    byte[] v = value.toByteArray();
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    if (v.length < k.length || !Arrays.equals(v, 0, k.length, k, 0, k.length)) {
      return false;
    }
    for (int i = k.length; i < v.length; i++) {
      if (v[i] != (byte) (key.hashCode() + i)) {
        return false;
      }
    }
    return true;
  }
}
