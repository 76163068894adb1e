package org.groupcache4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.groupcache4j.ByteView;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Readers, writers, removes, expiry, eviction and budget changes at once, on a store small
 * enough that segments are dropped and their numbers reused all the time: the hazard of memory
 * that is reused while readers read it. Every value names its key and a sequence number and is
 * filled with bytes derived from both, so a read that returned another key's bytes, a torn
 * record or a record's neighbour would be caught.
 */
class CompactStoreConcurrencyTest {
  private static final int KEYS = 3000;
  private static final int OPS_PER_THREAD = 150_000;
  private static final long LARGE = 256 << 10;
  private static final long SMALL = 96 << 10;

  /** Sequence numbers of puts, each recorded with its key before the put. */
  private final ConcurrentHashMap<Long, String> putFor = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();

  private static String key(int i) {
    return i % 7 == 0 ? "ключ-" + i : "key-" + i;
  }

  /** [sequence: 8][key length: 2][key][filler derived from sequence and key] */
  private ByteView valueFor(String key, Random r) {
    long seq = sequence.incrementAndGet();
    putFor.put(seq, key);
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    int filler = r.nextInt(10) == 0 ? 300 + r.nextInt(3000) : r.nextInt(120);
    ByteBuffer b = ByteBuffer.allocate(10 + k.length + filler);
    b.putLong(seq).putShort((short) k.length).put(k);
    for (int i = 0; i < filler; i++) {
      b.put((byte) (seq * 31 + i + key.hashCode()));
    }
    return ByteView.copyOf(b.array());
  }

  /** Why {@code v} is not a value put for {@code key}, or null. */
  private String check(String key, ByteView v) {
    ByteBuffer b = v.asReadOnlyByteBuffer();
    if (b.remaining() < 10) {
      return "too short: " + b.remaining();
    }
    long seq = b.getLong();
    byte[] k = new byte[b.getShort()];
    if (k.length > b.remaining()) {
      return "bad key length " + k.length;
    }
    b.get(k);
    String named = new String(k, StandardCharsets.UTF_8);
    if (!named.equals(key)) {
      return "bytes of key '" + named + "' read for '" + key + "'";
    }
    if (!key.equals(putFor.get(seq))) {
      return "sequence " + seq + " was never put for '" + key + "'";
    }
    for (int i = 0; b.hasRemaining(); i++) {
      if (b.get() != (byte) (seq * 31 + i + key.hashCode())) {
        return "filler byte " + i + " of '" + key + "' #" + seq + " changed";
      }
    }
    return null;
  }

  /** {@code region}: main-space segments of a whole (simulated) G1 region each, or 0: of the window's size. */
  @ParameterizedTest(name = "region {0}")
  @ValueSource(ints = {0, 2048})
  void readsNeverSeeAnotherKeysBytesAndTheBudgetHolds(int region) throws Exception {
    CompactStore s = new CompactStore(LARGE, 42, 4, region);
    assertThat(s.regionSegment).isEqualTo(region == 0 ? 0 : region - 16);
    Clock clock = Clock.systemUTC();
    AtomicReference<String> failure = new AtomicReference<>();
    AtomicBoolean done = new AtomicBoolean();
    AtomicLong reads = new AtomicLong();
    AtomicLong found = new AtomicLong();
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads + 2);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> workers = new ArrayList<>();
      List<List<Object[]>> heldViews = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int seed = t;
        List<Object[]> held = new ArrayList<>();
        heldViews.add(held);
        workers.add(pool.submit(() -> {
          Random r = new Random(seed);
          start.await();
          for (int op = 0; op < OPS_PER_THREAD && failure.get() == null; op++) {
            String k = key(r.nextInt(KEYS));
            int what = r.nextInt(100);
            if (what < 60) {
              ByteView v = what < 30 ? s.getFresh(k, clock) : value(s.get(k));
              reads.incrementAndGet();
              if (v != null) {
                found.incrementAndGet();
                String why = check(k, v);
                if (why != null) {
                  failure.compareAndSet(null, why);
                }
                if (held.size() < 50 && r.nextInt(1000) == 0) {
                  held.add(new Object[] {k, v, v.toByteArray()});
                }
              }
            } else if (what < 85) {
              long expireAt = r.nextInt(4) == 0 ? clock.millis() + r.nextInt(5) : 0; // some expire at once
              s.put(k, Entry.of(valueFor(k, r), expireAt));
            } else if (what < 90) {
              s.put(k, Entry.notFound("no row for " + k, clock.millis() + 1000));
            } else {
              s.remove(k);
            }
          }
          return null;
        }));
      }
      Future<?> resizer = pool.submit(() -> {
        start.await();
        while (!done.get()) {
          s.setCapacity(SMALL);
          Thread.onSpinWait();
          s.setCapacity(LARGE);
        }
        return null;
      });
      Future<?> monitor = pool.submit(() -> {
        start.await();
        while (!done.get()) {
          long b = s.bytes();
          if (b > LARGE) {
            failure.compareAndSet(null, "the store held " + b + " bytes, more than the largest budget " + LARGE);
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
      resizer.get(30, TimeUnit.SECONDS);
      monitor.get(30, TimeUnit.SECONDS);
      assertThat(failure.get()).isNull();
      assertThat(found.get()).as("reads that found a value").isGreaterThan(reads.get() / 20);
      assertThat(s.stats().evictions()).as("the budget forced evictions").isGreaterThan(1000);
      // views taken long ago: their entries (and segments) are gone, their bytes are not
      for (List<Object[]> held : heldViews) {
        for (Object[] h : held) {
          assertThat(((ByteView) h[1]).toByteArray()).isEqualTo((byte[]) h[2]);
          assertThat(check((String) h[0], (ByteView) h[1])).isNull();
        }
      }
    } finally {
      done.set(true);
      pool.shutdownNow();
    }
    s.setCapacity(SMALL);
    assertThat(s.bytes()).isLessThanOrEqualTo(SMALL);
    assertThat(s.inconsistency()).isNull();
    for (int i = 0; i < KEYS; i++) { // after the storm: what is found is right
      String k = key(i);
      Entry e = s.get(k);
      if (e != null && e.value != null) {
        assertThat(check(k, e.value)).isNull();
      } else if (e != null) {
        assertThat(e.notFoundDetail).isEqualTo("no row for " + k);
      }
    }
  }

  private static ByteView value(Entry e) {
    return e == null ? null : e.value;
  }

  /** A reader racing a writer that moves and drops the very segment it reads finds the value or nothing, and then the value. */
  @ParameterizedTest(name = "region {0}")
  @ValueSource(ints = {0, 4096})
  void aReaderRacingSegmentReuseNeverMissesAKeyThatStaysPut(int region) throws Exception {
    CompactStore s = new CompactStore(128 << 10, 9, 1, region);
    assertThat(s.regionSegment).isEqualTo(region == 0 ? 0 : region - 16);
    ByteView pinned = ByteView.of("the pinned value");
    s.put("pinned", pinned);
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<String> failure = new AtomicReference<>();
    Thread writer = new Thread(() -> {
      Random r = new Random(1);
      for (int i = 0; i < 300_000 && failure.get() == null; i++) {
        s.put("churn-" + r.nextInt(50_000), ByteView.copyOf(new byte[r.nextInt(200)]));
        if (i % 1000 == 0) {
          s.put("pinned", pinned); // keeps it held (and moves it to the window)
        }
      }
      done.set(true);
    });
    writer.start();
    long hits = 0;
    long misses = 0;
    while (!done.get()) {
      Entry e = s.peek("pinned");
      if (e == null) {
        misses++;
      } else {
        hits++;
        if (!e.value.equals(pinned)) {
          failure.compareAndSet(null, "read " + e.value + " for 'pinned'");
        }
      }
    }
    writer.join(60_000);
    assertThat(failure.get()).isNull();
    assertThat(hits).isPositive();
    assertThat(s.inconsistency()).isNull();
    assertThat(misses).as("misses are rare: only while evicted between re-puts").isLessThan(hits + misses);
  }
}
