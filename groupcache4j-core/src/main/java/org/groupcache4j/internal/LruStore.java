package org.groupcache4j.internal;

import java.util.HashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.groupcache4j.ByteView;
import org.groupcache4j.StoreStats;

/**
 * Exact LRU bounded by bytes, the policy of golang/groupcache's {@code lru} package: a hash map
 * and a doubly linked list, most recent at the head, evicting from the tail. One lock guards both;
 * a hit moves its entry to the head. Counters are {@link LongAdder}s outside the lock.
 */
public final class LruStore implements Store {
  private static final class Node {
    final String key;
    final ByteView value;
    final long weight;
    Node prev;
    Node next;

    Node(String key, ByteView value, long weight) {
      this.key = key;
      this.value = value;
      this.weight = weight;
    }
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final HashMap<String, Node> map = new HashMap<>();
  private final Node head = new Node(null, null, 0); // sentinel: head.next is most recent
  private long capacity;
  private long bytes;
  private final LongAdder gets = new LongAdder();
  private final LongAdder hits = new LongAdder();
  private final LongAdder evictions = new LongAdder();

  public LruStore(long capacityBytes) {
    if (capacityBytes < 0) {
      throw new IllegalArgumentException("capacity must be >= 0 bytes, was " + capacityBytes);
    }
    this.capacity = capacityBytes;
    head.prev = head;
    head.next = head;
  }

  @Override
  public ByteView get(String key) {
    gets.increment();
    ByteView v;
    lock.lock();
    try {
      Node n = map.get(key);
      if (n == null) {
        return null;
      }
      if (head.next != n) {
        unlink(n);
        linkFirst(n);
      }
      v = n.value;
    } finally {
      lock.unlock();
    }
    hits.increment();
    return v;
  }

  @Override
  public void put(String key, ByteView value) {
    long w = Store.weigh(key, value);
    lock.lock();
    try {
      Node old = map.remove(key);
      if (old != null) {
        unlink(old);
        bytes -= old.weight;
      }
      if (w > capacity) {
        return;
      }
      Node n = new Node(key, value, w);
      map.put(key, n);
      linkFirst(n);
      bytes += w;
      evictToCapacity();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean remove(String key) {
    lock.lock();
    try {
      Node n = map.remove(key);
      if (n == null) {
        return false;
      }
      unlink(n);
      bytes -= n.weight;
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void setCapacity(long newCapacity) {
    lock.lock();
    try {
      capacity = Math.max(0, newCapacity);
      evictToCapacity();
    } finally {
      lock.unlock();
    }
  }

  /** Removes the least recently used entry; returns whether there was one. */
  public boolean removeOldest() {
    lock.lock();
    try {
      if (head.prev == head) {
        return false;
      }
      evictTail();
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void evictToCapacity() {
    while (bytes > capacity && head.prev != head) {
      evictTail();
    }
  }

  private void evictTail() {
    Node victim = head.prev;
    unlink(victim);
    map.remove(victim.key);
    bytes -= victim.weight;
    evictions.increment();
  }

  private void unlink(Node n) {
    n.prev.next = n.next;
    n.next.prev = n.prev;
    n.prev = null;
    n.next = null;
  }

  private void linkFirst(Node n) {
    n.next = head.next;
    n.prev = head;
    head.next.prev = n;
    head.next = n;
  }

  @Override
  public long capacity() {
    lock.lock();
    try {
      return capacity;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long bytes() {
    lock.lock();
    try {
      return bytes;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long items() {
    lock.lock();
    try {
      return map.size();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public StoreStats stats() {
    long b;
    long n;
    lock.lock();
    try {
      b = bytes;
      n = map.size();
    } finally {
      lock.unlock();
    }
    return new StoreStats(b, n, gets.sum(), hits.sum(), evictions.sum());
  }
}
