package org.groupcache4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input to a group on the compact store, whichever policy is the default: a key over
 * {@code maxKeyBytes}, a value larger than the budget, a budget of zero and one the heap cannot
 * hold. Each is answered (or refused) with a reason, and the store stays within its budget.
 */
class CompactStoreInputTest {
  private final GroupCache cache = GroupCache.builder().build();
  private final AtomicInteger loads = new AtomicInteger();

  @AfterEach
  void close() {
    cache.close();
  }

  private Group group(String name, long budget, int valueBytes) {
    return cache.groupBuilder(name).cacheBytes(budget).evictionPolicy(EvictionPolicy.COMPACT).maxKeyBytes(16)
        .loader(k -> {
          loads.incrementAndGet();
          byte[] v = new byte[valueBytes];
          Arrays.fill(v, (byte) k.length());
          return v;
        })
        .build();
  }

  @Test
  void aKeyOverMaxKeyBytesIsRefusedWithAReasonAndNeitherLoadedNorCached() {
    Group g = group("keys", 1 << 20, 10);
    String longest = "k".repeat(16);
    String tooLong = "k".repeat(17);
    String tooLongInUtf8 = "é".repeat(9); // 9 chars, 18 UTF-8 bytes
    assertThat(g.get(longest).length()).isEqualTo(10);
    for (String key : new String[] {tooLong, tooLongInUtf8}) {
      assertThatThrownBy(() -> g.get(key))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("longer than the limit of 16 bytes of group 'keys'")
          .hasMessageContaining("raise maxKeyBytes");
      assertThatThrownBy(() -> g.set(key, ByteView.of("v"))).isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(loads).as("only the key within the limit was loaded").hasValue(1);
    assertThat(g.stats().mainStore().items()).isEqualTo(1);
    assertThat(g.get(longest).length()).isEqualTo(10);
    assertThat(loads).as("and it was cached").hasValue(1);
  }

  @Test
  void aValueLargerThanTheBudgetIsReturnedButNotCached() {
    long budget = 64 << 10;
    Group g = group("large", budget, 100 << 10);
    g.set("small", ByteView.copyOf("kept".getBytes(StandardCharsets.UTF_8)));
    for (int i = 1; i <= 2; i++) {
      ByteView v = g.get("big");
      assertThat(v.length()).isEqualTo(100 << 10);
      assertThat(v.byteAt(0)).isEqualTo((byte) 3);
      assertThat(loads).as("loaded again: it was not cached").hasValue(i);
    }
    GroupStats s = g.stats();
    assertThat(s.mainStore().bytes() + s.hotStore().bytes()).isLessThanOrEqualTo(budget);
    assertThat(g.get("small").toString()).as("a value too large for the store does not flush it").isEqualTo("kept");
  }

  @Test
  void aZeroBudgetCachesNothingAndStillAnswers() {
    Group g = group("zero", 0, 10);
    assertThat(g.get("k").length()).isEqualTo(10);
    assertThat(g.get("k").length()).isEqualTo(10);
    assertThat(loads).hasValue(2);
    GroupStats s = g.stats();
    assertThat(s.mainStore().items()).isZero();
    assertThat(s.mainStore().bytes() + s.hotStore().bytes()).isZero();
  }

  @Test
  void aBudgetTheHeapCannotHoldIsRefusedWhenTheGroupIsBuilt() {
    long heap = Runtime.getRuntime().maxMemory();
    assertThatThrownBy(() -> group("huge", heap + 1, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("group 'huge'")
        .hasMessageContaining("more than this JVM's whole heap");
    assertThat(cache.group("huge")).isEmpty();
    assertThatThrownBy(() -> cache.groupBuilder("negative").cacheBytes(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("group 'negative'");
  }
}
