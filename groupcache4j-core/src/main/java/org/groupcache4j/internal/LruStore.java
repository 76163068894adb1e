package org.groupcache4j.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.groupcache4j.ByteView;
import org.groupcache4j.StoreStats;

/**
 * Exact LRU bounded by bytes, the policy of golang/groupcache's {@code lru} package: a doubly
 * linked list, most recent at the head, evicting from the tail.
 *
 * <p>Lookups go to a {@link ConcurrentHashMap} without a lock. Recording a hit (moving its entry
 * to the head) needs the list's lock; a reader that finds the lock free takes it, but a reader
 * that finds it busy does not wait: it leaves the entry in a lock-free queue of pending accesses.
 * Whoever holds the lock replays that queue, in arrival order, before its own work and again
 * before it lets go, and every write (put, remove, eviction) starts by replaying it. So no access
 * that completed before an eviction decision is missing from the order that decision sees, which
 * keeps the policy exact LRU, while readers never park behind one another.
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
  private final ConcurrentHashMap<String, Node> map = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Node> pendingHits = new ConcurrentLinkedQueue<>();
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
    Node n = map.get(key);
    if (n == null) {
      return null;
    }
    if (lock.tryLock()) {
      try {
        replayPendingHits();
        touch(n);
      } finally {
        unlock();
      }
    } else {
      pendingHits.offer(n);
    }
    hits.increment();
    return n.value;
  }

  /** Moves {@code n} to the head, unless it has left the list meanwhile. Lock held. */
  private void touch(Node n) {
    if (n.prev != null && head.next != n) {
      unlink(n);
      linkFirst(n);
    }
  }

  /** Lock held. */
  private void replayPendingHits() {
    Node n;
    while ((n = pendingHits.poll()) != null) {
      touch(n);
    }
  }

  /** Lets go of the lock, replaying hits that queued up meanwhile if nobody else will. */
  private void unlock() {
    lock.unlock();
    while (!pendingHits.isEmpty() && lock.tryLock()) {
      try {
        replayPendingHits();
      } finally {
        lock.unlock();
      }
    }
  }

  @Override
  public void put(String key, ByteView value) {
    long w = Store.weigh(key, value);
    lock.lock();
    try {
      replayPendingHits();
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
      unlock();
    }
  }

  @Override
  public boolean remove(String key) {
    lock.lock();
    try {
      replayPendingHits();
      Node n = map.remove(key);
      if (n == null) {
        return false;
      }
      unlink(n);
      bytes -= n.weight;
      return true;
    } finally {
      unlock();
    }
  }

  @Override
  public void setCapacity(long newCapacity) {
    lock.lock();
    try {
      replayPendingHits();
      capacity = Math.max(0, newCapacity);
      evictToCapacity();
    } finally {
      unlock();
    }
  }

  /** Removes the least recently used entry; returns whether there was one. */
  public boolean removeOldest() {
    lock.lock();
    try {
      replayPendingHits();
      if (head.prev == head) {
        return false;
      }
      evictTail();
      return true;
    } finally {
      unlock();
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

  /** For tests: whether the list, the map and the byte count agree. */
  boolean isConsistent() {
    lock.lock();
    try {
      replayPendingHits();
      long sum = 0;
      int count = 0;
      for (Node n = head.next; n != head; n = n.next) {
        if (map.get(n.key) != n || n.next.prev != n) {
          return false;
        }
        sum += n.weight;
        count++;
      }
      return count == map.size() && sum == bytes && bytes <= capacity;
    } finally {
      unlock();
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
