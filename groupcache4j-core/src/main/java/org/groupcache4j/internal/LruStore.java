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
 * that finds it busy does not wait: it leaves the entry in a lock-free FIFO queue of pending
 * accesses. The queue is the order of record: a reader holding the lock first replays queued
 * accesses, and moves its own entry itself only once the queue is empty; otherwise it queues its
 * entry behind the others. Every write (put, remove, eviction) first replays everything queued
 * before it began. So no access that completed before an eviction decision is missing from the
 * order that decision sees, which keeps the policy exact LRU, while readers never park behind one
 * another.
 *
 * <p>Each turn at the lock replays a bounded number of accesses: a reader replays at most
 * {@value #REPLAY_BUDGET}, and a writer stops at a marker it queued itself, so the lock holder is
 * never held captive replaying the hits of readers that keep arriving while it works.
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

  /** Accesses a reader replays in one turn at the lock at most. */
  static final int REPLAY_BUDGET = 64;

  private final ReentrantLock lock = new ReentrantLock();
  private final ConcurrentHashMap<String, Node> map = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Node> pendingHits = new ConcurrentLinkedQueue<>();
  private final Node head = new Node(null, null, 0); // sentinel: head.next is most recent
  /** Queued by a writer behind what it must replay; only ever in the queue while a writer holds the lock. */
  private final Node replayMarker = new Node(null, null, 0);
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
        if (replayQueuedHits(REPLAY_BUDGET)) {
          touch(n);
        } else {
          pendingHits.offer(n); // older accesses still queued: this one goes behind them
        }
      } finally {
        lock.unlock();
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

  /** Replays at most {@code budget} queued accesses; returns whether the queue was emptied. Lock held. */
  private boolean replayQueuedHits(int budget) {
    for (int i = 0; i < budget; i++) {
      Node n = pendingHits.poll();
      if (n == null) {
        return true;
      }
      touch(n);
    }
    return pendingHits.isEmpty();
  }

  /**
   * Replays every access queued before this call, leaving those queued meanwhile (they are
   * concurrent with the caller's write). Lock held.
   */
  private void replayPendingHits() {
    if (pendingHits.isEmpty()) {
      return;
    }
    pendingHits.offer(replayMarker);
    Node n;
    while ((n = pendingHits.poll()) != replayMarker) {
      touch(n);
    }
  }

  /** Takes the lock for a write and replays the queued accesses. */
  private void lockForWrite() {
    lock.lock();
    replayPendingHits();
  }

  @Override
  public void put(String key, ByteView value) {
    long w = Store.weigh(key, value);
    lockForWrite();
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
    lockForWrite();
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
    lockForWrite();
    try {
      capacity = Math.max(0, newCapacity);
      evictToCapacity();
    } finally {
      lock.unlock();
    }
  }

  /** Removes the least recently used entry; returns whether there was one. */
  public boolean removeOldest() {
    lockForWrite();
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

  /** For tests: whether {@code key} is held, without counting or recording an access. */
  boolean holds(String key) {
    return map.containsKey(key);
  }

  /** For tests: the lock that guards the list. */
  ReentrantLock lockForTests() {
    return lock;
  }

  /** For tests: whether the list, the map and the byte count agree. */
  boolean isConsistent() {
    lockForWrite();
    try {
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
