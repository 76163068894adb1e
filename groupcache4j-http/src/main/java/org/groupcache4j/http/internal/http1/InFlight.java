package org.groupcache4j.http.internal.http1;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the requests of a server that are not answered yet, so that shutting down can answer
 * them before closing. A request counts from the moment its responder reads it until its answer
 * is written or its connection closes. The count is striped ({@link LongAdder}): every event loop
 * touches it twice per request without contending with the others.
 *
 * <p>Once {@link #startDraining} is called, responders answer new requests with 503 and close
 * each connection after the last answer it owes. (A request read just before is counted before
 * the responder looks at the flag, so a drain either waits for it or it gets the 503.)
 */
public final class InFlight {
  private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final LongAdder count = new LongAdder();
  private final Object idle = new Object();
  private volatile boolean draining;

  void enter() {
    count.increment();
  }

  void exit() {
    count.decrement();
    if (draining) {
      synchronized (idle) {
        idle.notifyAll();
      }
    }
  }

  /** Requests not answered yet. */
  public int count() {
    return (int) count.sum();
  }

  /** Whether {@link #startDraining} was called. */
  public boolean draining() {
    return draining;
  }

  /** From now on new requests are refused with 503. Idempotent. */
  public void startDraining() {
    draining = true;
  }

  /** Waits up to {@code wait} for the count to reach 0; returns whether it did. */
  public boolean awaitIdle(Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    synchronized (idle) {
      while (count.sum() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        // exit() notifies while draining; the recheck covers a count that reached 0 without it
        TimeUnit.NANOSECONDS.timedWait(idle, Math.min(left, RECHECK_NANOS));
      }
    }
    return true;
  }

  /** {@link #startDraining} and {@link #awaitIdle} without being interrupted; returns whether the count reached 0. */
  public boolean drain(Duration wait) {
    startDraining();
    try {
      return awaitIdle(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return count.sum() == 0;
    }
  }
}
