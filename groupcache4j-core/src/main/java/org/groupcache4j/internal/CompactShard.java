package org.groupcache4j.internal;

import static org.groupcache4j.internal.CompactRecords.CLOCK;
import static org.groupcache4j.internal.CompactRecords.DETAIL;
import static org.groupcache4j.internal.CompactRecords.EXPIRES;
import static org.groupcache4j.internal.CompactRecords.NOT_FOUND;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.groupcache4j.ByteView;

/**
 * One shard of a {@link CompactStore}: its segments, its index and its sketch, written under its
 * lock and read without it. See {@code CompactStore} for the design; this class holds the
 * mechanics.
 *
 * <p>An index slot is a {@code long}: {@code tag (26 bits) | segment number (13) | offset (25)},
 * where the tag is the top 26 bits of the key's hash (never 0) and also picks the slot a probe
 * starts at. 0 is an empty slot, 1 a deleted one ({@link #TOMBSTONE}), 2 ({@link #MOVED}) a slot
 * of an index that was replaced by a larger or cleaner one: a reader that meets it starts over on
 * the new index. The writer marks every slot of a replaced index before it changes anything
 * else, so a reader still probing the old one can never take a stale slot for a current one.
 *
 * <p>Segments belong to one of three logs, the window and the main space's probation and
 * protected parts (W-TinyLFU's), each a list from oldest to newest; records are appended to the
 * newest segment of a log and leave from its oldest, at the log's cursor. {@code Segment.live} counts the bytes of the records that an index slot
 * points to: a segment whose count falls to 0 is dropped at once.
 */
final class CompactShard {
  static final long EMPTY = 0;
  static final long TOMBSTONE = 1;
  static final long MOVED = 2;
  static final int OFFSET_BITS = 25;
  static final int NUMBER_BITS = 13;
  static final int TAG_BITS = 26;
  static final long LOCATION_MASK = (1L << (OFFSET_BITS + NUMBER_BITS)) - 1;
  /** The largest segment that holds several records (offsets must fit {@value #OFFSET_BITS} bits): a G1 region of 32 MiB. */
  static final int MAX_SEGMENT = 1 << OFFSET_BITS;
  /** The largest segment of the window, and of the main space when it does not take whole regions ({@link #mainSegmentSize}). */
  static final int MAX_SMALL_SEGMENT = 1 << 18;
  static final int MIN_SEGMENT = 256;
  static final int MAX_NUMBERS = 1 << NUMBER_BITS;
  static final int MAX_SLOTS = 1 << TAG_BITS;
  static final int MIN_SLOTS = 8;
  /** Bookkeeping counted per segment besides its bytes: the JVM's array header (its slot is in {@link #tableBytes}). */
  static final long SEGMENT_OVERHEAD = 16;
  /** The protected space's share of the main space. */
  static final double PROTECTED_FRACTION = 0.8;
  /** Frequency at which a losing candidate is still let in 1 time in 128 (Caffeine's defence against hash flooding). */
  private static final int ADMIT_HASHDOS_THRESHOLD = 6;

  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);
  private static final VarHandle ARRAYS = MethodHandles.arrayElementVarHandle(byte[][].class);
  private static final byte[] NO_BYTES = new byte[0];

  /**
   * The index's slots, in pages of {@value #PAGE} longs (256 KiB): an array that large would be
   * a humongous object to G1 (half a region or more, with regions from 1 MiB), which wastes the
   * rest of its last region and is collected apart; pages never are. Slot {@code i} is
   * {@code pages[i >>> 15][i & 32767]}; the table never changes size, a larger one replaces it.
   */
  static final class SlotTable {
    static final int PAGE_BITS = 15;
    static final int PAGE = 1 << PAGE_BITS;
    final long[][] pages;
    final int length;

    SlotTable(int length) {
      this.length = length;
      int full = length >>> PAGE_BITS;
      int rest = length & (PAGE - 1);
      pages = new long[full + (rest == 0 ? 0 : 1)][];
      for (int p = 0; p < full; p++) {
        pages[p] = new long[PAGE];
      }
      if (rest != 0) {
        pages[full] = new long[rest];
      }
    }

    long get(int i) {
      return pages[i >>> PAGE_BITS][i & (PAGE - 1)];
    }

    long acquire(int i) {
      return (long) SLOTS.getAcquire(pages[i >>> PAGE_BITS], i & (PAGE - 1));
    }

    void set(int i, long s) {
      pages[i >>> PAGE_BITS][i & (PAGE - 1)] = s;
    }

    void release(int i, long s) {
      SLOTS.setRelease(pages[i >>> PAGE_BITS], i & (PAGE - 1), s);
    }

    void fill(long s) {
      for (long[] page : pages) {
        Arrays.fill(page, s);
      }
    }

    /** Heap bytes: the pages and the array of them. */
    long bytes() {
      return 16 + 4L * pages.length + 16L * pages.length + 8L * length;
    }
  }

  // ---- a segment's bookkeeping: the first HEADER bytes of its own array, which the writer alone
  // reads and writes (records start after it; no view covers it), so that a segment is one object

  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int H_NUMBER = 0;
  private static final int H_FILL = 4;
  private static final int H_LIVE = 8;
  private static final int H_OLDER = 12;
  private static final int H_NEWER = 16;
  private static final int H_FLAGS = 20;
  /** Bytes of bookkeeping at the start of every segment. */
  static final int HEADER = 24;
  private static final int S_LOG = 0x03;
  private static final int S_SEALED = 0x04;
  private static final int S_FREED = 0x08;

  private static int number(byte[] seg) {
    return (int) INT.get(seg, H_NUMBER);
  }

  /** Where the next record goes. */
  private static int fill(byte[] seg) {
    return (int) INT.get(seg, H_FILL);
  }

  private static void fill(byte[] seg, int fill) {
    INT.set(seg, H_FILL, fill);
  }

  /** Bytes of the records an index slot points to. */
  private static int live(byte[] seg) {
    return (int) INT.get(seg, H_LIVE);
  }

  private static void addLive(byte[] seg, int bytes) {
    INT.set(seg, H_LIVE, live(seg) + bytes);
  }

  /** No more appends (the log's newest segment is sealed before its cursor reads it). */
  private static boolean sealed(byte[] seg) {
    return (seg[H_FLAGS] & S_SEALED) != 0;
  }

  private static void markSealed(byte[] seg) {
    seg[H_FLAGS] |= S_SEALED;
  }

  /** Dropped: no longer in its log (a loop still holding it stops). */
  private static boolean freed(byte[] seg) {
    return (seg[H_FLAGS] & S_FREED) != 0;
  }

  private Log logOf(byte[] seg) {
    return logs[seg[H_FLAGS] & S_LOG];
  }

  /** The next older segment of its log, or null. */
  private byte[] older(byte[] seg) {
    int n = (int) INT.get(seg, H_OLDER);
    return n < 0 ? null : arrays[n];
  }

  /** The next newer segment of its log, or null. */
  private byte[] newer(byte[] seg) {
    int n = (int) INT.get(seg, H_NEWER);
    return n < 0 ? null : arrays[n];
  }

  private static void older(byte[] seg, byte[] older) {
    INT.set(seg, H_OLDER, older == null ? -1 : number(older));
  }

  private static void newer(byte[] seg, byte[] newer) {
    INT.set(seg, H_NEWER, newer == null ? -1 : number(newer));
  }

  /** What a segment costs: its array, its bookkeeping header included, and the array's JVM header. */
  private static long cost(byte[] seg) {
    return seg.length + SEGMENT_OVERHEAD;
  }

  /** The window, probation or the protected space: segments from oldest to newest, and a cursor in the oldest. */
  static final class Log {
    final String name;
    final int id;
    byte[] oldest;
    byte[] newest;
    /** What its segments cost. */
    long bytes;
    /** Bytes of its live records. */
    long live;
    /** Where in {@link #oldest} the next record to leave starts. */
    int cursor;

    Log(String name, int id) {
      this.name = name;
      this.id = id;
    }
  }

  /** A record as the writer parses it (one per shard, used under the lock). */
  private static final class Parsed {
    int size;
    int flags;
    int keyOffset;
    int keyLength;
    int valueLength;

    long payload() {
      return (long) keyLength + valueLength + ((flags & NOT_FOUND) != 0 ? 1 : 0);
    }
  }

  final CompactStore store;
  final int index;
  final ReentrantLock lock = new ReentrantLock();
  private final long hashSeed;

  // ---- what readers see
  private volatile SlotTable slots;
  private volatile byte[][] arrays;

  // ---- the writer's state, under the lock
  private int[] freeNumbers = new int[0];
  private int freeCount;
  private int nextNumber;
  private int used;
  private int tombstones;
  private FrequencySketch sketch;
  final Log window = new Log("window", 0);
  final Log probation = new Log("probation", 1);
  final Log protect = new Log("protected", 2);
  private final Log[] logs = {window, probation, protect};
  /** Everything this shard holds; {@link #committedBytes} of it is counted in the store. */
  long bytes;
  private long committedBytes;
  volatile long items;
  volatile long payload;
  private long random;
  private long reappendBudget;
  private int puts;
  /** What a segment of a record of its own, written by the current write, costs (0: none). */
  private long largeWritten;
  private final Parsed parsed = new Parsed();
  private final Parsed other = new Parsed();
  /** The hash of the record {@link #slotOf} looked up last. */
  private long lastHash;
  /** Set by {@link #findMainVictim}. */
  private long victimHash;
  private int victimSize;
  private Log victimLog;
  private byte[] victimSegment;

  CompactShard(CompactStore store, int index, long random) {
    this.store = store;
    this.index = index;
    this.hashSeed = store.seed;
    this.random = random | 1;
  }

  // ---- slot fields

  static int tag(long h) {
    int t = (int) (h >>> (64 - TAG_BITS));
    return t == 0 ? 1 : t;
  }

  static int position(int tag, int n) {
    return (int) (((long) tag * n) >>> TAG_BITS);
  }

  static int tagOf(long s) {
    return (int) (s >>> (OFFSET_BITS + NUMBER_BITS));
  }

  static int numberOf(long s) {
    return (int) (s >>> OFFSET_BITS) & (MAX_NUMBERS - 1);
  }

  static int offsetOf(long s) {
    return (int) s & (MAX_SEGMENT - 1);
  }

  static long location(int number, int offset) {
    return (long) number << OFFSET_BITS | offset;
  }

  static long slot(int tag, long location) {
    return (long) tag << (OFFSET_BITS + NUMBER_BITS) | location;
  }

  // ---- reads (no lock)

  /**
   * The value of {@code key} if it is held, not a "not found", and fresh at {@code clock.millis()}
   * (read only when the record expires); else null. Counts a hit when the key is held at all.
   */
  ByteView fresh(String key, long h, Clock clock) {
    int tag = tag(h);
    retry:
    for (;;) {
      SlotTable t = slots;
      if (t == null) {
        return null;
      }
      int n = t.length;
      int i = position(tag, n);
      for (int probes = n; probes > 0; probes--) {
        long s = t.acquire(i);
        if (s == EMPTY) {
          return null;
        }
        if (s == MOVED) {
          continue retry;
        }
        if (tagOf(s) == tag) {
          byte[] a = arrayOf(s);
          int off = offsetOf(s);
          long m = a == null ? -1 : CompactRecords.match(key, a, off);
          int f = m < 0 ? 0 : a[off];
          long expireAt = (f & EXPIRES) == 0 ? 0 : CompactRecords.readLong(a, CompactRecords.expiryOffset(off));
          VarHandle.loadLoadFence();
          if (t.acquire(i) != s) {
            continue retry;
          }
          if (m >= 0) {
            store.hits.increment();
            if ((f & CLOCK) != CLOCK) {
              a[off] = (byte) (f + 1);
            }
            if ((f & NOT_FOUND) != 0 || (expireAt != 0 && expireAt <= clock.millis())) {
              return null;
            }
            return ByteViews.wrap(a, (int) m, (int) (m >>> 32));
          }
        }
        if (++i == n) {
          i = 0;
        }
      }
      return null;
    }
  }

  /** The entry of {@code key}, or null; {@code access}: count a hit and record it in the record. */
  Entry entry(String key, long h, boolean access) {
    int tag = tag(h);
    retry:
    for (;;) {
      SlotTable t = slots;
      if (t == null) {
        return null;
      }
      int n = t.length;
      int i = position(tag, n);
      for (int probes = n; probes > 0; probes--) {
        long s = t.acquire(i);
        if (s == EMPTY) {
          return null;
        }
        if (s == MOVED) {
          continue retry;
        }
        if (tagOf(s) == tag) {
          byte[] a = arrayOf(s);
          int off = offsetOf(s);
          long m = a == null ? -1 : CompactRecords.match(key, a, off);
          int f = m < 0 ? 0 : a[off];
          long expireAt = (f & EXPIRES) == 0 ? 0 : CompactRecords.readLong(a, CompactRecords.expiryOffset(off));
          String detail = m >= 0 && (f & (NOT_FOUND | DETAIL)) == (NOT_FOUND | DETAIL)
              ? new String(a, (int) m, (int) (m >>> 32), StandardCharsets.UTF_8) : null;
          VarHandle.loadLoadFence();
          if (t.acquire(i) != s) {
            continue retry;
          }
          if (m >= 0) {
            if (access) {
              store.hits.increment();
              if ((f & CLOCK) != CLOCK) {
                a[off] = (byte) (f + 1);
              }
            }
            if ((f & NOT_FOUND) != 0) {
              return Entry.notFound(detail, expireAt);
            }
            return Entry.of(ByteViews.wrap(a, (int) m, (int) (m >>> 32)), expireAt);
          }
        }
        if (++i == n) {
          i = 0;
        }
      }
      return null;
    }
  }

  /** The segment array slot {@code s} names, as a reader finds it (may be null or another one: the caller re-checks the slot). */
  private byte[] arrayOf(long s) {
    byte[][] segs = arrays;
    int number = numberOf(s);
    return segs == null || number >= segs.length ? null : (byte[]) ARRAYS.getAcquire(segs, number);
  }

  // ---- writes

  void put(String key, long h, Entry e) {
    boolean ascii = CompactRecords.isAscii(key);
    byte[] keyBytes = ascii ? null : CompactRecords.utf8(key);
    int keyLength = ascii ? key.length() : keyBytes.length;
    byte[] value;
    int valueOffset;
    int valueLength;
    int flags = e.expireAt != 0 ? EXPIRES : 0;
    if (e.value != null) {
      value = ByteViews.arrayOf(e.value);
      valueOffset = ByteViews.offsetIn(e.value);
      valueLength = e.value.length();
    } else {
      flags |= NOT_FOUND;
      value = e.notFoundDetail == null ? NO_BYTES : e.notFoundDetail.getBytes(StandardCharsets.UTF_8);
      flags |= e.notFoundDetail == null ? 0 : DETAIL;
      valueOffset = 0;
      valueLength = value.length;
    }
    long size = CompactRecords.recordSize(keyLength, valueLength, e.expireAt != 0);
    lock.lock();
    try {
      int tag = tag(h);
      int found = slots == null ? -1 : findSlot(key, tag);
      if (size > Integer.MAX_VALUE - 64 || HEADER + size + SEGMENT_OVERHEAD + minimumStructureBytes() > store.capacity()) {
        if (found >= 0) {
          removeSlot(found, false);
        }
        return;
      }
      ensureStructures();
      long loc = append(window, (int) size);
      if (loc < 0) {
        if (found >= 0) {
          removeSlot(found, false);
        }
        return;
      }
      byte[] seg = arrays[numberOf(loc)];
      byte[] a = seg;
      int p = offsetOf(loc);
      a[p++] = (byte) flags;
      if (e.expireAt != 0) {
        CompactRecords.writeLong(a, p, e.expireAt);
        p += 8;
      }
      p = CompactRecords.writeVarint(a, p, keyLength);
      p = CompactRecords.writeVarint(a, p, valueLength);
      if (ascii) {
        CompactRecords.writeAscii(key, a, p);
      } else {
        System.arraycopy(keyBytes, 0, a, p, keyLength);
      }
      System.arraycopy(value, valueOffset, a, p + keyLength, valueLength);
      long s = slot(tag, loc);
      addLive(seg, (int) size);
      window.live += size;
      items++;
      payload += (long) keyLength + valueLength + ((flags & NOT_FOUND) != 0 ? 1 : 0);
      if (found >= 0) {
        long old = slots.get(found);
        slots.release(found, s);
        freeIfDead(kill(old));
      } else {
        insertSlot(tag, s);
      }
      sketch.increment(h, 1);
      if ((++puts & 63) == 0) {
        store.climb();
      }
      largeWritten = HEADER + size > segmentSize() ? cost(seg) : 0;
      reappendBudget = reappendAllowance();
      maintainWindow();
      makeRoom();
    } finally {
      try {
        commit();
      } finally {
        lock.unlock();
      }
    }
  }

  boolean remove(String key, long h) {
    lock.lock();
    try {
      if (slots == null) {
        return false;
      }
      int found = findSlot(key, tag(h));
      if (found < 0) {
        return false;
      }
      removeSlot(found, false);
      return true;
    } finally {
      try {
        commit();
      } finally {
        lock.unlock();
      }
    }
  }

  /** Drops the record of slot {@code i}; {@code evicted}: counted as an eviction. */
  private void removeSlot(int i, boolean evicted) {
    SlotTable t = slots;
    long s = t.get(i);
    t.release(i, TOMBSTONE);
    used--;
    tombstones++;
    byte[] seg = kill(s);
    if (evicted) {
      store.evictions.increment();
    }
    freeIfDead(seg);
    if (used == 0) {
      freeAllSegments();
      releaseIfEmpty();
    } else {
      tidyIndex();
    }
  }

  /** Drops every segment (none holds a live record). */
  private void freeAllSegments() {
    for (Log log : new Log[] {window, probation, protect}) {
      while (log.oldest != null) {
        free(log.oldest);
      }
    }
  }

  /**
   * One step of a shrink of the store's capacity: evicts from this shard by its policy (copying
   * forward what it keeps within one allowance per shrink, {@code first} step of it here); false if
   * it holds nothing.
   */
  boolean shrinkOnce(boolean first) {
    lock.lock();
    try {
      largeWritten = 0;
      if (first) {
        reappendBudget = reappendAllowance();
      }
      boolean dropped = evictOnce() || dropOldestSegmentLocked();
      // A step may have started a segment for the records it kept (a whole region, perhaps): it
      // is not counted before the store has room for it
      while (bytes > committedBytes && store.committed.get() + bytes - committedBytes > store.capacity()
          && (evictOnce() || dropOldestSegmentLocked())) {
        // evicting on
      }
      return dropped;
    } finally {
      try {
        commit();
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * Drops this shard's oldest segment (of probation, else the protected space, else the window)
   * and every live record in it, and commits; returns the change of the store's bytes
   * (negative), 0 if it held nothing. The caller holds the lock.
   */
  long dropOldestSegment() {
    long before = committedBytes;
    dropOldestSegmentLocked();
    commit();
    return committedBytes - before;
  }

  private boolean dropOldestSegmentLocked() {
    Log log = probation.oldest != null ? probation : protect.oldest != null ? protect : window.oldest != null ? window : null;
    if (log == null) {
      releaseIfEmpty();
      return false;
    }
    byte[] seg = log.oldest;
    seal(seg);
    while (!freed(seg) && log.cursor < fill(seg)) {
      int off = log.cursor;
      parse(seg, off, parsed);
      log.cursor += parsed.size;
      int i = slotOf(seg, off, parsed);
      if (i >= 0) {
        removeSlot(i, true);
      }
    }
    if (!freed(seg)) {
      free(seg);
    }
    releaseIfEmpty();
    return true;
  }

  // ---- the policy: W-TinyLFU (window, probation, protected) over logs of segments

  private long windowTarget() {
    return (long) (store.shareOfCapacity() * store.windowFraction());
  }

  /** What the main space (probation and protected) may hold of live records before a candidate must win its place. */
  private long mainRoom() {
    // everything but the main space's live records, and room for one more segment, which a move may start
    return store.shareOfCapacity() - (bytes - probation.live - protect.live) - mainSegmentSize() - SEGMENT_OVERHEAD;
  }

  /** The size of a segment of the window: 1/128 of the shard's share, within 256 B .. 256 KiB. */
  private int segmentSize() {
    return segmentSizeFor(store.shareOfCapacity());
  }

  static final int SEGMENTS_PER_SHARE = 128;

  /**
   * The window's segment size for a share of {@code share} bytes: 1/128 of it within 256 B ..
   * 256 KiB, but never so small that the share takes more than a quarter of the segment numbers
   * (a share of over 512 MiB, a budget of over 32 GiB: the rest are for records of their own).
   */
  static int segmentSizeFor(long share) {
    long wanted = Math.max(Math.min(share / SEGMENTS_PER_SHARE, MAX_SMALL_SEGMENT), share >> (NUMBER_BITS - 2));
    return (int) Long.highestOneBit(Math.max(MIN_SEGMENT, Math.min(MAX_SEGMENT, wanted)));
  }

  /**
   * The size of a segment of probation and the protected space: one G1 region less the array's
   * header when the store takes whole regions ({@link CompactStore#regionSegment}), so that G1
   * allocates each in a region of its own in the old generation and never copies it (a young
   * collection's cost is copying what survives it: the segments written since the last one);
   * else as the window's.
   */
  private int mainSegmentSize() {
    int region = store.regionSegment;
    return region > 0 ? region : segmentSize();
  }

  /**
   * How many bytes one write may copy forward to keep hit records: two passes over everything
   * live, which a write only needs if readers hit every record faster than the cursors pass them;
   * it bounds the work of one write where that never ends.
   */
  private long reappendAllowance() {
    return 2 * (window.live + probation.live + protect.live) + segmentSize();
  }

  /** Moves the window's oldest records on while the window holds more than its share. */
  private void maintainWindow() {
    long target = windowTarget();
    while (window.live > target && window.oldest != null) {
      nextWindowRecord(false);
    }
  }

  /**
   * The window's oldest record leaves it: one hit while in it gets another round in it (as in
   * Caffeine's LRU window), the others are candidates for the main space ({@link #admit});
   * {@code full}: the store has no room, so even a candidate the main space has room for must
   * win its place against a victim. Drops the oldest segment once its cursor passed it.
   */
  private void nextWindowRecord(boolean full) {
    byte[] seg = window.oldest;
    seal(seg);
    if (window.cursor >= fill(seg)) {
      free(seg);
      return;
    }
    int off = window.cursor;
    parse(seg, off, parsed);
    window.cursor += parsed.size;
    int i = slotOf(seg, off, parsed);
    int hits = parsed.flags & CLOCK;
    if (i < 0) {
      // replaced or removed meanwhile
    } else if (hits > 0 && reappendBudget >= parsed.size) {
      reappendBudget -= parsed.size;
      sketch.increment(lastHash, hits);
      moveTo(window, i, seg, off, parsed.size);
    } else {
      admit(seg, off, lastHash, parsed.size, parsed.flags, full);
    }
    freeIfPassed(window, seg);
  }

  /** Drops {@code seg}, its log's oldest, once the log's cursor passed its end (nothing live is left in it). */
  private void freeIfPassed(Log log, byte[] seg) {
    if (!freed(seg) && log.oldest == seg && log.cursor >= fill(seg) && (sealed(seg) || seg != log.newest)) {
      free(seg);
    }
  }

  /**
   * The window's live record at {@code seg/off} (hash {@code h}) moves to probation, or is
   * dropped: W-TinyLFU's admission. Slots are looked up again after every change of the index.
   */
  private void admit(byte[] seg, int off, long h, int size, int flags, boolean full) {
    int hits = flags & CLOCK;
    if (hits > 0) {
      sketch.increment(h, hits);
    }
    if (!full && probation.live + protect.live + size <= mainRoom()) {
      moveTo(probation, slotAt(seg, off, h), seg, off, size);
      return;
    }
    int victim = findVictim();
    if (victim < 0) {
      moveTo(probation, slotAt(seg, off, h), seg, off, size);
      return;
    }
    int candidateFrequency = sketch.frequency(h);
    int victimFrequency = sketch.frequency(victimHash);
    if (candidateFrequency > victimFrequency
        || (candidateFrequency >= ADMIT_HASHDOS_THRESHOLD && (nextRandom() & 127) == 0)) {
      victimLog.cursor += victimSize;
      removeSlot(victim, true);
      freeIfPassed(victimLog, victimSegment);
      moveTo(probation, slotAt(seg, off, h), seg, off, size);
    } else {
      int i = slotAt(seg, off, h);
      if (i >= 0) {
        removeSlot(i, true);
      }
    }
  }

  /** The slot of the live record at {@code seg/off}, whose hash is {@code h}; -1 if none. */
  private int slotAt(byte[] seg, int off, long h) {
    return locate(h, location(number(seg), off));
  }

  /**
   * The main space's next victim: the oldest record of probation not hit since it got there
   * (one that was is promoted to the protected space on the way, as a hit in probation promotes
   * in Caffeine), else the protected space's oldest not hit since the cursor last passed it.
   * Returns its slot (its hash, size and log in {@link #victimHash}, {@link #victimSize},
   * {@link #victimLog}), leaving its log's cursor on it, or -1 when the main space is empty.
   */
  private int findVictim() {
    for (;;) {
      Log log = probation.oldest != null ? probation : protect.oldest != null ? protect : null;
      if (log == null) {
        return -1;
      }
      byte[] seg = log.oldest;
      seal(seg);
      if (log.cursor >= fill(seg)) {
        free(seg);
        continue;
      }
      int off = log.cursor;
      parse(seg, off, other);
      int i = slotOf(seg, off, other);
      if (i < 0) {
        log.cursor += other.size;
        freeIfPassed(log, seg);
        continue;
      }
      int hits = other.flags & CLOCK;
      if (hits > 0 && reappendBudget >= other.size) {
        reappendBudget -= other.size;
        sketch.increment(lastHash, hits);
        log.cursor += other.size;
        moveTo(protect, i, seg, off, other.size);
        freeIfPassed(log, seg);
        if (log == probation) {
          balanceProtected();
        }
        continue;
      }
      victimSize = other.size;
      victimHash = lastHash;
      victimLog = log;
      victimSegment = seg;
      return i;
    }
  }

  /**
   * Keeps the protected space within its share of the main space (80%, as Caffeine's): its
   * oldest records move to probation, but one hit since the cursor last passed it gets another
   * round in the protected space.
   */
  private void balanceProtected() {
    long target = (long) ((probation.live + protect.live) * PROTECTED_FRACTION);
    while (protect.live > target && protect.oldest != null) {
      byte[] seg = protect.oldest;
      seal(seg);
      if (protect.cursor >= fill(seg)) {
        free(seg);
        continue;
      }
      int off = protect.cursor;
      parse(seg, off, other);
      protect.cursor += other.size;
      int i = slotOf(seg, off, other);
      if (i < 0) {
        continue;
      }
      int hits = other.flags & CLOCK;
      if (hits > 0 && reappendBudget >= other.size) {
        reappendBudget -= other.size;
        sketch.increment(lastHash, hits);
        moveTo(protect, i, seg, off, other.size);
      } else {
        moveTo(probation, i, seg, off, other.size);
      }
      freeIfPassed(protect, seg);
    }
  }

  /**
   * One step of eviction by the policy, as Caffeine's {@code evictFromMain}: the window's oldest
   * record meets the main space's victim (so that a window grown by the climber cannot push the
   * main space out without a contest), and only an empty window leaves the main space to evict
   * by itself. False if this shard holds nothing to evict.
   */
  private boolean evictOnce() {
    if (window.oldest != null && (window.live > windowTarget() || (probation.oldest == null && protect.oldest == null))) {
      nextWindowRecord(true);
      return true;
    }
    if (probation.oldest != null) {
      emptyOldestMainSegment(probation);
      return true;
    }
    if (protect.oldest != null) {
      emptyOldestMainSegment(protect);
      return true;
    }
    return false;
  }

  /**
   * The oldest segment of probation or the protected space: records hit since they got there
   * (or since the cursor last passed them) are copied to the protected space, within the
   * budget; the others are evicted.
   */
  private void emptyOldestMainSegment(Log log) {
    int bar = windowCandidateFrequency();
    byte[] seg = log.oldest;
    seal(seg);
    while (!freed(seg) && log.cursor < fill(seg)) {
      int off = log.cursor;
      parse(seg, off, parsed);
      log.cursor += parsed.size;
      int i = slotOf(seg, off, parsed);
      if (i < 0) {
        continue;
      }
      int hits = parsed.flags & CLOCK;
      if (hits > 0 && reappendBudget >= parsed.size) {
        reappendBudget -= parsed.size;
        sketch.increment(lastHash, hits);
        moveTo(protect, i, seg, off, parsed.size);
        if (log == probation) {
          balanceProtected();
        }
      } else if (bar >= 0 && reappendBudget >= parsed.size && sketch.frequency(lastHash) > bar) {
        // used more often than the window's next candidate, which would have lost to it: keep it
        reappendBudget -= parsed.size;
        moveTo(log, i, seg, off, parsed.size);
      } else {
        removeSlot(i, true);
      }
    }
    if (!freed(seg)) {
      free(seg);
    }
  }

  /** The frequency of the window's next candidate, or -1 if the window holds none. */
  private int windowCandidateFrequency() {
    for (byte[] seg = window.oldest; seg != null; seg = newer(seg)) {
      for (int off = seg == window.oldest ? window.cursor : HEADER; off < fill(seg); off += other.size) {
        parse(seg, off, other);
        if (slotOf(seg, off, other) >= 0) {
          return sketch.frequency(lastHash);
        }
      }
    }
    return -1;
  }

  /**
   * Evicts until the store can take what this shard added, then commits it: by this shard's
   * policy first, then from other shards (for a record larger than what this shard held), and
   * last by dropping this shard's own records.
   */
  private void makeRoom() {
    for (;;) {
      long delta = bytes - committedBytes;
      long c = store.committed.get();
      if (delta <= 0 || c + delta <= store.capacity()) {
        if (store.committed.compareAndSet(c, c + delta)) {
          committedBytes = bytes;
          return;
        }
        continue;
      }
      // A shard over its share makes room itself; one under it but for a record larger than a
      // segment that this write added asks the others first.
      if (bytes - largeWritten > store.shareOfCapacity() && evictOnce()) {
        continue;
      }
      if (store.evictElsewhere(this, c + delta - store.capacity())) {
        continue;
      }
      if (evictOnce()) {
        continue;
      }
      if (!dropOldestSegmentLocked()) {
        return; // nothing left here; commit() settles the rest
      }
    }
  }

  /** Counts this shard's change in the store (after a write that made room for it, or that only freed). */
  private void commit() {
    long delta = bytes - committedBytes;
    if (delta != 0) {
      store.committed.addAndGet(delta);
      committedBytes = bytes;
    }
  }

  // ---- records and segments

  /** Copies the record at {@code seg/off} (slot {@code i}) to the newest segment of {@code log}, its hits cleared. */
  private void moveTo(Log log, int i, byte[] seg, int off, int size) {
    if (i < 0) {
      return;
    }
    long loc = append(log, size);
    if (loc < 0) {
      removeSlot(i, true);
      return;
    }
    byte[] to = arrays[numberOf(loc)];
    int p = offsetOf(loc);
    System.arraycopy(seg, off, to, p, size);
    to[p] &= ~CLOCK;
    SlotTable t = slots;
    long s = t.get(i);
    t.release(i, (s & ~LOCATION_MASK) | loc);
    addLive(seg, -size);
    logOf(seg).live -= size;
    addLive(to, size);
    log.live += size;
  }

  /** Room for {@code size} bytes at the end of {@code log}: its location, or -1 if no segment number is left. */
  private long append(Log log, int size) {
    byte[] head = log.newest;
    int normal = log == window ? segmentSize() : mainSegmentSize();
    if (head == null || sealed(head) || head.length - fill(head) < size) {
      if (head != null) {
        markSealed(head);
      }
      head = newSegment(log, Math.max(normal, HEADER + size));
      if (head == null) {
        return -1;
      }
    }
    int off = fill(head);
    fill(head, off + size);
    if (head.length > normal) {
      markSealed(head); // a record of its own: nothing else goes there
    }
    return location(number(head), off);
  }

  private byte[] newSegment(Log log, int size) {
    int number = newNumber();
    if (number < 0) {
      return null;
    }
    byte[] seg = new byte[size];
    INT.set(seg, H_NUMBER, number);
    fill(seg, HEADER);
    seg[H_FLAGS] = (byte) log.id;
    older(seg, log.newest);
    newer(seg, null);
    ARRAYS.setRelease(arrays, number, seg);
    if (log.newest != null) {
      newer(log.newest, seg);
    }
    log.newest = seg;
    if (log.oldest == null) {
      log.oldest = seg;
      log.cursor = HEADER;
    }
    log.bytes += cost(seg);
    bytes += cost(seg);
    return seg;
  }

  private int newNumber() {
    if (freeCount > 0) {
      return freeNumbers[--freeCount];
    }
    if (nextNumber == arrays.length) {
      if (arrays.length == MAX_NUMBERS) {
        return -1;
      }
      int n = Math.min(MAX_NUMBERS, arrays.length * 2);
      bytes -= tableBytes(arrays.length);
      arrays = Arrays.copyOf(arrays, n);
      bytes += tableBytes(n);
    }
    return nextNumber++;
  }

  /** Heap bytes of the table of segments: its header and every slot, used or not (compressed references). */
  private static long tableBytes(int length) {
    return 16 + 4L * length;
  }

  private void seal(byte[] seg) {
    if (seg == logOf(seg).newest) {
      markSealed(seg);
    }
  }

  /** Drops {@code seg}: its array is no longer reachable from the store (views of it keep it alive). */
  private void free(byte[] seg) {
    Log log = logOf(seg);
    byte[] older = older(seg);
    byte[] newer = newer(seg);
    if (older != null) {
      newer(older, newer);
    } else {
      log.oldest = newer;
      log.cursor = HEADER;
    }
    if (newer != null) {
      older(newer, older);
    } else {
      log.newest = older;
    }
    log.bytes -= cost(seg);
    log.live -= live(seg);
    bytes -= cost(seg);
    int number = number(seg);
    ARRAYS.setRelease(arrays, number, (byte[]) null);
    if (freeCount == freeNumbers.length) {
      freeNumbers = Arrays.copyOf(freeNumbers, Math.max(8, freeCount * 2));
    }
    freeNumbers[freeCount++] = number;
    INT.set(seg, H_LIVE, 0);
    seg[H_FLAGS] |= S_FREED;
  }

  /** The record that slot value {@code s} pointed to is no longer indexed: its bytes leave the live counts. */
  private byte[] kill(long s) {
    byte[] seg = arrays[numberOf(s)];
    parse(seg, offsetOf(s), other);
    addLive(seg, -other.size);
    logOf(seg).live -= other.size;
    items--;
    payload -= other.payload();
    return seg;
  }

  /** Drops {@code seg} if none of its records is live and nothing is appended to it any more. */
  private void freeIfDead(byte[] seg) {
    if (!freed(seg) && live(seg) == 0 && (sealed(seg) || seg != logOf(seg).newest)) {
      free(seg);
    }
  }

  /** Parses the record at {@code a[off]} (written by this shard: trusted) into {@code p}. */
  private static void parse(byte[] a, int off, Parsed p) {
    int flags = a[off];
    int q = off + ((flags & EXPIRES) != 0 ? 9 : 1);
    long k = CompactRecords.readVarint(a, q);
    q = (int) k;
    long v = CompactRecords.readVarint(a, q);
    q = (int) v;
    p.flags = flags;
    p.keyLength = (int) (k >>> 32);
    p.valueLength = (int) (v >>> 32);
    p.keyOffset = q;
    p.size = q + p.keyLength + p.valueLength - off;
  }

  /**
   * At most {@code limit} of this shard's live entries, the most valuable first as its policy
   * ranks them: the protected space, then probation, then the window, each from its newest
   * segment back. A snapshot taken under the writer lock; values are views of their segments,
   * which are never rewritten.
   */
  List<Map.Entry<String, Entry>> hottest(int limit) {
    List<Map.Entry<String, Entry>> out = new ArrayList<>();
    lock.lock();
    try {
      if (slots == null) {
        return out;
      }
      Parsed p = new Parsed();
      for (Log log : new Log[] {protect, probation, window}) {
        for (byte[] seg = log.newest; seg != null && out.size() < limit; seg = older(seg)) {
          int end = fill(seg);
          for (int off = HEADER; off < end && out.size() < limit; off += p.size) {
            parse(seg, off, p);
            if (slotOf(seg, off, p) < 0) {
              continue; // replaced, removed or evicted: not indexed any more
            }
            int f = p.flags;
            long expireAt = (f & EXPIRES) == 0 ? 0 : CompactRecords.readLong(seg, CompactRecords.expiryOffset(off));
            String key = new String(seg, p.keyOffset, p.keyLength, StandardCharsets.UTF_8);
            int valueOffset = p.keyOffset + p.keyLength;
            Entry e;
            if ((f & NOT_FOUND) != 0) {
              e = Entry.notFound((f & DETAIL) != 0
                  ? new String(seg, valueOffset, p.valueLength, StandardCharsets.UTF_8) : null, expireAt);
            } else {
              e = Entry.of(ByteViews.wrap(seg, valueOffset, p.valueLength), expireAt);
            }
            out.add(Map.entry(key, e));
          }
        }
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  /** The slot of the record {@code p} parsed at {@code seg/off} if it is live (its hash left in {@link #lastHash}); else -1. */
  private int slotOf(byte[] seg, int off, Parsed p) {
    long h = CompactRecords.hash(seg, p.keyOffset, p.keyLength, hashSeed);
    lastHash = h;
    return locate(h, location(number(seg), off));
  }

  /** The slot that points to {@code loc} (a record whose key hashes to {@code h}), or -1. */
  private int locate(long h, long loc) {
    SlotTable t = slots;
    int tag = tag(h);
    int n = t.length;
    int i = position(tag, n);
    for (int probes = n; probes > 0; probes--) {
      long s = t.get(i);
      if (s == EMPTY) {
        return -1;
      }
      if ((s & LOCATION_MASK) == loc && tagOf(s) == tag) {
        return i;
      }
      if (++i == n) {
        i = 0;
      }
    }
    return -1;
  }

  /** The slot of {@code key}, or -1 (the caller holds the lock). */
  private int findSlot(String key, int tag) {
    SlotTable t = slots;
    int n = t.length;
    int i = position(tag, n);
    for (int probes = n; probes > 0; probes--) {
      long s = t.get(i);
      if (s == EMPTY) {
        return -1;
      }
      if (s != TOMBSTONE && tagOf(s) == tag && CompactRecords.match(key, arrays[numberOf(s)], offsetOf(s)) >= 0) {
        return i;
      }
      if (++i == n) {
        i = 0;
      }
    }
    return -1;
  }

  /** Puts {@code s} in the first free slot of its probe sequence, growing the index first if it would pass 3/4. */
  private void insertSlot(int tag, long s) {
    if ((long) (used + tombstones + 1) * 4 > (long) slots.length * 3) {
      rebuildIndex(indexSizeFor(used + 1));
    }
    SlotTable t = slots;
    int n = t.length;
    int i = position(tag, n);
    while (t.get(i) != EMPTY && t.get(i) != TOMBSTONE) {
      if (++i == n) {
        i = 0;
      }
    }
    if (t.get(i) == TOMBSTONE) {
      tombstones--;
    }
    t.release(i, s);
    used++;
  }

  private static int indexSizeFor(int entries) {
    return (int) Math.min(MAX_SLOTS, Math.max(MIN_SLOTS, 2L * entries));
  }

  /** Rebuilds a much emptier index smaller, and one full of tombstones clean. */
  private void tidyIndex() {
    SlotTable t = slots;
    if (t == null) {
      return;
    }
    if (t.length > MIN_SLOTS && (long) used * 8 < t.length) {
      rebuildIndex(indexSizeFor(used));
    } else if ((long) tombstones * 4 > t.length) {
      rebuildIndex(t.length);
    }
  }

  /**
   * Replaces the index by one of {@code n} slots holding the same entries (no tombstones), then
   * marks every slot of the old one {@link #MOVED}: a reader still on it starts over.
   */
  private void rebuildIndex(int n) {
    SlotTable old = slots;
    SlotTable t = new SlotTable(n);
    for (int j = 0; j < old.length; j++) {
      long s = old.get(j);
      if (s != EMPTY && s != TOMBSTONE && s != MOVED) {
        int i = position(tagOf(s), n);
        while (t.get(i) != EMPTY) {
          if (++i == n) {
            i = 0;
          }
        }
        t.set(i, s);
      }
    }
    slots = t;
    old.fill(MOVED);
    tombstones = 0;
    bytes += t.bytes() - old.bytes();
    if (FrequencySketch.longsFor(n / 2) != sketch.longs()) {
      bytes -= sketch.bytes();
      sketch = sketch.resizedFor(n / 2);
      bytes += sketch.bytes();
    }
  }

  /** Bytes of the index, tables and sketch of an empty shard. */
  static long minimumStructureBytes() {
    return new SlotTable(MIN_SLOTS).bytes() + tableBytes(MIN_SLOTS) + new FrequencySketch(MIN_SLOTS / 2).bytes();
  }

  private void ensureStructures() {
    if (slots != null) {
      return;
    }
    arrays = new byte[MIN_SLOTS][];
    nextNumber = 0;
    freeCount = 0;
    sketch = new FrequencySketch(MIN_SLOTS / 2);
    used = 0;
    tombstones = 0;
    slots = new SlotTable(MIN_SLOTS);
    bytes += slots.bytes() + tableBytes(MIN_SLOTS) + sketch.bytes();
  }

  /** Gives back the index, tables and sketch once the shard holds nothing. */
  private void releaseIfEmpty() {
    SlotTable t = slots;
    if (t == null || used != 0 || window.oldest != null || probation.oldest != null || protect.oldest != null) {
      return;
    }
    slots = null;
    t.fill(MOVED);
    bytes -= t.bytes() + tableBytes(arrays.length) + sketch.bytes();
    arrays = null;
    sketch = null;
    freeCount = 0;
    nextNumber = 0;
    tombstones = 0;
  }

  private long nextRandom() {
    long x = random;
    x ^= x << 13;
    x ^= x >>> 7;
    x ^= x << 17;
    random = x;
    return x;
  }

  // ---- for tests

  /** The log that holds {@code key}'s record and its hit count, or null. */
  String whereIs(String key, long h) {
    lock.lock();
    try {
      if (slots == null) {
        return null;
      }
      int i = findSlot(key, tag(h));
      if (i < 0) {
        return null;
      }
      byte[] seg = arrays[numberOf(slots.get(i))];
      return logOf(seg).name + "/" + (seg[offsetOf(slots.get(i))] & CLOCK);
    } finally {
      lock.unlock();
    }
  }

  /** Segments held (window and main). */
  int segmentCount() {
    lock.lock();
    try {
      int n = 0;
      for (Log log : new Log[] {window, probation, protect}) {
        for (byte[] seg = log.oldest; seg != null; seg = newer(seg)) {
          n++;
        }
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  /** Why the index, the segments and the counts disagree, or null if they agree. The caller holds the lock. */
  String inconsistency() {
    if (slots == null) {
      return used == 0 && bytes == 0 && items == 0 && payload == 0 && window.oldest == null && probation.oldest == null
          && protect.oldest == null
          ? null : "no index but used " + used + ", bytes " + bytes + ", items " + items + ", payload " + payload;
    }
    SlotTable t = slots;
    int live = 0;
    int dead = 0;
    long itemBytes = 0;
    long pay = 0;
    java.util.Map<byte[], Long> perSegment = new java.util.IdentityHashMap<>();
    for (int i = 0; i < t.length; i++) {
      long s = t.get(i);
      if (s == TOMBSTONE) {
        dead++;
      } else if (s != EMPTY) {
        if (s == MOVED) {
          return "slot " + i + " MOVED in the current index";
        }
        byte[] seg = arrays[numberOf(s)];
        if (seg == null || freed(seg) || offsetOf(s) >= fill(seg)) {
          return "slot " + i + " points to a freed segment or past its fill";
        }
        Parsed p = new Parsed();
        parse(seg, offsetOf(s), p);
        long h = CompactRecords.hash(seg, p.keyOffset, p.keyLength, hashSeed);
        if (tag(h) != tagOf(s) || locate(h, s & LOCATION_MASK) != i) {
          return "slot " + i + " not found by its key's hash";
        }
        perSegment.merge(seg, (long) p.size, Long::sum);
        itemBytes += p.size;
        pay += p.payload();
        live++;
      }
    }
    if (live != used || dead != tombstones || live != items || pay != payload) {
      return "counts: live " + live + " used " + used + " dead " + dead + " tombstones " + tombstones + " items " + items
          + " payload " + pay + "/" + payload;
    }
    long segBytes = 0;
    for (Log log : new Log[] {window, probation, protect}) {
      long logBytes = 0;
      long logLive = 0;
      for (byte[] seg = log.oldest; seg != null; seg = newer(seg)) {
        if (logOf(seg) != log || freed(seg) || arrays[number(seg)] != seg || arrays[number(seg)] != seg) {
          return log.name + " segment " + number(seg) + " not in the tables";
        }
        if (live(seg) != perSegment.getOrDefault(seg, 0L)) {
          return log.name + " segment " + number(seg) + " live " + live(seg) + " but indexed " + perSegment.getOrDefault(seg, 0L);
        }
        logBytes += cost(seg);
        logLive += live(seg);
      }
      if (logBytes != log.bytes || logLive != log.live) {
        return log.name + " bytes " + logBytes + "/" + log.bytes + " live " + logLive + "/" + log.live;
      }
      segBytes += logBytes;
    }
    long structures = t.bytes() + tableBytes(arrays.length) + sketch.bytes();
    if (bytes != segBytes + structures || bytes != committedBytes) {
      return "bytes " + bytes + " segments " + segBytes + " structures " + structures + " committed " + committedBytes;
    }
    return segBytes >= itemBytes ? null : "segments smaller than their records";
  }
}
