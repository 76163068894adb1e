package org.groupcache4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.LongFunction;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.groupcache4j.ByteView;
import org.junit.jupiter.api.Test;

class GroupStoresTest {
  @Test
  void hotStoreTakesAtMostAnEighthAndMainTheRest() {
    GroupStores s = new GroupStores(8000, LruStore::new);
    for (int i = 0; i < 200; i++) {
      s.putHot("hot" + i, Entry.of(ByteView.copyOf(new byte[95])));
    }
    assertThat(s.hot().bytes()).isLessThanOrEqualTo(1000).isGreaterThan(800);
    for (int i = 0; i < 200; i++) {
      s.putMain("main" + i, Entry.of(ByteView.copyOf(new byte[95])));
    }
    assertThat(s.main().bytes() + s.hot().bytes()).isLessThanOrEqualTo(8000);
    assertThat(s.main().bytes()).isGreaterThan(6000);
  }

  @Test
  void mainStoreUsesTheWholeBudgetWhenNothingIsHot() {
    GroupStores s = new GroupStores(8000, TinyLfuStore::new);
    for (int i = 0; i < 79; i++) {
      s.putMain("k" + (char) ('A' + i % 26) + i, Entry.of(ByteView.copyOf(new byte[96]))); // ~100 bytes each
    }
    assertThat(s.main().bytes()).isGreaterThan(7000).isLessThanOrEqualTo(8000);
  }

  @Test
  void compactStoresMoveTheirBudgetBetweenMainAndHotAsTheOthersDo() {
    GroupStores s = new GroupStores(1 << 20, CompactStore::new);
    for (int i = 0; i < 20_000; i++) {
      s.putHot("hot" + i, Entry.of(ByteView.copyOf(new byte[95])));
    }
    assertThat(s.hot().bytes()).isLessThanOrEqualTo((1 << 20) / 8).isGreaterThan((1 << 20) / 10);
    for (int i = 0; i < 20_000; i++) {
      s.putMain("main" + i, Entry.of(ByteView.copyOf(new byte[95])));
    }
    assertThat(s.main().bytes() + s.hot().bytes()).isLessThanOrEqualTo(1 << 20);
    assertThat(s.main().bytes()).isGreaterThan((1 << 20) * 3 / 4);
    for (int i = 0; i < 20_000; i++) {
      s.remove("hot" + i);
    }
    assertThat(s.main().capacity()).as("the hot store's share back with the main store").isEqualTo(1 << 20);
  }

  @Test
  void zeroBudgetCachesNothing() {
    GroupStores s = new GroupStores(0, TinyLfuStore::new);
    s.putMain("a", Entry.of(ByteView.of("x")));
    s.putHot("b", Entry.of(ByteView.of("x")));
    assertThat(s.get("a")).isNull();
    assertThat(s.get("b")).isNull();
  }

  @Test
  void aValueLargerThanTheBudgetIsNotCached() {
    GroupStores s = new GroupStores(100, LruStore::new);
    s.putMain("small", Entry.of(ByteView.of("v")));
    s.putMain("big", Entry.of(ByteView.copyOf(new byte[101])));
    assertThat(s.get("big")).isNull();
    assertThat(s.get("small")).isNotNull(); // a too-big value does not flush the store
  }

  @Property(tries = 200)
  void mainPlusHotNeverExceedTheBudget(@ForAll @Size(max = 200) List<@IntRange(min = 0, max = 399) Integer> ops,
      @ForAll @IntRange(min = 0, max = 30_000) int budget, @ForAll @IntRange(min = 0, max = 2) int policy) {
    LongFunction<Store> f = policy == 0 ? LruStore::new : policy == 1 ? TinyLfuStore::new : c -> CompactStore.deterministic(c, 3);
    GroupStores s = new GroupStores(budget, f);
    for (int op : ops) {
      String key = "k" + (op % 37);
      ByteView v = ByteView.copyOf(new byte[op]);
      switch (op % 4) {
        case 0, 1 -> s.putMain(key, Entry.of(v));
        case 2 -> s.putHot(key, Entry.of(v));
        default -> s.remove(key);
      }
      assertThat(s.main().bytes() + s.hot().bytes()).isLessThanOrEqualTo(budget);
      assertThat(s.hot().bytes()).isLessThanOrEqualTo(budget / 8);
    }
  }
}
