package org.groupcache4j.http.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts peer requests whose answer is still being computed, so that closing can wait for them. */
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

  /** Requests being computed now. */
  public int count() {
    return count.get();
  }

  boolean draining() {
    return idle != null;
  }

  /** Marks draining (new requests get 503) and waits up to {@code wait} for the count to reach 0. */
  public boolean drain(Duration wait) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    idle = f;
    if (count.get() == 0) {
      return true;
    }
    try {
      f.get(wait.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
