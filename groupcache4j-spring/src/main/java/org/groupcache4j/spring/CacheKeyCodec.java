package org.groupcache4j.spring;

import java.util.Collection;

/**
 * Turns Spring cache keys (what a {@code KeyGenerator} or a {@code key} expression made) into the
 * string keys of a group, and back for a loader that runs at the key's owner.
 *
 * <p>Every node must encode a key alike (the ring places the string), so the format is fixed and
 * documented. {@link #standard()} writes:
 * <table>
 * <caption>The standard key format</caption>
 * <tr><th>key</th><th>string</th></tr>
 * <tr><td>{@code String s}</td><td>{@code s} itself; one more {@code ~} in front if it starts with {@code ~}</td></tr>
 * <tr><td>{@code Integer}, {@code Long}, {@code Short}, {@code Byte}</td><td>{@code ~int:42}, {@code ~long:42}, {@code ~short:42}, {@code ~byte:42}</td></tr>
 * <tr><td>{@code Double}, {@code Float}, {@code BigInteger}, {@code BigDecimal}</td><td>{@code ~double:1.5}, {@code ~float:1.5}, {@code ~bigint:9}, {@code ~decimal:1.50} ({@code toString()}: a scale is kept, as {@code equals} keeps it)</td></tr>
 * <tr><td>{@code Boolean}, {@code Character}</td><td>{@code ~bool:true}, {@code ~char:x}</td></tr>
 * <tr><td>{@code UUID}</td><td>{@code ~uuid:} and its canonical text</td></tr>
 * <tr><td>{@code LocalDate}, {@code LocalDateTime}, {@code LocalTime}, {@code Instant}</td><td>{@code ~date:}, {@code ~datetime:}, {@code ~time:}, {@code ~instant:} and ISO-8601</td></tr>
 * <tr><td>an enum constant</td><td>{@code ~enum:com.example.Color#RED}</td></tr>
 * <tr><td>{@code SimpleKey} (a method's several parameters)</td><td>{@code ~key[} elements {@code ]}</td></tr>
 * <tr><td>a {@code List}, an array</td><td>{@code ~list[} elements {@code ]}, {@code ~array[} elements {@code ]}</td></tr>
 * <tr><td>a record of these</td><td>{@code ~record:com.example.BookId[} components {@code ]}</td></tr>
 * <tr><td>{@code null} inside one of these</td><td>{@code ~null}</td></tr>
 * </table>
 * Elements are written as {@code <length>:<element>} separated by commas, the length in chars of
 * the element's own string, so that no element's text can be mistaken for a separator:
 * {@code SimpleKey("a,b", 7L)} is {@code ~key[3:a,b,7:~long:7]}. Two keys get the same string
 * exactly when they are equal (an {@code Integer} 1 and a {@code Long} 1 differ, as in Java); a
 * plain string key is readable as it is. Other types are refused with an
 * {@link IllegalArgumentException} that says how to give the method a key (a {@code key}
 * expression, a record), rather than trusting a {@code toString()} that may not be unique.
 */
public interface CacheKeyCodec {
  /**
   * The group key of {@code key}.
   *
   * @throws IllegalArgumentException if the codec has no form for the key's type
   */
  String encode(Object key);

  /**
   * The cache key that {@link #encode} turned into {@code key}, for a loader at the key's owner.
   *
   * @throws IllegalArgumentException if {@code key} is not a string this codec writes, or names
   *     an enum or record class outside the allowed packages
   */
  Object decode(String key);

  /** The standard format above; {@link #decode} reads no enum or record (no class is allowed). */
  static CacheKeyCodec standard() {
    return StandardKeyCodec.withAllowedPackages(java.util.List.of(), null);
  }

  /**
   * The standard format; {@link #decode} also reads enums and records of classes in
   * {@code packages} (and their sub-packages), loaded with {@code loader} (null: this class's).
   */
  static CacheKeyCodec standard(Collection<String> packages, ClassLoader loader) {
    return StandardKeyCodec.withAllowedPackages(packages, loader);
  }
}
