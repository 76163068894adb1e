package org.groupcache4j.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.groupcache4j.peer.HintDelivery;
import org.groupcache4j.peer.HintOp;

/**
 * The writes peers missed, held for them by this node (hinted handoff, as Dynamo and Cassandra
 * keep them): for each peer, the keys it must drop before it serves them again. Only drops are
 * kept, never values: drops are idempotent and commute, so a hint delivered late cannot put an
 * older value over a newer write.
 *
 * <p>Each peer's queue is bounded ({@code maxOps} drops and {@code maxBytes} of group and key
 * names). Past a bound the queue collapses, coarse but safe: the drops of the group being added to
 * become "drop every entry of the group"; if that is not enough, the whole queue becomes "drop
 * everything". Every op has a sequence number; a delivery carries them up to some number, and the
 * peer's acknowledgement of that number removes them (at least once: ops added meanwhile stay).
 */
public final class Hints {
  /** A rough cost of one held drop beyond its names, for the byte bound. */
  static final int OP_OVERHEAD_BYTES = 48;

  private final int maxOps;
  private final long maxBytes;
  private final Map<String, Queue> queues = new ConcurrentHashMap<>();
  private final LongAdder collapses = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder added = new LongAdder();

  private record Op(long seq, long createdNanos) {}

  private record GroupKey(String group, String key) {}

  /** One peer's held drops. Guarded by itself. */
  private static final class Queue {
    long nextSeq = 1;
    final LinkedHashMap<GroupKey, Op> keys = new LinkedHashMap<>();
    final Map<String, Op> groups = new HashMap<>();
    Op all;
    long bytes;

    boolean isEmpty() {
      return keys.isEmpty() && groups.isEmpty() && all == null;
    }

    int size() {
      return keys.size() + groups.size() + (all == null ? 0 : 1);
    }
  }

  public Hints(int maxOps, long maxBytes) {
    if (maxOps < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("hint bounds must be positive, were " + maxOps + " drops and " + maxBytes + " bytes");
    }
    this.maxOps = maxOps;
    this.maxBytes = maxBytes;
  }

  /** Holds drops of {@code keys} of {@code group} for {@code peer}. */
  public void add(String peer, String group, Collection<String> keys) {
    Queue q = queues.computeIfAbsent(peer, p -> new Queue());
    long now = System.nanoTime();
    synchronized (q) {
      for (String k : keys) {
        added.increment();
        GroupKey gk = new GroupKey(group, k);
        Op old = q.keys.remove(gk);
        if (old == null) {
          q.bytes += weight(group, k);
        }
        q.keys.put(gk, new Op(q.nextSeq++, now));
        if (q.size() > maxOps || q.bytes > maxBytes) {
          collapse(q, group, now);
        }
      }
    }
  }

  /** Holds a drop of every entry of {@code group} for {@code peer} (a clear it missed). */
  public void addGroup(String peer, String group) {
    Queue q = queues.computeIfAbsent(peer, p -> new Queue());
    synchronized (q) {
      added.increment();
      dropGroup(q, group, System.nanoTime());
    }
  }

  /** Over a bound: {@code group}'s drops become one; if still over, everything becomes one. */
  private void collapse(Queue q, String group, long now) {
    collapses.increment();
    dropGroup(q, group, now);
  }

  /** {@code group}'s drops become one drop of the group; if the queue is still over a bound, everything becomes one. */
  private void dropGroup(Queue q, String group, long now) {
    long newest = now;
    for (Iterator<Map.Entry<GroupKey, Op>> it = q.keys.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<GroupKey, Op> e = it.next();
      if (e.getKey().group().equals(group)) {
        q.bytes -= weight(group, e.getKey().key());
        it.remove();
      }
    }
    if (!q.groups.containsKey(group)) {
      q.bytes += weight(group, "");
    }
    q.groups.put(group, new Op(q.nextSeq++, newest));
    if (q.size() > maxOps || q.bytes > maxBytes) {
      q.keys.clear();
      q.groups.clear();
      q.all = new Op(q.nextSeq++, newest);
      q.bytes = OP_OVERHEAD_BYTES;
    }
  }

  private static long weight(String group, String key) {
    return (long) Utf8.encodedLength(group) + Utf8.encodedLength(key) + OP_OVERHEAD_BYTES;
  }

  /** Whether anything is held for {@code peer}. */
  public boolean holdsFor(String peer) {
    Queue q = queues.get(peer);
    if (q == null) {
      return false;
    }
    synchronized (q) {
      return !q.isEmpty();
    }
  }

  /** How many drops are held for each peer that has any (a group or "everything" counts one). */
  public Map<String, Integer> pending() {
    Map<String, Integer> n = new TreeMap<>();
    queues.forEach((peer, q) -> {
      synchronized (q) {
        if (!q.isEmpty()) {
          n.put(peer, q.size());
        }
      }
    });
    return n;
  }

  /**
   * What is held for {@code peer}, oldest first, to deliver; {@code through} is the last op's
   * sequence number (0 when there is none).
   */
  public HintDelivery delivery(String peer, String self, long selfIncarnation, long peerIncarnation,
      long unreachableSinceMillis) {
    Queue q = queues.get(peer);
    List<Map.Entry<Op, HintOp>> ops = new ArrayList<>();
    if (q != null) {
      synchronized (q) {
        if (q.all != null) {
          ops.add(Map.entry(q.all, HintOp.dropAll()));
        }
        q.groups.forEach((g, op) -> ops.add(Map.entry(op, HintOp.dropGroup(g))));
        q.keys.forEach((gk, op) -> ops.add(Map.entry(op, HintOp.drop(gk.group(), gk.key()))));
      }
    }
    ops.sort(Comparator.comparingLong(e -> e.getKey().seq()));
    List<HintOp> list = new ArrayList<>(ops.size());
    long through = 0;
    long now = System.nanoTime();
    for (Map.Entry<Op, HintOp> e : ops) {
      list.add(e.getValue().aged(Math.max(0, TimeUnit.NANOSECONDS.toMillis(now - e.getKey().createdNanos()))));
      through = Math.max(through, e.getKey().seq());
    }
    return new HintDelivery(self, selfIncarnation, peerIncarnation, unreachableSinceMillis, list, through);
  }

  /** {@code peer} applied the ops up to {@code through}: they are forgotten. */
  public void acked(String peer, long through) {
    Queue q = queues.get(peer);
    if (q == null) {
      return;
    }
    synchronized (q) {
      long before = q.size();
      if (q.all != null && q.all.seq() <= through) {
        q.all = null;
        q.bytes -= OP_OVERHEAD_BYTES;
      }
      for (Iterator<Map.Entry<String, Op>> it = q.groups.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, Op> e = it.next();
        if (e.getValue().seq() <= through) {
          q.bytes -= weight(e.getKey(), "");
          it.remove();
        }
      }
      for (Iterator<Map.Entry<GroupKey, Op>> it = q.keys.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<GroupKey, Op> e = it.next();
        if (e.getValue().seq() <= through) {
          q.bytes -= weight(e.getKey().group(), e.getKey().key());
          it.remove();
        }
      }
      if (q.isEmpty()) {
        q.bytes = 0;
      }
      delivered.add(before - q.size());
    }
  }

  /**
   * {@code peer} restarted (another incarnation answered): the drops held since before
   * {@code nanos} ({@link System#nanoTime()}, when its old incarnation last answered) were for a
   * process whose stores are gone, and are forgotten; later ones may be for the new one and stay.
   */
  public void forgetBefore(String peer, long nanos) {
    Queue q = queues.get(peer);
    if (q == null) {
      return;
    }
    synchronized (q) {
      if (q.all != null && q.all.createdNanos() - nanos < 0) {
        q.all = null;
        q.bytes -= OP_OVERHEAD_BYTES;
      }
      for (Iterator<Map.Entry<String, Op>> it = q.groups.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, Op> e = it.next();
        if (e.getValue().createdNanos() - nanos < 0) {
          q.bytes -= weight(e.getKey(), "");
          it.remove();
        }
      }
      for (Iterator<Map.Entry<GroupKey, Op>> it = q.keys.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<GroupKey, Op> e = it.next();
        if (e.getValue().createdNanos() - nanos < 0) {
          q.bytes -= weight(e.getKey().group(), e.getKey().key());
          it.remove();
        }
      }
      if (q.isEmpty()) {
        q.bytes = 0;
      }
    }
  }

  /** {@code peer} left the peer list for good: nothing is held for it any more. */
  public void forget(String peer) {
    queues.remove(peer);
  }

  /** Peers anything is held for. */
  public Collection<String> peers() {
    return List.copyOf(queues.keySet());
  }

  /** How many times a queue collapsed to a group drop or to "drop everything". */
  public long collapses() {
    return collapses.sum();
  }

  /** Drops acknowledged by the peers they were held for. */
  public long delivered() {
    return delivered.sum();
  }

  /** Drops held (each key of each write a peer missed). */
  public long added() {
    return added.sum();
  }
}
