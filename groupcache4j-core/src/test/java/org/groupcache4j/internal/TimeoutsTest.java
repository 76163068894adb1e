package org.groupcache4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TimeoutsTest {
  private static final long MS = 1_000_000L;

  @Test
  void aFutureNotDoneInTimeFailsWithATimeoutAndNotBefore() throws Exception {
    CompletableFuture<String> f = new CompletableFuture<>();
    long start = System.nanoTime();
    Timeouts.orTimeout(f, 80 * MS);
    assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(TimeoutException.class);
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(80 * MS);
  }

  @Test
  void aFutureDoneInTimeKeepsItsValueAndItsTimeoutIsDropped() throws Exception {
    Timeouts t = new Timeouts("test-timeouts", MS);
    CompletableFuture<String> f = new CompletableFuture<>();
    Timeouts.Timeout timeout = t.add(() -> f.completeExceptionally(new TimeoutException()), 60_000 * MS);
    f.whenComplete((v, e) -> timeout.cancel());
    assertThat(t.pending()).isEqualTo(1);
    f.complete("v");
    assertThat(f.get()).isEqualTo("v");
    await().atMost(Duration.ofSeconds(5)).until(() -> t.pending() == 0); // taken off the wheel, not kept until its deadline
    assertThat(timeout.cancel()).isFalse();
  }

  @Test
  void completeOnTimeoutGivesTheValueAtTheDeadline() throws Exception {
    CompletableFuture<String> f = new CompletableFuture<>();
    Timeouts.completeOnTimeout(f, "late", 30 * MS);
    assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("late");
    CompletableFuture<String> done = new CompletableFuture<>();
    Timeouts.completeOnTimeout(done, "late", 30 * MS);
    done.complete("first");
    assertThat(done.get()).isEqualTo("first");
  }

  @Test
  void tasksRunInTheOrderOfTheirDeadlinesEachAtOrAfterItAcrossTurnsOfTheWheel() throws Exception {
    Timeouts t = new Timeouts("test-timeouts", MS); // a turn of the wheel: 512 ms
    long start = System.nanoTime();
    List<Long> delays = List.of(1_300L, 5L, 700L, 0L, 40L);
    List<Long> order = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Long> early = java.util.Collections.synchronizedList(new ArrayList<>());
    CountDownLatch all = new CountDownLatch(delays.size());
    for (long d : delays) {
      t.add(() -> {
        if (System.nanoTime() - start < d * MS) {
          early.add(d);
        }
        order.add(d);
        all.countDown();
      }, d * MS);
    }
    assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(order).containsExactly(0L, 5L, 40L, 700L, 1_300L);
    assertThat(early).isEmpty();
    assertThat(t.pending()).isZero();
  }

  @Test
  void aCancelledTaskNeverRunsAndAThrowingOneDoesNotStopTheOthers() throws Exception {
    Timeouts t = new Timeouts("test-timeouts", MS);
    AtomicInteger ran = new AtomicInteger();
    Timeouts.Timeout cancelled = t.add(ran::incrementAndGet, 20 * MS);
    assertThat(cancelled.cancel()).isTrue();
    t.add(() -> {
      throw new IllegalStateException("a task that throws");
    }, 10 * MS);
    CountDownLatch after = new CountDownLatch(1);
    t.add(after::countDown, 30 * MS);
    assertThat(after.await(5, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> t.pending() == 0);
    assertThat(ran).hasValue(0);
  }

  @Test
  void anIdleTimerWakesForTheNextTask() throws Exception {
    Timeouts t = new Timeouts("test-timeouts", MS);
    CountDownLatch first = new CountDownLatch(1);
    t.add(first::countDown, 0);
    assertThat(first.await(5, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> t.pending() == 0);
    AtomicLong ranAt = new AtomicLong();
    CountDownLatch second = new CountDownLatch(1);
    await().atMost(Duration.ofSeconds(5)).until(t::idle); // asleep with nothing pending, not ticking
    long start = System.nanoTime();
    t.add(() -> {
      ranAt.set(System.nanoTime());
      second.countDown();
    }, 20 * MS);
    assertThat(second.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(ranAt.get() - start).isGreaterThanOrEqualTo(20 * MS);
  }
}
