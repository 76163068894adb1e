package org.groupcache4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.groupcache4j.ByteView;
import org.groupcache4j.testing.ManualClock;
import org.junit.jupiter.api.Test;

/** What the compact store does by itself: layout, budget, views, expiry, not-found entries. */
class CompactStoreTest {
  private static ByteView value(String text) {
    return ByteView.of(text);
  }

  private static ByteView bytes(int n, int fill) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) fill);
    return ByteView.copyOf(b);
  }

  @Test
  void storesFindsReplacesAndRemoves() {
    CompactStore s = new CompactStore(1 << 20);
    s.put("k1", value("one"));
    s.put("ключ", value("значение"));
    assertThat(s.get("k1").value).isEqualTo(value("one"));
    assertThat(s.get("ключ").value).isEqualTo(value("значение"));
    assertThat(s.get("k2")).isNull();
    s.put("k1", value("uno"));
    assertThat(s.get("k1").value).isEqualTo(value("uno"));
    assertThat(s.items()).isEqualTo(2);
    assertThat(s.payloadBytes()).isEqualTo(2 + 3 + "ключ".getBytes(StandardCharsets.UTF_8).length
        + "значение".getBytes(StandardCharsets.UTF_8).length);
    assertThat(s.remove("k1")).isTrue();
    assertThat(s.remove("k1")).isFalse();
    assertThat(s.get("k1")).isNull();
    assertThat(s.items()).isEqualTo(1);
    assertThat(s.inconsistency()).isNull();
    assertThat(s.stats().gets()).isEqualTo(5);
    assertThat(s.stats().hits()).isEqualTo(3);
  }

  @Test
  void countsWhatItHoldsAgainstItsBudget() {
    CompactStore s = new CompactStore(64 << 10);
    for (int i = 0; i < 100; i++) {
      s.put("key-" + i, bytes(100, i));
    }
    assertThat(s.payloadBytes()).isEqualTo(sumKeyLengths(100) + 100 * 100);
    assertThat(s.bytes()).isGreaterThan(s.payloadBytes()).isLessThanOrEqualTo(64 << 10);
    assertThat(s.inconsistency()).isNull();
    s.remove("key-1");
    assertThat(s.bytes()).isLessThanOrEqualTo(64 << 10);
    assertThat(s.inconsistency()).isNull();
  }

  private static long sumKeyLengths(int n) {
    long sum = 0;
    for (int i = 0; i < n; i++) {
      sum += ("key-" + i).length();
    }
    return sum;
  }

  @Test
  void neverHoldsMoreThanItsBudgetAndEvictsToStayWithinIt() {
    long capacity = 256 << 10;
    CompactStore s = new CompactStore(capacity);
    for (int i = 0; i < 20_000; i++) {
      s.put("key-" + i, bytes(100, i));
      assertThat(s.bytes()).isLessThanOrEqualTo(capacity);
    }
    assertThat(s.stats().evictions()).isPositive();
    assertThat(s.items() + s.stats().evictions()).isEqualTo(20_000);
    assertThat(s.inconsistency()).isNull();
    // most of the budget holds entries: headers, index and unused space are a small part
    assertThat((double) s.payloadBytes() / capacity).isGreaterThan(0.7);
  }

  @Test
  void aViewTakenBeforeItsEntryWasEvictedKeepsItsBytes() {
    CompactStore s = new CompactStore(64 << 10);
    s.put("first", bytes(100, 7));
    ByteView held = s.get("first").value;
    ByteView fresh = s.getFresh("first", new ManualClock());
    for (int i = 0; i < 10_000; i++) { // many times the budget: "first" and its segment are long gone
      s.put("other-" + i, bytes(100, i));
    }
    assertThat(s.get("first")).isNull();
    assertThat(held).isEqualTo(bytes(100, 7));
    assertThat(fresh).isEqualTo(bytes(100, 7));
    assertThat(held.toByteArray()).containsOnly(7);
  }

  @Test
  void aValueIsAViewOfTheSegmentNotACopy() {
    CompactStore s = new CompactStore(1 << 20);
    s.put("a", bytes(50, 1));
    s.put("b", bytes(50, 2));
    ByteView a = s.get("a").value;
    ByteView b = s.get("b").value;
    assertThat(ByteViews.arrayOf(a)).isSameAs(ByteViews.arrayOf(b));
    assertThat(ByteViews.offsetIn(b)).isNotZero();
    assertThat(a.toByteArray()).containsOnly(1).hasSize(50);
    assertThat(b.compact()).isEqualTo(b);
    assertThat(ByteViews.arrayOf(b.compact())).hasSize(50);
  }

  @Test
  void holdsAHandfulOfObjectsHoweverManyEntries() {
    CompactStore s = new CompactStore(64 << 20);
    for (int i = 0; i < 200_000; i++) {
      s.put("key-" + i, bytes(100, i));
    }
    assertThat(s.items()).isEqualTo(200_000);
    long segments = 0;
    for (CompactShard shard : s.shards) {
      segments += shard.segmentCount();
    }
    // one array per segment, plus a few per shard: far below 0.01 objects per entry
    assertThat(segments + 8L * s.shards.length).isLessThan(200_000 / 100);
  }

  @Test
  void expiryIsKeptPerEntryAndCostsNothingWithout() {
    ManualClock clock = new ManualClock();
    CompactStore s = new CompactStore(1 << 20);
    long now = clock.millis();
    s.put("forever", Entry.of(value("v")));
    long without = s.payloadBytes();
    s.put("soon", Entry.of(value("v"), now + 1000));
    assertThat(s.get("soon").expireAt).isEqualTo(now + 1000);
    assertThat(s.get("forever").expireAt).isZero();
    assertThat(s.getFresh("soon", clock)).isEqualTo(value("v"));
    clock.advance(Duration.ofSeconds(1));
    assertThat(s.getFresh("soon", clock)).as("expired: not served").isNull();
    assertThat(s.peek("soon").value).as("but kept, for stale-if-error").isEqualTo(value("v"));
    assertThat(s.getFresh("forever", clock)).isEqualTo(value("v"));
    assertThat(s.payloadBytes() - without).isEqualTo(5);
    // 8 bytes of expiry in the record, none in the one without
    assertThat(CompactRecords.recordSize(4, 1, true) - CompactRecords.recordSize(4, 1, false)).isEqualTo(8);
  }

  @Test
  void cachesNotFoundAnswersWithTheirDetail() {
    ManualClock clock = new ManualClock();
    CompactStore s = new CompactStore(1 << 20);
    s.put("gone", Entry.notFound("no row 'gone' in table scores", clock.millis() + 5000));
    s.put("silent", Entry.notFound(null, clock.millis() + 5000));
    Entry e = s.get("gone");
    assertThat(e.found()).isFalse();
    assertThat(e.notFoundDetail).isEqualTo("no row 'gone' in table scores");
    assertThat(e.expireAt).isEqualTo(clock.millis() + 5000);
    assertThat(s.get("silent").notFoundDetail).isNull();
    assertThat(s.get("silent").found()).isFalse();
    assertThat(s.getFresh("gone", clock)).as("a not-found is not a value").isNull();
    assertThat(s.payloadBytes()).isEqualTo(Entry.notFound("no row 'gone' in table scores", 1).weight("gone")
        + Entry.notFound(null, 1).weight("silent"));
  }

  @Test
  void peekNeitherCountsNorRecordsAHit() {
    CompactStore s = new CompactStore(1 << 20);
    s.put("k", value("v"));
    s.peek("k");
    s.peek("absent");
    assertThat(s.stats().gets()).isZero();
    assertThat(s.stats().hits()).isZero();
  }

  @Test
  void theMainSpaceTakesWholeRegionsOnlyWhenEveryShardHoldsEnoughOfThemAndItIsNotTurnedOff() {
    int region = 4096;
    long enough = (long) CompactStore.REGIONS_PER_SHARD * region;
    assertThat(new CompactStore(enough * 2, 1, 2, region).regionSegment).isEqualTo(region - 16);
    assertThat(new CompactStore(enough * 2 - 1, 1, 2, region).regionSegment).as("a share short of the regions").isZero();
    assertThat(new CompactStore(enough, 1, 1, 0).regionSegment).as("not G1").isZero();
    assertThat(CompactStore.regionFor(CompactStore.MIN_REGION_BUDGET - 1)).as("under 1 GiB").isZero();
    assertThat(CompactStore.shardsFor(8L << 30, 8 << 20)).as("a shard per 32 regions of 8 MiB").isEqualTo(32);
    assertThat(CompactStore.shardsFor(8L << 30, 0)).as("a shard per 16 MiB").isEqualTo(CompactStore.MAX_SHARDS);
    System.setProperty("groupcache4j.compact.noRegionSegments", "true");
    try {
      assertThat(new CompactStore(enough, 1, 1, region).regionSegment).as("turned off").isZero();
    } finally {
      System.clearProperty("groupcache4j.compact.noRegionSegments");
    }
    CompactStore s = new CompactStore(enough, 1, 1, region);
    for (int i = 0; i < 2000; i++) {
      s.put("k" + i, value("v".repeat(50)));
    }
    assertThat(s.inconsistency()).isNull();
    assertThat(s.bytes()).isLessThanOrEqualTo(enough);
  }

  @Test
  void aHugeShareTakesLargerSegmentsSoThatItsSegmentNumbersLast() {
    assertThat(CompactShard.segmentSizeFor(1 << 10)).isEqualTo(CompactShard.MIN_SEGMENT);
    assertThat(CompactShard.segmentSizeFor(16L << 20)).isEqualTo(128 << 10);
    assertThat(CompactShard.segmentSizeFor(512L << 20)).isEqualTo(CompactShard.MAX_SMALL_SEGMENT);
    for (long share : new long[] {1L << 30, 3L << 30, 4L << 30, 100L << 30}) { // up to budgets of 6 TiB
      int size = CompactShard.segmentSizeFor(share);
      assertThat(share / size).as("segments of a %d-byte share", share).isLessThanOrEqualTo(CompactShard.MAX_NUMBERS / 2);
      assertThat(size).isLessThanOrEqualTo(CompactShard.MAX_SEGMENT);
    }
  }

  @Test
  void aValueLargerThanASegmentGetsOneOfItsOwn() {
    CompactStore s = new CompactStore(8 << 20);
    ByteView big = bytes(1 << 20, 3);
    s.put("big", big);
    s.put("small", value("x"));
    assertThat(s.get("big").value).isEqualTo(big);
    assertThat(s.get("small").value).isEqualTo(value("x"));
    assertThat(s.inconsistency()).isNull();
    s.remove("big");
    assertThat(s.bytes()).as("its segment went with it").isLessThan(1 << 20);
  }

  @Test
  void aValueLargerThanTheBudgetIsNotCachedAndDropsTheKey() {
    CompactStore s = new CompactStore(64 << 10);
    s.put("k", value("old"));
    s.put("k", bytes(100 << 10, 1));
    assertThat(s.get("k")).isNull();
    s.put("small", value("x"));
    assertThat(s.get("small")).isNotNull();
    assertThat(s.bytes()).isLessThanOrEqualTo(64 << 10);
  }

  @Test
  void aRecordLargerThanItsShardTakesRoomFromTheOthers() {
    CompactStore s = new CompactStore(16 << 20, 1, 16); // 1 MiB a shard
    for (int i = 0; i < 200_000; i++) {
      s.put("key-" + i, bytes(100, i));
    }
    ByteView big = bytes(12 << 20, 9);
    int puts = 0;
    while (s.peek("big") == null && puts < 16) { // admitted once its key was put more often than the victim's (W-TinyLFU)
      s.put("big", big);
      puts++;
    }
    assertThat(s.get("big")).isNotNull();
    assertThat(s.get("big").value).isEqualTo(big);
    assertThat(s.bytes()).isLessThanOrEqualTo(16 << 20);
    assertThat(s.inconsistency()).isNull();
    for (CompactShard shard : s.shards) { // the room came from every shard, not from a few emptied ones
      assertThat(shard.items).isPositive();
    }
  }

  @Test
  void aZeroBudgetCachesNothing() {
    CompactStore s = new CompactStore(0);
    s.put("k", value("v"));
    assertThat(s.get("k")).isNull();
    assertThat(s.bytes()).isZero();
    assertThat(s.items()).isZero();
  }

  @Test
  void aBudgetLargerThanTheHeapIsRefused() {
    long heap = Runtime.getRuntime().maxMemory();
    assertThatThrownBy(() -> new CompactStore(heap + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot fit this JVM's heap")
        .hasMessageContaining("-Xmx");
  }

  @Test
  void shrinkingTheBudgetEvictsAtOnceAndGrowingItLetsItFill() {
    CompactStore s = new CompactStore(8 << 20);
    for (int i = 0; i < 50_000; i++) {
      s.put("key-" + i, bytes(100, i));
    }
    s.setCapacity(1 << 20);
    assertThat(s.bytes()).isLessThanOrEqualTo(1 << 20);
    assertThat(s.inconsistency()).isNull();
    s.setCapacity(0);
    assertThat(s.bytes()).isZero();
    assertThat(s.items()).isZero();
    s.setCapacity(4 << 20);
    for (int i = 0; i < 50_000; i++) {
      s.put("key-" + i, bytes(100, i));
    }
    assertThat(s.bytes()).isGreaterThan(3 << 20).isLessThanOrEqualTo(4 << 20);
    assertThat(s.inconsistency()).isNull();
  }

  @Test
  void emptiedByRemovesItGivesBackItsIndexAndSegments() {
    CompactStore s = new CompactStore(8 << 20);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      keys.add("key-" + i);
      s.put(keys.get(i), bytes(100, i));
    }
    long full = s.bytes();
    for (String k : keys) {
      s.remove(k);
    }
    assertThat(s.items()).isZero();
    assertThat(s.bytes()).isLessThan(full / 50);
    assertThat(s.inconsistency()).isNull();
  }

  @Test
  void keysWithEqualStringHashCodesDoNotCollideInTheIndex() {
    // "Aa" and "BB" have the same String.hashCode, so do all 2^12 strings of 12 such pairs
    List<String> keys = new ArrayList<>();
    for (int m = 0; m < 1 << 12; m++) {
      StringBuilder sb = new StringBuilder();
      for (int b = 0; b < 12; b++) {
        sb.append((m >>> b & 1) == 0 ? "Aa" : "BB");
      }
      keys.add(sb.toString());
    }
    assertThat(keys.stream().map(String::hashCode).distinct().count()).isEqualTo(1);
    Set<Integer> tags = new HashSet<>();
    CompactStore s = new CompactStore(4 << 20);
    for (String k : keys) {
      tags.add(CompactShard.tag(CompactRecords.hash(k, s.seed)));
      s.put(k, value(k));
    }
    assertThat(tags.size()).isGreaterThan(keys.size() * 99 / 100);
    for (String k : keys) {
      assertThat(s.get(k).value).isEqualTo(value(k));
    }
  }

  @Test
  void hashesTheSameFromTheKeyAndFromItsStoredBytes() {
    for (String k : List.of("", "a", "abcdefgh", "abcdefghi", "ключ", "日本語のキー", "a\uD83D\uDE00b", "lone\uD800surrogate")) {
      byte[] b = k.getBytes(StandardCharsets.UTF_8);
      assertThat(CompactRecords.hash(k, 42)).as(k).isEqualTo(CompactRecords.hash(b, 0, b.length, 42));
      assertThat(CompactRecords.keyEquals(k, b, 0, b.length)).as(k).isTrue();
    }
    assertThat(CompactRecords.hash("key", 1)).isNotEqualTo(CompactRecords.hash("key", 2));
  }

  /**
   * One pass over many keys never read again (a batch job, a crawler) after a working set that is
   * read often: the working set stays, as in Caffeine's W-TinyLFU (a store of about 35,000
   * entries, a working set of 5,000, a scan of 300,000).
   */
  @Test
  void aFrequentlyReadWorkingSetSurvivesAScan() {
    CompactStore s = CompactStore.deterministic(2 << 20, 7);
    ByteView v = bytes(16, 1);
    for (int i = 0; i < 100_000; i++) {
      readThrough(s, "earlier-" + i, v);
    }
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < 5000; i++) {
        readThrough(s, "hot-" + i, v);
      }
    }
    for (int i = 0; i < 300_000; i++) {
      readThrough(s, "scan-" + i, v);
    }
    int left = 0;
    for (int i = 0; i < 5000; i++) {
      left += s.peek("hot-" + i) != null ? 1 : 0;
    }
    assertThat(left).isGreaterThanOrEqualTo(4900);
    assertThat(s.items()).isGreaterThan(30_000);
  }

  private static void readThrough(Store s, String key, ByteView v) {
    if (s.get(key) == null) {
      s.put(key, v);
    }
  }
}
