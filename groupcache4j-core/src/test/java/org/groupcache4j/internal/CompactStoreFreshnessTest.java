package org.groupcache4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.groupcache4j.ByteView;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A read never goes back in time: each thread owns its keys, so what it last wrote to a key is
 * the key's latest value, and its next read of the key must return exactly that (or nothing, if
 * it removed the key, or, on a store too small for everything, if the key was evicted), while
 * the other threads' writes move records between segments, drop segments, reuse their numbers
 * and rebuild the index under it.
 */
class CompactStoreFreshnessTest {
  private static final int THREADS = 4;
  private static final int KEYS_PER_THREAD = 400;
  private static final int OPS_PER_THREAD = 200_000;

  private static ByteView value(int thread, int key, long version, Random r) {
    ByteBuffer b = ByteBuffer.allocate(16 + r.nextInt(r.nextInt(20) == 0 ? 2000 : 90));
    b.putInt(thread).putInt(key).putLong(version);
    return ByteView.copyOf(b.array());
  }

  private static long versionOf(ByteView v) {
    return v.asReadOnlyByteBuffer().getLong(8);
  }

  /**
   * {@code budget}: 16 MiB holds every key (no eviction); 64 KiB evicts all the time; {@code region}:
   * main-space segments of a whole (simulated) G1 region each, or 0: of the window's size.
   */
  @ParameterizedTest(name = "budget {0}, region {1}")
  @CsvSource({"16777216, 0", "65536, 0", "16777216, 65536", "65536, 2048"})
  void aReadReturnsTheKeysLatestWriteOrNothing(long budget, int region) throws Exception {
    CompactStore store = new CompactStore(budget, 42L, 1, region);
    assertThat(store.regionSegment).isEqualTo(region == 0 ? 0 : region - 16);
    boolean evicts = budget < (1 << 20);
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      done.add(pool.submit(() -> {
        Random r = new Random(thread);
        long[] latest = new long[KEYS_PER_THREAD]; // 0: absent
        long version = 0;
        start.await();
        for (int op = 0; op < OPS_PER_THREAD && wrong.size() < 10; op++) {
          int k = r.nextInt(KEYS_PER_THREAD);
          String key = "t" + thread + "-" + k;
          int what = r.nextInt(10);
          if (what < 4) {
            latest[k] = ++version;
            store.put(key, value(thread, k, version, r));
          } else if (what == 4) {
            store.remove(key);
            latest[k] = 0;
          }
          Entry e = store.get(key);
          long read = e == null ? 0 : versionOf(e.value);
          ByteView fresh = store.getFresh(key, java.time.Clock.systemUTC());
          long readFresh = fresh == null ? 0 : versionOf(fresh);
          for (long got : new long[] {read, readFresh}) {
            if (got != latest[k] && !(got == 0 && evicts)) {
              wrong.add(key + ": read version " + got + " after writing " + latest[k] + " (op " + op + ")");
            }
          }
          if (!evicts && what == 9 && k == 0) {
            // now and then a burst of removes and puts of a whole range: the index shrinks and grows
            for (int j = 1; j < KEYS_PER_THREAD; j += 2) {
              store.remove("t" + thread + "-" + j);
              latest[j] = 0;
            }
          }
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> f : done) {
      f.get(2, TimeUnit.MINUTES);
    }
    pool.shutdown();
    assertThat(wrong).as("reads that were not the key's latest write").isEmpty();
  }
}
