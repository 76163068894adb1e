package org.groupcache4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Fill once: concurrent misses of one key on one node run one load. */
class SingleFlightTest {
  private static final int CALLERS = 1000;
  private GroupCache cache;
  private ExecutorService callers;

  @BeforeEach
  void setUp() {
    cache = GroupCache.builder().build();
    callers = Executors.newFixedThreadPool(CALLERS); // one thread per caller: all of them block at once
  }

  @AfterEach
  void tearDown() {
    callers.shutdownNow();
    cache.close();
  }

  /**
   * Starts CALLERS threads, released together, each asking for {@code key}; each counts down
   * {@code joined} once its request has joined the flight (getAsync returns after that), so a
   * loader that waits for {@code joined} knows that every caller overlaps its load.
   */
  private List<Future<Object>> releaseCallers(Group g, String key, CountDownLatch joined) {
    List<Future<Object>> results = new ArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    for (int i = 0; i < CALLERS; i++) {
      results.add(callers.submit(() -> {
        go.await();
        CompletableFuture<ByteView> f = g.getAsync(key);
        joined.countDown();
        try {
          return f.get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          return e.getCause();
        }
      }));
    }
    go.countDown();
    return results;
  }

  @Test
  void thousandConcurrentCallersOfOneMissingKeyShareOneLoad() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch allWaiting = new CountDownLatch(CALLERS);
    Group g = cache.newGroup("sf", 1 << 20, key -> {
      loads.incrementAndGet();
      // Hold the load until every caller has joined the flight.
      allWaiting.await(10, TimeUnit.SECONDS);
      return ("v:" + key).getBytes();
    });
    List<Future<Object>> results = releaseCallers(g, "k", allWaiting);
    for (Future<Object> f : results) {
      assertThat(f.get(20, TimeUnit.SECONDS)).isEqualTo(ByteView.of("v:k"));
    }
    assertThat(loads).hasValue(1);
    GroupStats s = g.stats();
    assertThat(s.localLoads()).isEqualTo(1);
    assertThat(s.gets()).isEqualTo(CALLERS);
  }

  @Test
  void aThrowingLoaderFailsEveryCallerOnceAndDoesNotWedgeTheKey() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch allWaiting = new CountDownLatch(CALLERS);
    Group g = cache.newGroup("sf-err", 1 << 20, key -> {
      if (loads.incrementAndGet() == 1) {
        allWaiting.await(10, TimeUnit.SECONDS);
        throw new IllegalStateException("database is down");
      }
      return "recovered".getBytes();
    });
    List<Future<Object>> results = releaseCallers(g, "k", allWaiting);
    for (Future<Object> f : results) {
      assertThat(f.get(20, TimeUnit.SECONDS)).isInstanceOfSatisfying(LoadException.class, e -> {
        assertThat(e.group()).isEqualTo("sf-err");
        assertThat(e.key()).isEqualTo("k");
        assertThat(e).hasMessageContaining("group 'sf-err', key 'k'").hasMessageContaining("database is down");
        assertThat(e.getCause()).isInstanceOf(IllegalStateException.class);
      });
    }
    assertThat(loads).hasValue(1);
    assertThat(g.stats().localLoadErrors()).isEqualTo(1);
    // Nothing was cached for the failure, and the key is not wedged: the next call loads again.
    assertThat(g.get("k")).isEqualTo(ByteView.of("recovered"));
    assertThat(loads).hasValue(2);
  }

  @Test
  void anErrorThrownByTheLoaderDoesNotWedgeTheKey() {
    AtomicInteger loads = new AtomicInteger();
    Group g = cache.newGroup("sf-error", 1 << 20, key -> {
      if (loads.incrementAndGet() == 1) {
        throw new StackOverflowError("deep");
      }
      return "ok".getBytes();
    });
    assertThatThrownBy(() -> g.get("k")).isInstanceOf(LoadException.class).hasMessageContaining("StackOverflowError");
    assertThat(g.get("k")).isEqualTo(ByteView.of("ok"));
  }

  @Test
  void aCallerGivingUpDoesNotCancelTheLoadForOthers() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger loads = new AtomicInteger();
    Group g = cache.newGroup("sf-cancel", 1 << 20, key -> {
      loads.incrementAndGet();
      release.await(10, TimeUnit.SECONDS);
      return "v".getBytes();
    });
    CompletableFuture<ByteView> quitter = g.getAsync("k");
    CompletableFuture<ByteView> patient = g.getAsync("k");
    assertThat(quitter.cancel(true)).isTrue();
    release.countDown();
    assertThat(patient.get(10, TimeUnit.SECONDS)).isEqualTo(ByteView.of("v"));
    assertThat(loads).hasValue(1);
    assertThat(g.get("k")).isEqualTo(ByteView.of("v"));
    assertThat(loads).hasValue(1);
  }

  @Test
  void aLoadPastTheDeadlineFailsEveryCallerInterruptsTheLoaderAndCachesNothing() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch interrupted = new CountDownLatch(1);
    Group g = cache.groupBuilder("sf-slow").loadTimeout(Duration.ofMillis(200)).loader(key -> {
      if (loads.incrementAndGet() == 1) {
        try {
          new CountDownLatch(1).await(30, TimeUnit.SECONDS); // a hung source
        } catch (InterruptedException e) {
          interrupted.countDown();
          throw e;
        }
      }
      return "fast".getBytes();
    }).build();
    CompletableFuture<ByteView> a = g.getAsync("k");
    CompletableFuture<ByteView> b = g.getAsync("k");
    for (CompletableFuture<ByteView> f : List.of(a, b)) {
      assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(LoadTimeoutException.class)
          .hasMessageContaining("group 'sf-slow', key 'k'").hasMessageContaining("200 ms");
    }
    assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("the hung loader was interrupted").isTrue();
    assertThat(g.get("k")).isEqualTo(ByteView.of("fast"));
    assertThat(loads).hasValue(2);
  }

  /**
   * A caller that joins a flight after half the load timeout, and sees it fail, gets a flight of
   * its own: the failure was a load's begun long before it asked (the callers there from the
   * start still get it), and the late callers share one new load.
   */
  @Test
  void aCallerThatJoinsAFailingFlightLateGetsOneNewLoad() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    Group g = cache.groupBuilder("sf-late").loadTimeout(Duration.ofMillis(400)).loader(key -> {
      if (loads.incrementAndGet() == 1) {
        new CountDownLatch(1).await(30, TimeUnit.SECONDS); // a source cut off: this load waits out its timeout
      }
      return "fresh".getBytes();
    }).build();
    long start = System.nanoTime();
    CompletableFuture<ByteView> early = g.getAsync("k");
    org.awaitility.Awaitility.await().pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(5))
        .until(() -> System.nanoTime() - start > Duration.ofMillis(250).toNanos());
    assertThat(early).isNotDone();
    CompletableFuture<ByteView> late1 = g.getAsync("k");
    CompletableFuture<ByteView> late2 = g.getAsync("k");
    assertThatThrownBy(() -> early.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(LoadTimeoutException.class);
    assertThat(late1.get(10, TimeUnit.SECONDS)).isEqualTo(ByteView.of("fresh"));
    assertThat(late2.get(10, TimeUnit.SECONDS)).isEqualTo(ByteView.of("fresh"));
    assertThat(loads).as("the failed load and one for both late callers").hasValue(2);
  }
}
