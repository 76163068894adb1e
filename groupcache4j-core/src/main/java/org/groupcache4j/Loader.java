package org.groupcache4j;

/**
 * Fetches the value of a key from the slow source behind a group (a database, a service, files).
 *
 * <p>The group calls it once per missing key, however many callers ask at once, on its loader
 * executor (virtual threads on JDK 21+). It may block. The returned array is copied, so it may be
 * reused. To say the key does not exist, throw {@link KeyNotFoundException}; any other exception,
 * a {@code null} result, or running past the group's load timeout fails the load with a
 * {@link LoadException} that names the group and the key. Nothing is cached for a failed load.
 */
@FunctionalInterface
public interface Loader {
  /**
   * Loads {@code key}.
   *
   * @return the value's bytes, never {@code null}
   * @throws KeyNotFoundException if the source has no such key
   * @throws Exception any failure of the source; reported to callers as {@link LoadException}
   */
  byte[] load(String key) throws Exception;
}
