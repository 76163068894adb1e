package org.groupcache4j.internal;

import org.groupcache4j.ByteView;
import org.groupcache4j.StoreStats;

/**
 * A byte-bounded map from key to value. An entry weighs the UTF-8 length of its key plus the
 * length of its value, as in groupcache; after every {@link #put} or {@link #setCapacity}
 * returns, {@link #bytes()} is at most the capacity. Thread-safe.
 */
public interface Store {
  /** The value of {@code key}, or {@code null}; counts a get, and a hit when found. */
  ByteView get(String key);

  /** Stores {@code value} under {@code key}, evicting as needed; an entry heavier than the capacity is not stored. */
  void put(String key, ByteView value);

  /** Removes {@code key}; returns whether it was present. */
  boolean remove(String key);

  /** Changes the capacity in bytes, evicting at once if the store holds more. */
  void setCapacity(long bytes);

  long capacity();

  long bytes();

  long items();

  StoreStats stats();

  /** The weight of an entry: UTF-8 key bytes plus value bytes. */
  static long weigh(String key, ByteView value) {
    return (long) Utf8.encodedLength(key) + value.length();
  }
}
