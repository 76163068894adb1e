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

/** Behaviour every store shares, run against both policies. */
class StoreTest {
  static Stream<Arguments> stores() {
    return Stream.of(
        Arguments.of("LRU", (LongFunction<Store>) LruStore::new),
        Arguments.of("W-TinyLFU", (LongFunction<Store>) TinyLfuStore::new),
        Arguments.of("W-TinyLFU, same-thread maintenance", (LongFunction<Store>) c -> new TinyLfuStore(c, Runnable::run)));
  }

  static ByteView value(int n) {
    return ByteView.copyOf(new byte[n]);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void weighsUtf8KeyBytesPlusValueBytes(String name, LongFunction<Store> factory) {
    Store s = factory.apply(1000);
    s.put("ключ", value(10)); // 8 key bytes
    s.put("k", value(5));
    assertThat(s.bytes()).isEqualTo(8 + 10 + 1 + 5);
    assertThat(s.items()).isEqualTo(2);
    s.put("k", value(7)); // replacing re-weighs
    assertThat(s.bytes()).isEqualTo(8 + 10 + 1 + 7);
    assertThat(s.remove("ключ")).isTrue();
    assertThat(s.remove("ключ")).isFalse();
    assertThat(s.bytes()).isEqualTo(8);
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
    for (int i = 0; i < 50; i++) {
      s.put("key" + i, value(20)); // 24-25 bytes each: at most 4 fit
      s.get("key" + i);
    }
    s.get("absent");
    var st = s.stats();
    assertThat(st.gets()).isEqualTo(51);
    assertThat(st.hits()).isBetween(1L, 50L);
    assertThat(st.evictions()).isEqualTo(50 - st.items());
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
  void tinyLfuNeverExceedsItsBudget(@ForAll @Size(max = 300) List<@net.jqwik.api.From("ops") Op> ops,
      @ForAll @IntRange(min = 0, max = 2000) int capacity) {
    check(new TinyLfuStore(capacity), ops, capacity);
  }

  private static void check(Store s, List<Op> ops, long capacity) {
    long cap = capacity;
    java.util.Map<String, ByteView> model = new java.util.HashMap<>();
    for (Op op : ops) {
      String key = "key-" + op.key();
      switch (op.kind()) {
        case 0, 1, 2, 3 -> s.put(key, value(op.size()));
        case 4, 5, 6 -> s.get(key);
        case 7 -> s.remove(key);
        case 8 -> {
          cap = op.size() * 5L;
          s.setCapacity(cap);
        }
        default -> s.put(key + "-ключ", value(op.size() / 3));
      }
      assertThat(s.bytes()).as("bytes after %s", op).isLessThanOrEqualTo(cap);
    }
    // The reported bytes are the weight of exactly the entries that are present.
    long sum = 0;
    for (int k = 0; k <= 40; k++) {
      for (String key : new String[] {"key-" + k, "key-" + k + "-ключ"}) {
        ByteView v = s.get(key);
        if (v != null) {
          sum += Store.weigh(key, v);
        }
      }
    }
    assertThat(s.bytes()).isEqualTo(sum);
  }
}
