package org.groupcache4j.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.groupcache4j.StoreStats;

/**
 * Exact LRU bounded by bytes, the policy of golang/groupcache's {@code lru} package, with hits
 * that take no lock and write no shared structure.
 *
 * <p>A hit looks its entry up in a {@link ConcurrentHashMap} and stamps the entry with the time of
 * the hit ({@link System#nanoTime()}, which is monotonic across threads), raising its
 * {@code lastUse} and never lowering it. The least recently used entry is then, exactly, the one
 * with the smallest {@code lastUse}, and only an eviction needs to find it; it does so under the
 * lock that every write takes:
 *
 * <ul>
 *   <li>New entries are appended to a list with {@code listedAt = lastUse = now}. Appends happen
 *       under the lock, so the list is sorted by {@code listedAt}. An entry whose {@code lastUse}
 *       still equals its {@code listedAt} has not been hit since it was listed.
 *   <li>The eviction looks at the oldest listed entry. If it has been hit since, it is moved from
 *       the list into a min-heap keyed by its {@code lastUse}, and the next one is looked at. The
 *       first entry that has not been hit is older than every other listed entry, because every
 *       other one was listed, and therefore last used, no earlier.
 *   <li>The heap's top is checked the same way: an entry hit again since it was keyed gets its new
 *       key and sinks. A top whose key is still its {@code lastUse} is older than everything in the
 *       heap.
 *   <li>The victim is the older of the two.
 * </ul>
 *
 * <p>So every hit counts, in the order of the clock, and a reader never waits for a writer or for
 * another reader; a writer pays for the hits it has to look at, each at most once per time it was
 * hit and then reached the front. Hits by one thread are told apart as long as the clock advances
 * between them, which it does on any platform with a clock finer than a hit (Linux's TSC clock
 * advances every nanosecond).
 */
public final class LruStore implements Store {
  private static final class Node extends Entry {
    final String key;
    final long weight;
    /** The time of the latest hit, or of the put; only ever raised. Written by readers. */
    long lastUse;
    /** {@code lastUse} when the node was listed, or its key while in the heap. Lock held. */
    long listedAt;
    Node prev;
    Node next;
    /** Position in the heap, or -1 when the node is not in it. Lock held. */
    int heapIndex = -1;

    Node(String key, Entry e, long weight, long now) {
      super(e == null ? null : e.value, e == null ? 0 : e.expireAt, e == null ? null : e.notFoundDetail);
      this.key = key;
      this.weight = weight;
      this.listedAt = now;
      LAST_USE.set(this, now);
    }

    boolean listed() {
      return prev != null;
    }
  }

  private static final VarHandle LAST_USE;

  static {
    try {
      LAST_USE = MethodHandles.lookup().findVarHandle(Node.class, "lastUse", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final ConcurrentHashMap<String, Node> map = new ConcurrentHashMap<>();
  /** Sentinel of the list: {@code head.next} is the earliest listed, {@code head.prev} the latest. */
  private final Node head = new Node(null, null, 0, 0);
  /** Min-heap by {@code listedAt} of the nodes hit after they were listed. Lock held. */
  private Node[] heap = new Node[16];
  private int heapSize;
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
  public Entry get(String key) {
    gets.increment();
    Node n = map.get(key);
    if (n == null) {
      return null;
    }
    recordHit(n, System.nanoTime());
    hits.increment();
    return n;
  }

  @Override
  public Entry peek(String key) {
    return map.get(key);
  }

  /** The most recently used first: the nodes sorted by their last use, a snapshot (no lock). */
  @Override
  public List<Map.Entry<String, Entry>> hottest(int limit) {
    List<Node> nodes = new ArrayList<>(map.values());
    nodes.sort(Comparator.comparingLong((Node n) -> (long) LAST_USE.getOpaque(n)).reversed());
    List<Map.Entry<String, Entry>> out = new ArrayList<>(Math.min(limit, nodes.size()));
    for (Node n : nodes) {
      if (out.size() >= limit) {
        break;
      }
      out.add(Map.entry(n.key, n));
    }
    return out;
  }

  /** Raises {@code n.lastUse} to {@code now}, unless a concurrent hit raised it further. */
  private static void recordHit(Node n, long now) {
    long seen = (long) LAST_USE.getOpaque(n);
    while (seen < now) {
      long witness = (long) LAST_USE.compareAndExchange(n, seen, now);
      if (witness == seen) {
        return;
      }
      seen = witness;
    }
  }

  @Override
  public void put(String key, Entry entry) {
    long w = entry.weight(key);
    lock.lock();
    try {
      if (w > capacity) {
        Node old = map.remove(key);
        if (old != null) {
          forget(old);
        }
        return;
      }
      Node n = new Node(key, entry, w, System.nanoTime());
      Node old = map.put(key, n); // replaced in one step: a concurrent reader finds the old value or the new
      if (old != null) {
        forget(old);
      }
      linkLast(n);
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
      forget(n);
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

  private void evictToCapacity() {
    while (bytes > capacity && evictOldest()) {
      // each round evicts one entry
    }
  }

  private boolean evictOldest() {
    Node victim = oldest();
    if (victim == null) {
      return false;
    }
    map.remove(victim.key, victim);
    forget(victim);
    evictions.increment();
    return true;
  }

  /** Takes {@code n} out of the list or the heap and its weight out of the count. Lock held. */
  private void forget(Node n) {
    if (n.listed()) {
      unlink(n);
    } else if (n.heapIndex >= 0) {
      heapRemove(n);
    }
    bytes -= n.weight;
  }

  /** The entry with the smallest {@code lastUse}, or null when the store is empty. Lock held. */
  private Node oldest() {
    Node first = head.next;
    while (first != head) {
      long used = (long) LAST_USE.getOpaque(first);
      if (used == first.listedAt) {
        break;
      }
      unlink(first); // hit since it was listed: its place is in the heap now
      first.listedAt = used;
      heapAdd(first);
      first = head.next;
    }
    Node top = null;
    while (heapSize > 0) {
      top = heap[0];
      long used = (long) LAST_USE.getOpaque(top);
      if (used == top.listedAt) {
        break;
      }
      top.listedAt = used; // hit again since it was keyed: sinks to its new place
      siftDown(0);
      top = null;
    }
    if (first == head) {
      return top;
    }
    if (top == null) {
      return first;
    }
    return top.listedAt < first.listedAt ? top : first;
  }

  private void unlink(Node n) {
    n.prev.next = n.next;
    n.next.prev = n.prev;
    n.prev = null;
    n.next = null;
  }

  private void linkLast(Node n) {
    n.prev = head.prev;
    n.next = head;
    head.prev.next = n;
    head.prev = n;
  }

  private void heapAdd(Node n) {
    if (heapSize == heap.length) {
      heap = Arrays.copyOf(heap, heapSize * 2);
    }
    place(n, heapSize);
    heapSize++;
    siftUp(heapSize - 1);
  }

  private void heapRemove(Node n) {
    int i = n.heapIndex;
    heapSize--;
    Node last = heap[heapSize];
    heap[heapSize] = null;
    n.heapIndex = -1;
    if (last != n) {
      place(last, i);
      siftDown(i);
      siftUp(last.heapIndex);
    }
    if (heap.length > 16 && heapSize < heap.length / 4) {
      heap = Arrays.copyOf(heap, heap.length / 2);
    }
  }

  private void siftUp(int i) {
    Node n = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (heap[parent].listedAt <= n.listedAt) {
        break;
      }
      place(heap[parent], i);
      i = parent;
    }
    place(n, i);
  }

  private void siftDown(int i) {
    Node n = heap[i];
    int half = heapSize >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      if (child + 1 < heapSize && heap[child + 1].listedAt < heap[child].listedAt) {
        child++;
      }
      if (n.listedAt <= heap[child].listedAt) {
        break;
      }
      place(heap[child], i);
      i = child;
    }
    place(n, i);
  }

  private void place(Node n, int i) {
    heap[i] = n;
    n.heapIndex = i;
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

  /** For tests: the lock that guards the list and the heap. */
  ReentrantLock lockForTests() {
    return lock;
  }

  /**
   * For tests: whether the list (sorted, nodes not yet re-keyed), the heap (heap-ordered, indexes
   * right), the map and the byte count agree.
   */
  boolean isConsistent() {
    lock.lock();
    try {
      long sum = 0;
      int count = 0;
      long previous = Long.MIN_VALUE;
      for (Node n = head.next; n != head; n = n.next) {
        if (map.get(n.key) != n || n.next.prev != n || n.heapIndex != -1
            || n.listedAt < previous || n.listedAt > n.lastUse) {
          return false;
        }
        previous = n.listedAt;
        sum += n.weight;
        count++;
      }
      for (int i = 0; i < heapSize; i++) {
        Node n = heap[i];
        if (map.get(n.key) != n || n.heapIndex != i || n.listed() || n.listedAt > n.lastUse
            || (i > 0 && heap[(i - 1) >>> 1].listedAt > n.listedAt)) {
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
