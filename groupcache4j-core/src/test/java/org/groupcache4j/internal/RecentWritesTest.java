package org.groupcache4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RecentWritesTest {
  private static final long WINDOW = 1_000_000_000L; // 1 s
  private final AtomicLong now = new AtomicLong(5_000_000_000L);
  private final RecentWrites log = new RecentWrites(WINDOW, 1000, now::get);

  /** A request from a node that applied {@code id} {@code agoNanos} before. */
  private static long[] applied(long id, long agoNanos) {
    return new long[] {id, agoNanos};
  }

  @Test
  void aKeyNobodyWroteNamesNoWriteAndWaitsForNone() {
    now.addAndGet(3 * WINDOW); // long after the log began
    assertThat(log.ids("k")).isEmpty();
    assertThat(log.appliedAll("k", new long[0])).isTrue();
    assertThat(log.await("k", null)).isDone();
  }

  @Test
  void aWriteIsNamedWithItsAgeForTheWindowNewestFirst() {
    log.applied("k", 11);
    now.addAndGet(100);
    log.applied("k", 22);
    now.addAndGet(50);
    assertThat(log.ids("k")).containsExactly(22, 50, 11, 150);
    now.addAndGet(WINDOW);
    assertThat(log.ids("k")).as("past the send window").isEmpty();
    log.applied("k", 0);
    assertThat(log.ids("k")).as("id 0 is no write").isEmpty();
  }

  @Test
  void aRequestNamingAWriteThisNodeHasNotAppliedWaitsUntilItIs() {
    now.addAndGet(3 * WINDOW);
    CompletableFuture<Void> waiting = log.await("k", applied(7, 1000));
    assertThat(waiting).isNotDone();
    log.applied("k", 8);
    assertThat(waiting).as("another write of the key").isNotDone();
    log.applied("other", 7);
    assertThat(waiting).as("the write, but of another key").isNotDone();
    log.applied("k", 7);
    assertThat(waiting).isDone();
    assertThat(log.appliedAll("k", new long[] {7, 0, 8, 0})).isTrue();
  }

  @Test
  void aWriteWaitedOutIsNotWaitedForAgainNorNamedByThisNode() {
    now.addAndGet(3 * WINDOW);
    log.applied("k", 8);
    long[] asked = new long[] {7, 1000, 8, 1000};
    assertThat(log.await("k", asked)).isNotDone();
    log.waitedOut("k", asked);
    assertThat(log.await("k", asked)).as("named again after the wait ran out").isDone();
    assertThat(log.appliedAll("other", applied(7, 1000))).as("the same id, of another key").isFalse();
    assertThat(log.ids("k")).as("only the write applied here is named").containsExactly(8, 0);
    log.applied("k", 7); // it comes after all
    assertThat(log.ids("k")).as("named once applied").containsExactly(7, 0, 8, 0);
    now.addAndGet(2 * WINDOW + 1);
    assertThat(log.appliedAll("k", applied(9, 1000))).isFalse();
  }

  @Test
  void aDropThatCoversEveryWriteOfTheKeyCoversOnlyWritesAppliedThereBeforeIt() {
    now.addAndGet(3 * WINDOW);
    log.applied("k", RecentWrites.ANY); // a hint's drop
    now.addAndGet(1000);
    assertThat(log.appliedAll("k", applied(7, 5000))).as("applied there before the drop here").isTrue();
    assertThat(log.appliedAll("k", applied(7, 10))).as("applied there after it").isFalse();
    assertThat(log.ids("k")).as("a drop is not sent as a write").isEmpty();
  }

  @Test
  void droppingEverythingOrStartingCoversWhatWasAppliedElsewhereBefore() {
    now.addAndGet(100);
    assertThat(log.appliedAll("k", applied(7, 200))).as("applied there before this node started").isTrue();
    assertThat(log.appliedAll("k", applied(7, 50))).as("after").isFalse();
    now.addAndGet(3 * WINDOW);
    CompletableFuture<Void> waiting = log.await("k", applied(9, 10));
    log.appliedEverything();
    assertThat(waiting).as("a drop of everything wakes what waits").isDone();
  }

  @Test
  void writesOlderThanTwiceTheWindowAreForgotten() {
    log.applied("k", 7);
    log.applied("j", 8);
    assertThat(log.size()).isEqualTo(2);
    now.addAndGet(2 * WINDOW + 1);
    log.applied("x", 9); // a write prunes what is past
    assertThat(log.size()).isEqualTo(1);
  }

  /**
   * A write under way (its change to the stores begun, not ended) is named in this node's own
   * requests at once, but a peer's request that waits for it is answered only once it is applied,
   * and it is logged once.
   */
  @Test
  void aWriteUnderWayIsNamedAtOnceAndCountsAsAppliedOnlyOnceApplied() {
    now.addAndGet(3 * WINDOW);
    CompletableFuture<Void> waiting = log.await("k", applied(7, 1000));
    log.applying("k", 7);
    assertThat(log.ids("k")).containsExactly(7, 0);
    assertThat(log.appliedAll("k", applied(7, 1000))).isFalse();
    assertThat(waiting).isNotDone();
    now.addAndGet(10);
    log.applied("k", 7);
    assertThat(waiting).isDone();
    assertThat(log.appliedAll("k", applied(7, 1000))).isTrue();
    assertThat(log.ids("k")).as("one entry, marked applied").containsExactly(7, 0);
    assertThat(log.size()).isEqualTo(1);
    log.applying("k", 0);
    log.applying("k", RecentWrites.ANY);
    assertThat(log.ids("k")).containsExactly(7, 0);
  }

  /** A write under way and then applied is one entry toward {@code maxKeys}; a write applied at once is one too. */
  @Test
  void aWriteIsCountedOnceTowardTheBoundWhetherUnderWayFirstOrNot() {
    now.addAndGet(3 * WINDOW);
    RecentWrites two = new RecentWrites(WINDOW, 2, now::get);
    two.applying("a", 1);
    two.applied("a", 1); // marks the entry under way: not a second one
    two.applied("b", 2);
    assertThat(two.size()).as("two writes: within the bound").isEqualTo(2);
    assertThat(two.ids("a")).containsExactly(1, 0);
    two.applied("c", 3);
    assertThat(two.size()).as("a third: the oldest goes").isEqualTo(2);
    assertThat(two.ids("a")).isEmpty();
    assertThat(two.ids("c")).containsExactly(3, 0);
  }

  /**
   * A write under way and applied a little later is forgotten once the time kept has passed too,
   * like any other: the log does not grow with the keys ever written.
   */
  @Test
  void aWriteAppliedAfterItWasUnderWayIsForgottenInTime() {
    log.applying("k", 7);
    now.addAndGet(1_000_000); // the change takes a millisecond
    log.applied("k", 7);
    now.addAndGet(2 * WINDOW + 1);
    log.applied("x", 9);
    assertThat(log.size()).isEqualTo(1);
    assertThat(log.ids("k")).isEmpty();
    assertThat(log.writtenWithinWindow("k")).isFalse();
  }

  /** However many keys are written, at most {@code maxWrites} writes are kept: the newest. */
  @Test
  void writesToEverNewKeysAreBoundedByTheNewest() {
    RecentWrites bounded = new RecentWrites(WINDOW, 1000, now::get);
    for (int i = 1; i <= 100_000; i++) {
      bounded.applying("key-" + i, i);
      now.addAndGet(10);
      bounded.applied("key-" + i, i);
    }
    assertThat(bounded.size()).isLessThanOrEqualTo(1024);
    assertThat(bounded.ids("key-100000")).containsExactly(100_000, 0);
    assertThat(bounded.ids("key-1")).as("the oldest went first").isEmpty();
  }

  /** Within the bound, every write is kept while it is within the window: the log grows as it must. */
  @Test
  void writesWithinTheBoundAreAllKeptAsTheLogGrows() {
    RecentWrites big = new RecentWrites(WINDOW, 1 << 17, now::get);
    int keys = 60_000;
    for (int i = 1; i <= keys; i++) {
      big.applied("key-" + i, i);
      big.applied("key-" + i, 1_000_000L + i); // a second write of each key
      now.addAndGet(1);
    }
    assertThat(big.size()).isEqualTo(keys);
    for (int i = 1; i <= keys; i += 997) {
      long[] ids = big.ids("key-" + i);
      assertThat(ids).hasSize(4);
      assertThat(ids[0]).isEqualTo(1_000_000L + i);
      assertThat(ids[2]).isEqualTo(i);
      assertThat(big.appliedAll("key-" + i, applied(i, 5))).isTrue();
      assertThat(big.appliedAll("key-" + i, applied(i + 1, 5))).as("another key's write").isFalse();
    }
  }

  /** Threads writing their own keys at once each find their own writes, and never another key's. */
  @Test
  void concurrentWritersEachSeeTheirOwnWrites() throws Exception {
    RecentWrites shared = new RecentWrites(WINDOW, 1 << 17, now::get);
    int threads = 4;
    java.util.List<java.util.concurrent.Future<Integer>> done = new java.util.ArrayList<>();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          int wrong = 0;
          for (int i = 1; i <= 20_000; i++) {
            String key = "t" + thread + "-" + (i % 500);
            long id = (long) thread << 32 | i;
            shared.applying(key, id);
            shared.applied(key, id);
            long[] ids = shared.ids(key);
            if (ids.length < 2 || ids[0] != id) {
              wrong++;
            }
            for (int j = 0; j < ids.length; j += 2) {
              if (ids[j] >>> 32 != thread || (ids[j] & 0xFFFFFFFFL) % 500 != i % 500) { // a write of another key
                wrong++;
              }
            }
          }
          return wrong;
        }));
      }
      for (java.util.concurrent.Future<Integer> f : done) {
        assertThat(f.get(60, java.util.concurrent.TimeUnit.SECONDS)).isZero();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
