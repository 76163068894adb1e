package org.groupcache4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.groupcache4j.ByteView;
import org.junit.jupiter.api.Test;

/** {@link Store#hottest}: the entries a departing node hands over first, in each policy's own order, without touching it. */
class StoreHottestTest {
  private static List<String> keys(List<Map.Entry<String, Entry>> entries) {
    return entries.stream().map(Map.Entry::getKey).toList();
  }

  @Test
  void lruGivesTheMostRecentlyUsedFirst() {
    LruStore s = new LruStore(1 << 20);
    for (String k : List.of("a", "b", "c", "d")) {
      s.put(k, ByteView.of("v-" + k));
    }
    s.get("b");
    s.get("a");
    assertThat(keys(s.hottest(10))).containsExactly("a", "b", "d", "c");
    assertThat(keys(s.hottest(2))).containsExactly("a", "b");
    assertThat(s.hottest(1).get(0).getValue().value).isEqualTo(ByteView.of("v-a"));
    long gets = s.stats().gets();
    s.peek("c");
    s.hottest(10);
    assertThat(s.stats().gets()).as("peek and hottest count no get").isEqualTo(gets);
    assertThat(keys(s.hottest(10))).as("nor record a use").containsExactly("a", "b", "d", "c");
  }

  @Test
  void wTinyLfuGivesTheMostFrequentlyUsedFirst() {
    TinyLfuStore s = new TinyLfuStore(1 << 20, Runnable::run);
    for (String k : List.of("a", "b", "c")) {
      s.put(k, ByteView.of("v-" + k));
    }
    for (int i = 0; i < 20; i++) {
      s.get("c");
    }
    s.get("a"); // the most recent
    s.cleanUp();
    List<String> order = keys(s.hottest(10));
    assertThat(order).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(order.get(0)).as("the most frequent, though not the most recent").isEqualTo("c");
    assertThat(s.peek("b").value).isEqualTo(ByteView.of("v-b"));
  }

  @Test
  void theCompactStoreGivesEveryLiveEntryOnceWithItsExpiryAndCachedNotFounds() {
    CompactStore s = new CompactStore(1 << 20);
    for (int i = 0; i < 500; i++) {
      s.put("k" + i, ByteView.of("v-" + i));
    }
    s.put("k7", Entry.of(ByteView.of("newer"), 123_456_789L)); // replaced: only its last record counts
    s.remove("k8");
    s.put("missing", Entry.notFound("no row for missing", 42L));
    long gets = s.stats().gets();
    List<Map.Entry<String, Entry>> all = s.hottest(Integer.MAX_VALUE);
    assertThat(s.stats().gets()).as("hottest counts no get").isEqualTo(gets);
    assertThat(keys(all)).doesNotHaveDuplicates().hasSize(500).doesNotContain("k8").contains("k7", "missing");
    Map<String, Entry> byKey = all.stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    assertThat(byKey.get("k7").value).isEqualTo(ByteView.of("newer"));
    assertThat(byKey.get("k7").expireAt).isEqualTo(123_456_789L);
    assertThat(byKey.get("k499").value).isEqualTo(ByteView.of("v-499"));
    assertThat(byKey.get("missing").value).as("a cached not-found travels as one").isNull();
    assertThat(byKey.get("missing").expireAt).isEqualTo(42L);
    assertThat(s.hottest(10)).hasSize(10);
    assertThat(s.items()).isEqualTo(500);
  }
}
