package org.groupcache4j.internal;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.groupcache4j.ByteView;
import org.groupcache4j.StoreStats;

/**
 * A byte-bounded map from key to {@link Entry}. What a store counts against its capacity is its
 * own: the LRU and W-TinyLFU stores weigh an entry as the UTF-8 length of its key plus the length
 * of its value, as in groupcache ({@link Entry#weight}); the compact store counts the heap it
 * holds. After every {@link #put} or {@link #setCapacity} returns, {@link #bytes()} is at most the
 * capacity. An expired entry stays until it is replaced, removed or evicted (so that
 * stale-if-error can still serve it); {@link #getFresh} does not return it. Thread-safe.
 */
public interface Store {
  /** The entry of {@code key}, or {@code null}; counts a get, and a hit when found. */
  Entry get(String key);

  /**
   * The value of {@code key} if the store holds one that is fresh at {@code clock.millis()} (the
   * clock is read only for an entry that expires), else {@code null}: absent, expired, or a
   * cached "not found" (then {@link #peek} tells which). Counts a get, and a hit when the key is
   * held, fresh or not. The hit path of a group: no {@link Entry} is made.
   */
  default ByteView getFresh(String key, Clock clock) {
    Entry e = get(key);
    return e != null && e.value != null && (e.expireAt == 0 || e.expireAt > clock.millis()) ? e.value : null;
  }

  /** The entry of {@code key}, or {@code null}, without counting a get or recording an access. */
  Entry peek(String key);

  /**
   * At most {@code limit} of the entries held, the most valuable first by the store's own policy
   * (the most recently used for LRU, the most frequently used for W-TinyLFU), without counting a
   * get or recording an access: what a node that leaves hands to the next owners first.
   */
  List<Map.Entry<String, Entry>> hottest(int limit);

  /** Stores {@code entry} under {@code key}, evicting as needed; an entry heavier than the capacity is not stored (and drops the key). */
  void put(String key, Entry entry);

  /** Stores a value that never expires. */
  default void put(String key, ByteView value) {
    put(key, Entry.of(value));
  }

  /** Removes {@code key}; returns whether it was present. */
  boolean remove(String key);

  /** Changes the capacity in bytes, evicting at once if the store holds more. */
  void setCapacity(long bytes);

  long capacity();

  /** What the store counts against its capacity. */
  long bytes();

  /** The UTF-8 key bytes plus value bytes of the entries held (for not-found entries, {@link Entry#weight}). */
  default long payloadBytes() {
    return bytes();
  }

  long items();

  StoreStats stats();

  /** The weight of a value: UTF-8 key bytes plus value bytes. */
  static long weigh(String key, ByteView value) {
    return (long) Utf8.encodedLength(key) + value.length();
  }
}
