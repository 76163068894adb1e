package org.groupcache4j;

import java.util.concurrent.CompletableFuture;

/**
 * An {@link AsyncLoader} that also says how long each value may be cached: it must not block,
 * and its future's outcomes mean what {@link AsyncLoader}'s do. Set it with
 * {@link Group.Builder#asyncExpiringLoader}.
 */
@FunctionalInterface
public interface AsyncExpiringLoader {
  /** Starts loading {@code key}; the future completes with the value and its expiry, never {@code null}. */
  CompletableFuture<LoadedValue> loadAsync(String key);
}
