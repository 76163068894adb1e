package org.groupcache4j.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The writes this node applied to a group's keys lately, by the id each write carries (drawn by
 * the node that made it): what makes a peer's answer wait for a write that the asker applied and
 * the answerer has not yet.
 *
 * <p>Why. A write reaches the nodes one after another. A node that dropped a key may miss it
 * at once and ask the key's owner (or, for a new owner, the previous one: a peek) before that
 * node applied the same write; the answer would then carry the value the write replaced, and the
 * asker would keep it and serve it after the write returned. So a fetch or a peek carries the ids
 * of the writes its asker applied to the key within {@link #sendWindowNanos} ({@link #ids}), and
 * the answerer answers only once it applied each of them too ({@link #await}), or after a bound.
 * A node keeps ids twice as long as it sends them, so that an id sent is still known here however
 * much earlier this node applied it. Bounded by {@code maxWrites}: beyond it the oldest go first.
 * Kept in primitive arrays ({@link Stripe}): no object per write.
 */
public final class RecentWrites {
  /**
   * Stands for every write of a key (a drop that covers whatever this node missed: a hint, whose
   * writes' ids are not kept; see {@link #applied}). Never drawn as a write's id.
   */
  public static final long ANY = Long.MIN_VALUE;
  private static final long[] NONE = new long[0];
  /** At most this many writes of a key are named in a request: the newest. */
  public static final int MAX_SENT = 16;
  private static final CompletableFuture<Void> NOTHING_TO_WAIT_FOR = CompletableFuture.completedFuture(null);

  /** Flags of a record: applied (else under way: named, not yet answered for). */
  private static final int DONE = 1;
  /** Flags of a record: named in this node's own requests (not a write it waited out, {@link #waitedOut}). */
  private static final int NAMED = 2;
  private static final int UNDER_WAY = NAMED;
  /** At most this many of a key's writes are looked at, the newest. */
  private static final int MAX_PER_KEY = 64;
  private static final int STRIPES = 16;
  private static final long SEED = 0x5265_6365_6E74_5772L;

  private final Stripe[] stripes;
  private final ConcurrentHashMap<String, CompletableFuture<Void>> next = new ConcurrentHashMap<>();
  private final long sendWindowNanos;
  /** When this node last dropped everything of the group (or started): every write before then is covered. */
  private volatile long coveredAllAt;
  private final LongSupplier nanos;

  /**
   * @param sendWindowNanos how long after it applied a write this node names it in its requests
   *     (longer than a write takes to reach every node); ids are kept twice as long
   * @param maxWrites at most this many writes are kept (beyond it the oldest go first)
   */
  public RecentWrites(long sendWindowNanos, int maxWrites, LongSupplier nanos) {
    this.sendWindowNanos = sendWindowNanos;
    this.nanos = nanos;
    this.coveredAllAt = nanos.getAsLong(); // a node that starts holds nothing older than any write
    int count = maxWrites >= 4096 ? STRIPES : 1;
    this.stripes = new Stripe[count];
    for (int i = 0; i < count; i++) {
      stripes[i] = new Stripe(Math.max(1, maxWrites / count), 2 * sendWindowNanos);
    }
  }

  private static long hash(String key) {
    return CompactRecords.hash(key, SEED);
  }

  private Stripe stripe(long h) {
    return stripes[(int) h & (stripes.length - 1)];
  }

  /** This node dropped every entry of the group (or will hold nothing older than now): every write so far is covered. */
  public void appliedEverything() {
    coveredAllAt = nanos.getAsLong();
    for (String key : next.keySet()) {
      CompletableFuture<Void> w = next.remove(key);
      if (w != null) {
        w.complete(null);
      }
    }
  }

  /**
   * Write {@code id} (0: none) is about to be applied to {@code key} here: from now on this node
   * names it in its own fetches and peeks of the key, though it does not count as applied for the
   * peers' requests that wait for it ({@link #appliedAll}) until {@link #applied}. Called before
   * the store changes, so that no request this node sends once the change began can miss it: a
   * flight that begins between the drop and the record would otherwise ask a peer that has not
   * applied the write yet, without naming it, and store that peer's older value.
   */
  public void applying(String key, long id) {
    if (id == 0 || id == ANY) {
      return;
    }
    long h = hash(key);
    stripe(h).record(h, id, nanos.getAsLong(), UNDER_WAY);
  }

  /**
   * Write {@code id} (0: none, nothing is kept; {@link #ANY}: a drop that covers every write of
   * the key so far) was applied to {@code key} here now; wakes what waits for it.
   */
  public void applied(String key, long id) {
    if (id == 0) {
      return;
    }
    long h = hash(key);
    stripe(h).record(h, id, nanos.getAsLong(), DONE | NAMED);
    CompletableFuture<Void> waiting = next.remove(key);
    if (waiting != null) {
      waiting.complete(null);
    }
  }

  /**
   * A peer named the writes {@code ids} (pairs, as {@link #ids}) of {@code key} and this node
   * waited the whole bound for those it had not applied: it does not wait for them again. Such a
   * write most likely never comes (its writer died while it sent it; the hint, if any, died with
   * it), and every request that names it would otherwise wait the bound once more: a key asked
   * again and again (each write invalidates its flight) piles those waits up into seconds. They
   * are not named in this node's own requests: this node did not apply them.
   */
  public void waitedOut(String key, long[] ids) {
    if (ids == null || ids.length < 2) {
      return;
    }
    long h = hash(key);
    stripe(h).waitedOut(h, ids, nanos.getAsLong(), coveredAllAt);
  }

  /**
   * Whether a write of {@code key} was applied here, or began to be, within the send window (a
   * peer's write with an id, or this node's own): a value another node read may predate it.
   */
  public boolean writtenWithinWindow(String key) {
    long h = hash(key);
    return stripe(h).writtenWithin(h, nanos.getAsLong(), sendWindowNanos);
  }

  /**
   * The writes applied to {@code key} here within the send window, as pairs: each write's id and
   * how long ago (nanoseconds) it was applied here, the newest first. Empty (no allocation) for
   * most keys.
   */
  public long[] ids(String key) {
    long h = hash(key);
    return stripe(h).ids(h, nanos.getAsLong(), sendWindowNanos);
  }

  /**
   * Whether this node applied each write of {@code applied} (pairs of id and age, as {@link #ids}
   * gives them) to {@code key}, or covered it: by a drop that covers every write of the key, or by
   * dropping everything (or starting) after the asker applied it, which leaves nothing here that
   * the write could have replaced.
   */
  public boolean appliedAll(String key, long[] applied) {
    if (applied == null || applied.length < 2) {
      return true;
    }
    long h = hash(key);
    return stripe(h).appliedAll(h, applied, nanos.getAsLong(), coveredAllAt);
  }

  /**
   * Completes once each write of {@code ids} (pairs, as {@link #appliedAll}) was applied to {@code key} here: at once for most
   * requests, which name none. The caller bounds the wait.
   */
  public CompletableFuture<Void> await(String key, long[] ids) {
    if (appliedAll(key, ids)) {
      return NOTHING_TO_WAIT_FOR;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    waitFor(key, ids, done);
    return done;
  }

  private void waitFor(String key, long[] ids, CompletableFuture<Void> done) {
    CompletableFuture<Void> w = next.computeIfAbsent(key, k -> new CompletableFuture<>());
    if (appliedAll(key, ids)) {
      done.complete(null);
      return;
    }
    w.thenRun(() -> {
      if (done.isDone()) {
        return;
      }
      if (appliedAll(key, ids)) {
        done.complete(null);
      } else {
        waitFor(key, ids, done);
      }
    });
  }

  /** Keys with a write remembered (for tests). */
  public int size() {
    long now = nanos.getAsLong();
    int n = 0;
    for (Stripe s : stripes) {
      n += s.keys(now);
    }
    return n;
  }

  /**
   * One part of the log (a key's writes are all in the part its hash picks), under a lock of its
   * own. Writes are records in a ring of primitive arrays, in the order they were recorded, each
   * linked to the key's previous record by its sequence number; a record is live while its slot
   * still holds that number, so a ring that wraps around forgets the oldest without any clean-up.
   * An index of key hashes (twice as many slots as the ring has records; a key's slot is in one
   * of two sets of {@link #WAYS}) points to each key's newest record. The ring starts small and doubles, up to its bound, when
   * the record it would overwrite is still within the time kept. No object per write: a node
   * under a heavy write load keeps its collector's work where it was.
   */
  private static final class Stripe {
    private static final int WAYS = 8;
    private final int maxRecords;
    private final long keepNanos;
    private int mask;
    private long[] hashes;
    private long[] ids;
    private long[] ats;
    private long[] prevs;
    private long[] seqs;
    private byte[] flags;
    private long[] indexHashes;
    private long[] indexSeqs;
    private long nextSeq;

    Stripe(int maxRecords, long keepNanos) {
      this.maxRecords = Integer.highestOneBit(Math.max(1, maxRecords - 1)) << (maxRecords > 1 ? 1 : 0);
      this.keepNanos = keepNanos;
      allocate(Math.min(this.maxRecords, 16));
    }

    private void allocate(int records) {
      mask = records - 1;
      hashes = new long[records];
      ids = new long[records];
      ats = new long[records];
      prevs = new long[records];
      seqs = new long[records];
      java.util.Arrays.fill(seqs, -1);
      flags = new byte[records];
      int slots = Math.max(WAYS, 2 * records);
      indexHashes = new long[slots];
      indexSeqs = new long[slots];
      java.util.Arrays.fill(indexSeqs, -1);
    }

    private boolean live(long seq) {
      return seq >= 0 && seqs[(int) seq & mask] == seq;
    }

    /** The first of the key's {@link #WAYS} index slots in its first set ({@code second}: its other). */
    private int bucket(long h, boolean second) {
      int bits = second ? (int) h >>> 8 ^ (int) (h >>> 48) : (int) (h >>> 32);
      return (bits & (indexHashes.length / WAYS - 1)) * WAYS;
    }

    /** The sequence number of the key's newest record, or -1. */
    private long newest(long h) {
      int first = bucket(h, false);
      int second = bucket(h, true);
      for (int k = 0; k < 2 * WAYS; k++) {
        int i = k < WAYS ? first + k : second + k - WAYS;
        long s = indexSeqs[i];
        if (indexHashes[i] == h && live(s) && hashes[(int) s & mask] == h) {
          return s;
        }
      }
      return -1;
    }

    /**
     * Points the key's index slot to {@code seq}: the slot it has, else a free one in either of its
     * two sets, else the slot of the key written longest ago among them (whose writes are forgotten:
     * with twice as many slots as records, two sets of {@link #WAYS} almost never fill up).
     */
    private void index(long h, long seq) {
      int first = bucket(h, false);
      int second = bucket(h, true);
      int victim = -1;
      for (int k = 0; k < 2 * WAYS; k++) {
        int i = k < WAYS ? first + k : second + k - WAYS;
        if (indexHashes[i] == h && live(indexSeqs[i])) {
          indexSeqs[i] = seq;
          return;
        }
        if (victim < 0 || live(indexSeqs[victim]) && (!live(indexSeqs[i]) || indexSeqs[i] < indexSeqs[victim])) {
          victim = i;
        }
      }
      indexHashes[victim] = h;
      indexSeqs[victim] = seq;
    }

    /** The slot of the next record of the key after {@code slot}'s (older), or -1. */
    private int previous(long h, int slot) {
      long p = prevs[slot];
      return live(p) && hashes[(int) p & mask] == h ? (int) p & mask : -1;
    }

    private int first(long h) {
      long s = newest(h);
      return s < 0 ? -1 : (int) s & mask;
    }

    synchronized void record(long h, long id, long now, int how) {
      if ((how & DONE) != 0 && (how & NAMED) != 0) {
        int n = 0;
        for (int slot = first(h); slot >= 0 && n < MAX_PER_KEY; slot = previous(h, slot), n++) {
          if (ids[slot] == id && (flags[slot] & DONE) == 0) {
            flags[slot] |= DONE; // under way until now: applied, not one more record
            ats[slot] = now;
            return;
          }
        }
      }
      long seq = nextSeq;
      int slot = (int) seq & mask;
      if (seqs[slot] >= 0 && mask + 1 < maxRecords && now - ats[slot] < keepNanos) {
        grow();
        slot = (int) seq & mask;
      }
      long prev = newest(h);
      hashes[slot] = h;
      ids[slot] = id;
      ats[slot] = now;
      flags[slot] = (byte) how;
      prevs[slot] = prev;
      seqs[slot] = seq;
      nextSeq = seq + 1;
      index(h, seq);
    }

    private void grow() {
      long[] oldHashes = hashes;
      long[] oldIds = ids;
      long[] oldAts = ats;
      long[] oldPrevs = prevs;
      long[] oldSeqs = seqs;
      byte[] oldFlags = flags;
      int oldMask = mask;
      allocate(2 * (mask + 1));
      for (long seq = Math.max(0, nextSeq - oldMask - 1); seq < nextSeq; seq++) {
        int from = (int) seq & oldMask;
        if (oldSeqs[from] != seq) {
          continue;
        }
        int to = (int) seq & mask;
        hashes[to] = oldHashes[from];
        ids[to] = oldIds[from];
        ats[to] = oldAts[from];
        prevs[to] = oldPrevs[from];
        flags[to] = oldFlags[from];
        seqs[to] = seq;
        index(hashes[to], seq); // in order: the newest of each key is indexed last
      }
    }

    synchronized void waitedOut(long h, long[] named, long now, long coveredAllAt) {
      long sinceCovered = sinceCovered(h, now, coveredAllAt);
      for (int i = 0; i + 1 < named.length; i += 2) {
        long id = named[i];
        if (id != 0 && id != ANY && !appliedHere(h, now, sinceCovered, id, named[i + 1])) {
          record(h, id, now, DONE);
        }
      }
    }

    synchronized boolean writtenWithin(long h, long now, long windowNanos) {
      int n = 0;
      for (int slot = first(h); slot >= 0 && n < MAX_PER_KEY; slot = previous(h, slot), n++) {
        if (now - ats[slot] < windowNanos) {
          return true;
        }
      }
      return false;
    }

    synchronized long[] ids(long h, long now, long windowNanos) {
      long[] out = NONE;
      int k = 0;
      int n = 0;
      for (int slot = first(h); slot >= 0 && n < MAX_PER_KEY && k < 2 * MAX_SENT; slot = previous(h, slot), n++) {
        if (now - ats[slot] < windowNanos && ids[slot] != ANY && (flags[slot] & NAMED) != 0) {
          if (k == out.length) {
            out = java.util.Arrays.copyOf(out, Math.max(4, 2 * out.length));
          }
          out[k++] = ids[slot];
          out[k++] = now - ats[slot];
        }
      }
      return k == out.length ? out : java.util.Arrays.copyOf(out, k);
    }

    synchronized boolean appliedAll(long h, long[] named, long now, long coveredAllAt) {
      long sinceCovered = sinceCovered(h, now, coveredAllAt);
      for (int i = 0; i + 1 < named.length; i += 2) {
        if (!appliedHere(h, now, sinceCovered, named[i], named[i + 1])) {
          return false;
        }
      }
      return true;
    }

    /**
     * How long ago, from {@code now}, this node last covered every write of the key: by dropping
     * everything (or starting), or by a drop that covers every write of the key.
     */
    private long sinceCovered(long h, long now, long coveredAllAt) {
      long covered = coveredAllAt; // what was applied there before this instant is covered here
      int n = 0;
      for (int slot = first(h); slot >= 0 && n < MAX_PER_KEY; slot = previous(h, slot), n++) {
        if (ids[slot] == ANY && (flags[slot] & DONE) != 0 && now - ats[slot] < keepNanos && ats[slot] - covered > 0) {
          covered = ats[slot];
        }
      }
      return now - covered;
    }

    /** Whether write {@code id}, applied {@code age} ago at the asker, is applied or covered here. */
    private boolean appliedHere(long h, long now, long sinceCovered, long id, long age) {
      if (age >= sinceCovered) {
        return true; // applied there before this node dropped everything or started
      }
      int n = 0;
      for (int slot = first(h); slot >= 0 && n < MAX_PER_KEY; slot = previous(h, slot), n++) {
        if (ids[slot] == id && (flags[slot] & DONE) != 0 && now - ats[slot] < keepNanos) {
          return true;
        }
      }
      return false;
    }

    /** Keys whose newest record is within the time kept. */
    synchronized int keys(long now) {
      int n = 0;
      for (int i = 0; i < indexSeqs.length; i++) {
        long s = indexSeqs[i];
        if (live(s) && hashes[(int) s & mask] == indexHashes[i] && writtenWithin(indexHashes[i], now, keepNanos)) {
          n++;
        }
      }
      return n;
    }
  }
}
