package org.groupcache4j.spring;

import java.util.Objects;

/**
 * Loads the values of one declared cache at each key's owner, instead of the cached methods'
 * callers. With a loader, a miss anywhere asks the key's owner, which loads the key once (its
 * value crosses the network once, owner to caller) and {@code @Cacheable}'s method is not called;
 * without one, the first caller computes the value under a lease from the owner.
 *
 * <pre>{@code
 * @Bean
 * CacheValueLoader booksLoader(BookRepository repository) {
 *   return CacheValueLoader.of("books", key -> repository.find((String) key));
 * }
 * }</pre>
 *
 * <p>The key is the cache key as the cache's {@link CacheKeyCodec} reads it back from the group
 * key (a {@code String}, a {@code Long}, a {@code SimpleKey}, ...); a null value is cached as
 * null. What the loader throws reaches every caller waiting for the key.
 */
public interface CacheValueLoader {
  /** The declared cache whose values this loads. */
  String cacheName();

  /** The value of {@code key} (may be null). */
  Object load(Object key) throws Exception;

  /** A loader of cache {@code cacheName}. */
  static CacheValueLoader of(String cacheName, Function loader) {
    Objects.requireNonNull(cacheName, "cacheName");
    Objects.requireNonNull(loader, "loader");
    return new CacheValueLoader() {
      @Override
      public String cacheName() {
        return cacheName;
      }

      @Override
      public Object load(Object key) throws Exception {
        return loader.load(key);
      }

      @Override
      public String toString() {
        return "CacheValueLoader[" + cacheName + "]";
      }
    };
  }

  /** The loading function of {@link #of}. */
  @FunctionalInterface
  interface Function {
    Object load(Object key) throws Exception;
  }
}
