package org.groupcache4j.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.groupcache4j.ByteView;
import org.groupcache4j.StoreStats;

/**
 * A byte-bounded store that keeps its entries packed in large {@code byte[]} segments and finds
 * them through an index of {@code long}s, so that the number of objects it holds does not grow
 * with the number of entries, and the heap it holds is what its budget counts.
 *
 * <h2>Layout</h2>
 * The keys are spread over up to 64 {@link CompactShard shards} (one per 16 MiB of budget, or
 * per 32 G1 regions, see below; at least one), each with a writer lock. A shard appends records
 * ({@link CompactRecords}: a flags byte, the expiry only if there is one, two varint lengths, the
 * UTF-8 key and the value) to segments of 1/128 of its share of the budget (256 B to 256 KiB;
 * more for a share over 512 MiB, so that its segment numbers last), and indexes them with an
 * open-addressing table of {@code long}s (linear probing), each holding 26 bits of the key's
 * hash, the segment's number and the record's offset, at most 3/4 of the slots used. That is the
 * design of VictoriaMetrics' fastcache (a ring of 64 KiB chunks and a map of {@code uint64}),
 * coocood's freecache (segments of a ring buffer, 24-byte headers) and OHC's chunked mode, on the
 * heap: with values under 128 bytes and no expiry a record carries 3 bytes of header, and the
 * index and the sketch cost about 20 bytes an entry, where the map-based stores spend 7 objects
 * and about 190 bytes.
 *
 * <p>On a G1 heap, a store of at least 1 GiB gives its main space (probation and the protected
 * part, where records live long) segments of one G1 region each, less the array's header, and
 * has a shard per 32 regions at least: G1 allocates an array of half a region or more in regions
 * of its own in the old generation (a humongous object) and never copies it, and a young
 * collection's cost is copying what survives it, which would otherwise be the segments written
 * since the last one. A dropped segment's region is freed by the next collection. Measured at 20
 * million entries: pauses of a few milliseconds where 256-KiB segments cost tens
 * ({@code BENCHMARKS.md}). The window keeps small segments: its records move on soon.
 *
 * <h2>Reads take no lock</h2>
 * A segment is written once, record after record, and never changed afterwards (only the hit
 * count in a record's flags byte, which no value covers): a store that keeps a record moves it
 * by copying it to a newer segment, and a segment it no longer needs is dropped, never refilled,
 * so a {@link ByteView} of a value (a view of the segment's array, no copy) keeps its bytes for
 * as long as someone holds it. A reader reads the index slot, the segment it names and the
 * record, then reads the slot again: only if it still holds the same location is the record the
 * one the slot meant (a segment's number is given to a new segment once the old one was
 * dropped, and that only after every slot pointing into it changed). Every field of a record is
 * bounds-checked before it is used, so a reader that raced with a writer reads either the key's
 * current record, an earlier one that was current while it read, or nothing, and then starts
 * over. Hits are counted in the record (4 bits, so a hot key's record is written at most 15
 * times between two passes of an eviction cursor, then only read).
 *
 * <h2>Eviction: W-TinyLFU over logs of segments</h2>
 * Caffeine's policy (Einziger, Friedman and Manes, "TinyLFU: A Highly Efficient Cache Admission
 * Policy", 2017; "Adaptive Software Cache Management", 2018), with CLOCK's second chances where
 * Caffeine moves nodes in linked lists. Each shard keeps three logs: the window, and the main
 * space's probation and protected parts, each appended to at its newest segment and read by a
 * cursor at its oldest. New records go to the window. When it holds more than its share (1% of
 * the budget to start with, then moved by hill climbing towards what raises the hit rate), its
 * oldest record leaves: one hit while in the window gets another round in it, the others are
 * candidates. While the main space has room a candidate moves to probation; once it is full, the
 * candidate meets the main space's victim, the next record at probation's cursor not hit since
 * it got there (one that was hit is promoted to the protected part, which keeps 80% of the main
 * space and demotes its oldest unhit records to probation), and the one a
 * {@link FrequencySketch count-min sketch} says was used more often stays. Hits are added to the
 * sketch when a cursor passes the record. When the store must free room beyond that (a segment
 * is the unit it frees), the oldest segment of probation is emptied: hit records are promoted,
 * records used more often than the window's next candidate are copied forward, the rest are
 * evicted. On the traces of {@code BENCHMARKS.md} this hits within a point of Caffeine's own
 * W-TinyLFU, at the same number of entries.
 *
 * <h2>What the budget counts</h2>
 * Everything the store allocates: every segment's whole array (its unused end and the records
 * in it that were replaced or removed but not yet reclaimed included), a fixed 72 bytes of
 * bookkeeping per segment, the index and the sketch. {@link #bytes()} is therefore close to the
 * heap the store holds, and never above {@link #capacity()} once a write returned. A write
 * commits what it added only after evicting enough for it; while it copies records forward it
 * may hold a segment more for a moment. {@link #payloadBytes()} counts the key and value bytes of
 * the entries held, as the other stores count their budget. A record larger than a segment gets
 * a segment of its own, and room from every shard if its own has too little. Expiry is stored
 * per record, only when there is one; a cached "not found" keeps its detail text as its value.
 */
public final class CompactStore implements Store {
  /** G1's region size in this JVM, or 0 if it does not run G1 or cannot tell (without the module jdk.management). */
  static final int G1_REGION_BYTES = g1RegionBytes();
  /** Regions each shard's share holds at least for the main space to take whole regions. */
  static final int REGIONS_PER_SHARD = 32;
  /** The least budget whose main space takes whole regions: below it, a young collection has little to copy anyway. */
  static final long MIN_REGION_BUDGET = 1L << 30;
  /** The size of a main-space segment when it takes a whole G1 region (the region less a byte array's header), or 0. */
  final int regionSegment;

  /** G1's region size if a store of {@code capacityBytes} takes whole regions for its main space, else 0. */
  static int regionFor(long capacityBytes) {
    return capacityBytes >= MIN_REGION_BUDGET ? G1_REGION_BYTES : 0;
  }

  private static int g1RegionBytes() {
    try {
      var hs = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
      if (hs == null || !"true".equals(hs.getVMOption("UseG1GC").getValue())) {
        return 0;
      }
      long r = Long.parseLong(hs.getVMOption("G1HeapRegionSize").getValue());
      return r > 0 && r <= CompactShard.MAX_SEGMENT && Long.bitCount(r) == 1 ? (int) r : 0;
    } catch (RuntimeException | LinkageError e) {
      return 0; // another JVM, or jdk.management not resolved (a module path without it)
    }
  }

  /** Most shards, and the budget per shard. */
  static final int MAX_SHARDS = 64;
  static final long BYTES_PER_SHARD = 16L << 20;

  final CompactShard[] shards;
  private final int shardMask;
  final long seed;
  private volatile long capacity;
  /** What the shards committed: every write commits its shard's change before it returns. */
  final AtomicLong committed = new AtomicLong();
  final LongAdder gets = new LongAdder();
  final LongAdder hits = new LongAdder();
  final LongAdder evictions = new LongAdder();
  private int rotor;

  // ---- the window's size, adapted by hill climbing (Caffeine's: Einziger et al., "Adaptive Software Cache Management", 2018)
  /** The window's share of the budget. */
  private volatile double windowFraction = INITIAL_WINDOW;
  static final double INITIAL_WINDOW = 0.01;
  static final double MIN_WINDOW = 0.005;
  static final double MAX_WINDOW = 0.8;
  private static final double STEP = 0.0625;
  private static final double STEP_DECAY = 0.98;
  private static final double RESTART_THRESHOLD = 0.05;
  private final java.util.concurrent.locks.ReentrantLock climbLock = new java.util.concurrent.locks.ReentrantLock();
  private long sampleStartGets;
  private long sampleStartHits;
  private double previousHitRate;
  private double step = -STEP; // as Caffeine: the first step shrinks the window

  /** A store of {@code capacityBytes}, refused if it is larger than this JVM's whole heap. */
  public CompactStore(long capacityBytes) {
    this(capacityBytes, regionFor(capacityBytes));
    long heap = Runtime.getRuntime().maxMemory();
    if (heap != Long.MAX_VALUE && capacityBytes > heap) {
      throw new IllegalArgumentException("a cache budget of " + capacityBytes + " bytes cannot fit this JVM's heap of at most "
          + heap + " bytes (-Xmx): lower the budget or give the JVM more heap");
    }
  }

  private CompactStore(long capacityBytes, int region) {
    this(capacityBytes, ThreadLocalRandom.current().nextLong(), shardsFor(capacityBytes, region), region);
  }

  /** For tests and simulations: a fixed hash seed and number of shards (a power of two, 1..64). */
  CompactStore(long capacityBytes, long seed, int shardCount) {
    this(capacityBytes, seed, shardCount, 0);
  }

  /**
   * For tests and simulations; {@code region}: G1's region size, for main-space segments of a
   * whole region each when every shard's share holds {@value #REGIONS_PER_SHARD} of them (0: never).
   */
  CompactStore(long capacityBytes, long seed, int shardCount, int region) {
    if (capacityBytes < 0) {
      throw new IllegalArgumentException("capacity must be >= 0 bytes, was " + capacityBytes);
    }
    if (shardCount < 1 || shardCount > MAX_SHARDS || Integer.bitCount(shardCount) != 1) {
      throw new IllegalArgumentException("shards must be a power of two in 1.." + MAX_SHARDS + ", was " + shardCount);
    }
    this.capacity = capacityBytes;
    this.seed = seed;
    this.regionSegment = region > 16 && capacityBytes / shardCount >= (long) REGIONS_PER_SHARD * region
        && !Boolean.getBoolean("groupcache4j.compact.noRegionSegments") ? region - 16 : 0;
    this.shards = new CompactShard[shardCount];
    this.shardMask = shardCount - 1;
    for (int i = 0; i < shardCount; i++) {
      shards[i] = new CompactShard(this, i, seed ^ (0x9E3779B97F4A7C15L * (i + 1)));
    }
  }

  /** For tests and simulations: one shard and a fixed hash seed, so that its choices repeat. */
  public static CompactStore deterministic(long capacityBytes, long seed) {
    return new CompactStore(capacityBytes, seed, 1);
  }

  static int shardsFor(long capacityBytes) {
    return shardsFor(capacityBytes, 0);
  }

  /** One shard per 16 MiB of budget, or per {@value #REGIONS_PER_SHARD} G1 regions ({@code region}, 0: none) if that is more; 1..64. */
  static int shardsFor(long capacityBytes, int region) {
    long n = Math.max(1, Math.min(MAX_SHARDS, capacityBytes / Math.max(BYTES_PER_SHARD, (long) REGIONS_PER_SHARD * region)));
    return Integer.highestOneBit((int) n);
  }

  private CompactShard shardOf(long h) {
    return shards[(int) (h >>> 32) & shardMask];
  }

  @Override
  public Entry get(String key) {
    gets.increment();
    long h = CompactRecords.hash(key, seed);
    return shardOf(h).entry(key, h, true);
  }

  @Override
  public Entry peek(String key) {
    long h = CompactRecords.hash(key, seed);
    return shardOf(h).entry(key, h, false);
  }

  @Override
  public ByteView getFresh(String key, Clock clock) {
    gets.increment();
    long h = CompactRecords.hash(key, seed);
    return shardOf(h).fresh(key, h, clock);
  }

  /** Each shard's most valuable first ({@link CompactShard#hottest}), taken from the shards in turn. */
  @Override
  public List<Map.Entry<String, Entry>> hottest(int limit) {
    List<List<Map.Entry<String, Entry>>> perShard = new ArrayList<>(shards.length);
    for (CompactShard s : shards) {
      perShard.add(s.hottest(limit));
    }
    List<Map.Entry<String, Entry>> out = new ArrayList<>();
    for (int i = 0; out.size() < limit; i++) {
      boolean more = false;
      for (List<Map.Entry<String, Entry>> l : perShard) {
        if (i < l.size() && out.size() < limit) {
          out.add(l.get(i));
          more = true;
        }
      }
      if (!more) {
        break;
      }
    }
    return out;
  }

  @Override
  public void put(String key, Entry entry) {
    long h = CompactRecords.hash(key, seed);
    shardOf(h).put(key, h, entry);
  }

  @Override
  public boolean remove(String key) {
    long h = CompactRecords.hash(key, seed);
    return shardOf(h).remove(key, h);
  }

  @Override
  public void setCapacity(long bytes) {
    capacity = Math.max(0, bytes);
    int idle = 0;
    boolean[] visited = new boolean[shards.length];
    while (committed.get() > capacity && idle < shards.length) {
      int i = rotor++ & shardMask;
      idle = shards[i].shrinkOnce(!visited[i]) ? 0 : idle + 1;
      visited[i] = true;
    }
  }

  /**
   * Called by a shard that cannot make room for its write by itself (a record larger than its
   * share): drops the oldest segments of the other shards whose locks are free, one shard after
   * the other, until the store can take {@code needed} more bytes or no other shard has anything
   * left. Returns whether it dropped anything.
   */
  boolean evictElsewhere(CompactShard from, long needed) {
    boolean dropped = false;
    boolean progress = true;
    while (needed > 0 && progress) { // one segment from each shard in turn: the room comes from all of them
      progress = false;
      for (int k = 1; k < shards.length && needed > 0; k++) {
        CompactShard s = shards[(from.index + k) & shardMask];
        if (s.lock.tryLock()) {
          try {
            long delta = s.dropOldestSegment();
            if (delta != 0) {
              needed += delta;
              progress = true;
              dropped = true;
            }
          } finally {
            s.lock.unlock();
          }
        }
      }
    }
    return dropped;
  }

  @Override
  public long capacity() {
    return capacity;
  }

  double windowFraction() {
    return windowFraction;
  }

  /**
   * Called by writers now and then: once {@code 10 x} the entries held were looked up since the
   * last sample, moves the window's share one step in the direction that raised the hit rate
   * (and turns back when it fell), with steps that shrink as they repeat and grow again when the
   * hit rate jumps, so that a workload that favours recency gets a larger window and one that
   * favours frequency a smaller one.
   */
  void climb() {
    if (!climbLock.tryLock()) {
      return;
    }
    try {
      long g = gets.sum();
      if (committed.get() < capacity / 2) { // not full yet: nothing to tell a good window from a bad one
        sampleStartGets = g;
        sampleStartHits = hits.sum();
        return;
      }
      long requests = g - sampleStartGets;
      if (requests < 10 * Math.max(64, items())) {
        return;
      }
      long h = hits.sum();
      double hitRate = (double) (h - sampleStartHits) / requests;
      double change = hitRate - previousHitRate;
      double amount = change >= 0 ? step : -step;
      step = Math.abs(change) >= RESTART_THRESHOLD ? STEP * (amount >= 0 ? 1 : -1) : STEP_DECAY * amount;
      previousHitRate = hitRate;
      sampleStartGets = g;
      sampleStartHits = h;
      windowFraction = Math.max(MIN_WINDOW, Math.min(MAX_WINDOW, windowFraction + amount));
    } finally {
      climbLock.unlock();
    }
  }

  /** The budget one shard may fill when every shard is as full as it. */
  long shareOfCapacity() {
    return capacity / shards.length;
  }

  @Override
  public long bytes() {
    return committed.get();
  }

  @Override
  public long payloadBytes() {
    long sum = 0;
    for (CompactShard s : shards) {
      sum += s.payload;
    }
    return sum;
  }

  @Override
  public long items() {
    long sum = 0;
    for (CompactShard s : shards) {
      sum += s.items;
    }
    return sum;
  }

  @Override
  public StoreStats stats() {
    return new StoreStats(bytes(), items(), gets.sum(), hits.sum(), evictions.sum(), payloadBytes());
  }

  /** For tests: why the shards' indexes, segments and counts disagree, or null (takes every lock in turn). */
  String inconsistency() {
    long sum = 0;
    for (CompactShard s : shards) {
      s.lock.lock();
      try {
        String why = s.inconsistency();
        if (why != null) {
          return "shard " + s.index + ": " + why;
        }
        sum += s.bytes;
      } finally {
        s.lock.unlock();
      }
    }
    return sum == committed.get() ? null : "shards hold " + sum + " bytes, the store counts " + committed.get();
  }
}
