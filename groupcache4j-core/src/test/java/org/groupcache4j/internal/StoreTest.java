package org.groupcache4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.groupcache4j.ByteView;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Behaviour every store shares, run against every policy. The LRU and W-TinyLFU stores count key
 * and value bytes against their capacity, the compact store everything it holds, so tests of
 * exact budgets run against the first two, and the compact store's own are in
 * {@code CompactStoreTest}; the model-based properties run against all three.
 */
class StoreTest {
  static Stream<Arguments> stores() {
    return Stream.of(
        Arguments.of("LRU", (LongFunction<Store>) LruStore::new),
        Arguments.of("W-TinyLFU", (LongFunction<Store>) TinyLfuStore::new),
        Arguments.of("W-TinyLFU, same-thread maintenance", (LongFunction<Store>) c -> new TinyLfuStore(c, Runnable::run)));
  }

  static Stream<Arguments> allStores() {
    return Stream.concat(stores(), Stream.of(
        Arguments.of("compact", (LongFunction<Store>) CompactStore::new),
        Arguments.of("compact, 4 shards", (LongFunction<Store>) c -> new CompactStore(c, 7, 4)),
        Arguments.of("compact, main segments of whole regions", (LongFunction<Store>) StoreTest::compactOfRegions)));
  }

  /** A compact store whose main space takes segments of a whole (simulated) G1 region: 1/16 of its budget. */
  static CompactStore compactOfRegions(long capacity) {
    int region = Integer.highestOneBit((int) Math.max(64, Math.min(1 << 20, capacity / CompactStore.REGIONS_PER_SHARD)));
    CompactStore s = new CompactStore(capacity, 7, 1, region);
    if (s.regionSegment != region - 16) {
      throw new AssertionError("no region segments at " + capacity + " bytes, region " + region);
    }
    return s;
  }

  static ByteView value(int n) {
    return ByteView.copyOf(new byte[n]);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allStores")
  void weighsUtf8KeyBytesPlusValueBytes(String name, LongFunction<Store> factory) {
    Store s = factory.apply(4000);
    s.put("ключ", value(10)); // 8 key bytes
    s.put("k", value(5));
    assertThat(s.payloadBytes()).isEqualTo(8 + 10 + 1 + 5);
    assertThat(s.items()).isEqualTo(2);
    s.put("k", value(7)); // replacing re-weighs
    assertThat(s.payloadBytes()).isEqualTo(8 + 10 + 1 + 7);
    assertThat(s.remove("ключ")).isTrue();
    assertThat(s.remove("ключ")).isFalse();
    assertThat(s.payloadBytes()).isEqualTo(8);
    assertThat(s.bytes()).isGreaterThanOrEqualTo(s.payloadBytes());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allStores")
  void peekFindsWithoutCountingAndGetFreshServesOnlyFreshValues(String name, LongFunction<Store> factory) {
    org.groupcache4j.testing.ManualClock clock = new org.groupcache4j.testing.ManualClock();
    Store s = factory.apply(100_000);
    s.put("v", Entry.of(value(3), clock.millis() + 1000));
    s.put("nf", Entry.notFound("no such row", clock.millis() + 1000));
    assertThat(s.peek("v").value).isEqualTo(value(3));
    assertThat(s.peek("nf").notFoundDetail).isEqualTo("no such row");
    assertThat(s.stats().gets()).isZero();
    assertThat(s.getFresh("v", clock)).isEqualTo(value(3));
    assertThat(s.getFresh("nf", clock)).isNull();
    assertThat(s.getFresh("absent", clock)).isNull();
    clock.advance(java.time.Duration.ofSeconds(1));
    assertThat(s.getFresh("v", clock)).isNull();
    assertThat(s.peek("v")).as("expired, still held").isNotNull();
    assertThat(s.stats().gets()).isEqualTo(4);
    assertThat(s.stats().hits()).isEqualTo(3);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void anEntryHeavierThanTheCapacityIsNotStored(String name, LongFunction<Store> factory) {
    Store s = factory.apply(100);
    s.put("small", value(10));
    s.put("big", value(200));
    assertThat(s.get("big")).isNull();
    assertThat(s.get("small")).isNotNull();
    assertThat(s.bytes()).isLessThanOrEqualTo(100);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void countsGetsHitsAndEvictions(String name, LongFunction<Store> factory) {
    Store s = factory.apply(100);
    long found = 0;
    for (int i = 0; i < 50; i++) {
      s.put("key" + i, value(20)); // 24-25 bytes each: at most 4 fit
      for (int j = Math.max(0, i - 5); j <= i; j++) { // the latest key and some already evicted
        found += s.get("key" + j) != null ? 1 : 0;
      }
    }
    s.get("absent");
    var st = s.stats();
    long asked = 1 + 50 * 6 - (1 + 2 + 3 + 4 + 5);
    assertThat(st.gets()).isEqualTo(asked);
    assertThat(st.hits()).as("hits counted = lookups that found a value").isEqualTo(found);
    assertThat(found).as("evicted keys miss").isLessThan(asked - 1);
    assertThat(st.items()).isLessThanOrEqualTo(4);
    assertThat(st.evictions()).as("every entry not held was evicted").isEqualTo(50 - st.items());
    assertThat(st.bytes()).isLessThanOrEqualTo(100);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void shrinkingTheCapacityEvictsAtOnce(String name, LongFunction<Store> factory) {
    Store s = factory.apply(10_000);
    for (int i = 0; i < 100; i++) {
      s.put("k" + i, value(50));
    }
    s.setCapacity(500);
    assertThat(s.bytes()).isLessThanOrEqualTo(500);
    assertThat(s.capacity()).isEqualTo(500);
  }

  // ---- properties: after any sequence of operations, bytes held <= capacity, and bytes = sum of entries

  record Op(int kind, int key, int size) {}

  @Provide
  Arbitrary<Op> ops() {
    return Combinators.combine(Arbitraries.integers().between(0, 9), Arbitraries.integers().between(0, 40),
        Arbitraries.integers().between(0, 300)).as(Op::new);
  }

  @Property(tries = 300)
  void lruNeverExceedsItsBudget(@ForAll @Size(max = 300) List<@net.jqwik.api.From("ops") Op> ops,
      @ForAll @IntRange(min = 0, max = 2000) int capacity) {
    check(new LruStore(capacity), ops, capacity);
  }

  @Property(tries = 300)
  void compactNeverExceedsItsBudget(@ForAll @Size(max = 300) List<@net.jqwik.api.From("ops") Op> ops,
      @ForAll @IntRange(min = 0, max = 20_000) int capacity, @ForAll boolean sharded) {
    CompactStore s = sharded ? new CompactStore(capacity, 7, 4) : CompactStore.deterministic(capacity, 7);
    check(s, ops, capacity);
    assertThat(s.inconsistency()).isNull();
  }

  @Property(tries = 300)
  void tinyLfuNeverExceedsItsBudget(@ForAll @Size(max = 300) List<@net.jqwik.api.From("ops") Op> ops,
      @ForAll @IntRange(min = 0, max = 2000) int capacity) {
    check(new TinyLfuStore(capacity), ops, capacity);
  }

  /**
   * Runs {@code ops} against the store and a model of the latest value put under each key: a get
   * finds that value or nothing (evicted), never an older or removed one. Capacity changes are
   * 5 x the op's size, times 10 for the compact store, whose budget also counts its overhead.
   */
  private static void check(Store s, List<Op> ops, long capacity) {
    long cap = capacity;
    java.util.Map<String, ByteView> model = new java.util.HashMap<>();
    int seq = 0;
    for (Op op : ops) {
      String key = op.kind() == 9 ? "key-" + op.key() + "-ключ" : "key-" + op.key();
      switch (op.kind()) {
        case 0, 1, 2, 3, 9 -> {
          byte[] b = new byte[(op.kind() == 9 ? op.size() / 3 : op.size()) + 4];
          java.nio.ByteBuffer.wrap(b).putInt(seq++); // each put's value differs from every other
          ByteView v = ByteView.copyOf(b);
          s.put(key, v);
          model.put(key, v);
        }
        case 4, 5, 6 -> {
          Entry got = s.get(key);
          if (got != null) {
            assertThat(got.value).as("get %s after %s", key, op).isEqualTo(model.get(key));
          }
        }
        case 7 -> {
          s.remove(key);
          model.remove(key);
        }
        default -> {
          cap = op.size() * (s instanceof CompactStore ? 50L : 5L);
          s.setCapacity(cap);
        }
      }
      assertThat(s.bytes()).as("bytes after %s", op).isLessThanOrEqualTo(cap);
    }
    // The reported payload is the weight of exactly the entries that are present.
    long sum = 0;
    for (int k = 0; k <= 40; k++) {
      for (String key : new String[] {"key-" + k, "key-" + k + "-ключ"}) {
        Entry e = s.get(key);
        if (e != null) {
          assertThat(e.value).as("%s at the end", key).isEqualTo(model.get(key));
          sum += Store.weigh(key, e.value);
        }
      }
    }
    assertThat(s.payloadBytes()).isEqualTo(sum);
    assertThat(s.bytes()).isGreaterThanOrEqualTo(sum);
  }
}
