package org.groupcache4j.server.internal.origin;

import org.groupcache4j.LoadedValue;

/**
 * The slow source behind a group: an HTTP service, a directory, a database, or generated values.
 *
 * <p>{@link #fetch} runs on the group's loader threads and may block. It returns the value, or
 * throws {@link org.groupcache4j.KeyNotFoundException} (short constructor) when the source has
 * no such key, {@link OriginTimeoutException} when the source did not answer in time, and any
 * other exception for a failure of the source. {@link OriginLoader} turns these into the core's
 * exceptions with group and key filled in, counts them, and logs each call.
 */
public interface Origin extends AutoCloseable {
  /** The value of {@code key}. */
  byte[] fetch(String key) throws Exception;

  /**
   * The value of {@code key} and how long it may be cached; by default {@link #fetch} with the
   * group's time-to-live ({@code --ttl}). An origin that knows better (the HTTP origin reads
   * {@code Cache-Control} and {@code Expires}) overrides it.
   */
  default LoadedValue fetchValue(String key) throws Exception {
    byte[] b = fetch(key);
    return b == null ? null : LoadedValue.of(b);
  }

  /**
   * Whether {@link #fetchAsync} never blocks, so the group may call it on the thread that missed
   * instead of a loader thread.
   */
  default boolean nonBlocking() {
    return false;
  }

  /** Starts fetching {@code key} without blocking; only called when {@link #nonBlocking()}. */
  default java.util.concurrent.CompletableFuture<byte[]> fetchAsync(String key) throws Exception {
    throw new UnsupportedOperationException(describe() + " has no non-blocking fetch");
  }

  /**
   * Why {@code key} can never name a value of this origin (e.g. a path leaving the directory), or
   * {@code null} if it may. The client API answers such keys with 400 without loading them.
   */
  default String refuse(String key) {
    return null;
  }

  /** What this origin reads, for logs and stats (no secrets). */
  String describe();

  /** Releases connections and threads. */
  @Override
  default void close() {}
}
