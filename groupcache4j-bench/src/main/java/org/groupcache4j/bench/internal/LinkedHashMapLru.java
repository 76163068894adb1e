package org.groupcache4j.bench.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A plain LRU of {@code capacity} entries on {@link LinkedHashMap} in access order, written
 * independently of the project's stores, to cross-check {@code LruStore}'s hit ratio.
 */
public final class LinkedHashMapLru implements CacheSimulation {
  private final Map<Integer, Boolean> map;

  public LinkedHashMapLru(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must be >= 0 entries, was " + capacity);
    }
    this.map = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Integer, Boolean> eldest) {
        return size() > capacity;
      }
    };
  }

  @Override
  public boolean access(int key) {
    if (map.get(key) != null) {
      return true;
    }
    map.put(key, Boolean.TRUE);
    return false;
  }

  public int size() {
    return map.size();
  }
}
