package org.groupcache4j.internal;

import java.util.List;
import java.util.Map;
import org.groupcache4j.ByteView;
import org.groupcache4j.StoreStats;

/**
 * A byte-bounded map from key to {@link Entry}. An entry weighs the UTF-8 length of its key plus
 * the length of its value, as in groupcache ({@link Entry#weight}); after every {@link #put} or
 * {@link #setCapacity} returns, {@link #bytes()} is at most the capacity. A store does not look at
 * expiry: the group checks it on a hit, and an expired entry stays until it is replaced, removed
 * or evicted (so that stale-if-error can still serve it). Thread-safe.
 */
public interface Store {
  /** The entry of {@code key}, or {@code null}; counts a get, and a hit when found. */
  Entry get(String key);

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

  long bytes();

  long items();

  StoreStats stats();

  /** The weight of a value: UTF-8 key bytes plus value bytes. */
  static long weigh(String key, ByteView value) {
    return (long) Utf8.encodedLength(key) + value.length();
  }
}
