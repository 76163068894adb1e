package org.groupcache4j;

/**
 * A {@link Loader} that also says how long each value may be cached. It runs where and when a
 * {@link Loader} runs and reports failures the same way ({@link KeyNotFoundException}, any other
 * exception, or {@code null}). Set it with {@link Group.Builder#expiringLoader}.
 */
@FunctionalInterface
public interface ExpiringLoader {
  /**
   * Loads {@code key}.
   *
   * @return the value and its expiry, never {@code null}
   * @throws KeyNotFoundException if the source has no such key
   * @throws Exception any failure of the source; reported to callers as {@link LoadException}
   */
  LoadedValue load(String key) throws Exception;
}
