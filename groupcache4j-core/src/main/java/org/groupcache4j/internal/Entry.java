package org.groupcache4j.internal;

import org.groupcache4j.ByteView;

/**
 * What a store holds for a key: a value, or the answer "not found" (negative caching), and the
 * time it expires.
 *
 * <p>{@link #expireAt} is wall-clock time in milliseconds since the epoch (the group's
 * {@link java.time.Clock}); {@code 0} means the entry never expires. The group's hit check
 * ({@code Expiry.fresh}) reads the clock only for an entry that expires, so a group without
 * time-to-live pays one compare of a field with zero on a hit. Immutable; {@link LruStore}'s nodes extend it, so the LRU store hands out
 * its node with no wrapper.
 */
public class Entry {
  /** The longest not-found detail kept, in chars (the rest is cut). */
  static final int MAX_DETAIL_CHARS = 200;

  /** The value, or {@code null} for "not found". */
  public final ByteView value;
  /** Epoch milliseconds after which the entry is expired; 0 = never. */
  public final long expireAt;
  /** For "not found": what the loader said (may be {@code null}). */
  public final String notFoundDetail;

  public Entry(ByteView value, long expireAt, String notFoundDetail) {
    this.value = value;
    this.expireAt = expireAt;
    this.notFoundDetail = value != null || notFoundDetail == null || notFoundDetail.length() <= MAX_DETAIL_CHARS
        ? notFoundDetail : notFoundDetail.substring(0, MAX_DETAIL_CHARS);
  }

  /** A value that never expires. */
  public static Entry of(ByteView value) {
    return new Entry(value, 0, null);
  }

  /** A value that expires at {@code expireAt} (epoch ms, 0 = never). */
  public static Entry of(ByteView value, long expireAt) {
    return new Entry(value, expireAt, null);
  }

  /** The answer "not found", expiring at {@code expireAt}. */
  public static Entry notFound(String detail, long expireAt) {
    return new Entry(null, expireAt, detail);
  }

  public final boolean found() {
    return value != null;
  }

  /**
   * The bytes the entry costs in the budget: UTF-8 key bytes plus value bytes, as groupcache; a
   * not-found entry costs its key, its detail and one byte (so that no entry weighs nothing).
   */
  public final long weight(String key) {
    return value != null
        ? Store.weigh(key, value)
        : (long) Utf8.encodedLength(key) + (notFoundDetail == null ? 0 : Utf8.encodedLength(notFoundDetail)) + 1;
  }
}
