package org.groupcache4j;

import java.util.concurrent.CompletableFuture;

/**
 * A {@link Loader} for sources with a non-blocking client (an asynchronous HTTP client, a
 * reactive driver, a timer): it starts the fetch and returns a future instead of holding a thread.
 *
 * <p>It is called on the thread that missed the cache, which may be a transport I/O thread, so it
 * must return at once and never block. The future's outcomes mean what {@link Loader}'s do: a
 * value (copied), {@link KeyNotFoundException}, any other exception (reported as
 * {@link LoadException}); past the group's load timeout the future is cancelled and callers get
 * {@link LoadTimeoutException}. Set it with {@link Group.Builder#asyncLoader}.
 */
@FunctionalInterface
public interface AsyncLoader {
  /** Starts loading {@code key}; the future completes with its bytes, never {@code null}. */
  CompletableFuture<byte[]> loadAsync(String key);
}
