package org.groupcache4j.http;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Bounded waits on futures for tests: a future that never completes fails the test after
 * {@value #SECONDS} s, saying so, instead of hanging the build.
 */
public final class TestFutures {
  public static final int SECONDS = 20;

  private TestFutures() {
  }

  /** The failure {@code f} ends with (not wrapped in a {@link CompletionException}); fails if it succeeds or does not end in time. */
  public static Throwable failureOf(CompletableFuture<?> f) {
    assertThatThrownBy(() -> f.get(SECONDS, TimeUnit.SECONDS)).as("the future's outcome within %d s", SECONDS)
        .isInstanceOf(ExecutionException.class);
    return f.handle((v, e) -> e instanceof CompletionException ? e.getCause() : e).join();
  }

  /** The value of {@code f}; fails (with its failure as the cause) if it fails or does not end in time. */
  public static <T> T valueOf(Future<T> f) throws InterruptedException, ExecutionException {
    try {
      return f.get(SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no outcome within " + SECONDS + " s", e);
    }
  }
}
