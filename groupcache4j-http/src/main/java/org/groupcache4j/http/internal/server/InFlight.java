package org.groupcache4j.http.internal.server;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the requests of a server that are not answered yet, so that shutting down can answer
 * them before closing. A request counts from the moment it has to wait (its answer is not ready
 * in the turn it arrived, or answers before it are not written yet) until its answer is written
 * or its connection closes; requests answered at once never touch the counter.
 *
 * <p>Once {@link #startDraining} is called, responders answer new requests with 503 and close
 * each connection after the last answer it owes.
 */
public final class InFlight {
  private final AtomicInteger count = new AtomicInteger();
  private volatile CompletableFuture<Void> idle; // set once draining starts

  void enter() {
    count.incrementAndGet();
  }

  void exit() {
    if (count.decrementAndGet() == 0) {
      CompletableFuture<Void> f = idle;
      if (f != null) {
        f.complete(null);
      }
    }
  }

  /** Requests waiting for their answer now. */
  public int count() {
    return count.get();
  }

  /** Whether {@link #startDraining} was called. */
  public boolean draining() {
    return idle != null;
  }

  /** From now on new requests are refused with 503. Idempotent. */
  public synchronized void startDraining() {
    if (idle == null) {
      CompletableFuture<Void> f = new CompletableFuture<>();
      idle = f;
      if (count.get() == 0) {
        f.complete(null);
      }
    }
  }

  /** Waits up to {@code wait} for the count to reach 0 after {@link #startDraining}; returns whether it did. */
  public boolean awaitIdle(Duration wait) throws InterruptedException {
    CompletableFuture<Void> f = idle;
    if (f == null) {
      throw new IllegalStateException("awaitIdle before startDraining");
    }
    if (count.get() == 0) {
      return true;
    }
    try {
      f.get(wait.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return count.get() == 0;
    }
  }

  /** {@link #startDraining} and {@link #awaitIdle} without being interrupted; returns whether the count reached 0. */
  public boolean drain(Duration wait) {
    startDraining();
    try {
      return awaitIdle(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return count.get() == 0;
    }
  }
}
