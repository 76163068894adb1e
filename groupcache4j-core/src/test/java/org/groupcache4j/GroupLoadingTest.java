package org.groupcache4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GroupLoadingTest {
  private final GroupCache cache = GroupCache.builder().build();

  @AfterEach
  void close() {
    cache.close();
  }

  @ParameterizedTest
  @EnumSource(EvictionPolicy.class)
  void loadsOnceThenServesFromTheStore(EvictionPolicy policy) {
    AtomicInteger loads = new AtomicInteger();
    Group g = cache.groupBuilder("g").evictionPolicy(policy).loader(k -> {
      loads.incrementAndGet();
      return ("value-of-" + k).getBytes(StandardCharsets.UTF_8);
    }).build();
    assertThat(g.get("Tom").toString()).isEqualTo("value-of-Tom");
    assertThat(g.get("Tom").toString()).isEqualTo("value-of-Tom");
    assertThat(g.getAsync("Tom").join().toString()).isEqualTo("value-of-Tom");
    assertThat(loads).hasValue(1);
    GroupStats s = g.stats();
    assertThat(s.gets()).isEqualTo(3);
    assertThat(s.cacheHits()).isEqualTo(2);
    assertThat(s.loads()).isEqualTo(1);
    assertThat(s.loadsDeduped()).isEqualTo(1);
    assertThat(s.localLoads()).isEqualTo(1);
    assertThat(s.mainStore().items()).isEqualTo(1);
    assertThat(s.mainStore().payloadBytes()).isEqualTo("Tom".length() + "value-of-Tom".length());
    // LRU and W-TinyLFU count key and value bytes against the budget; the compact store all it holds
    assertThat(s.mainStore().bytes()).isGreaterThanOrEqualTo(s.mainStore().payloadBytes());
    if (policy != EvictionPolicy.COMPACT) {
      assertThat(s.mainStore().bytes()).isEqualTo(s.mainStore().payloadBytes());
    }
    assertThat(g.evictionPolicy()).isEqualTo(policy);
  }

  @Test
  void aGroupWithoutAPolicyHasTheBuildersDefault() {
    Group g = cache.newGroup("default", 1 << 20, k -> new byte[1]);
    assertThat(g.evictionPolicy()).isEqualTo(Group.Builder.DEFAULT_EVICTION_POLICY);
  }

  @Test
  void aBudgetLargerThanTheHeapIsRefusedWhenTheGroupIsBuilt() {
    long heap = Runtime.getRuntime().maxMemory();
    assertThatThrownBy(() -> cache.groupBuilder("huge").cacheBytes(heap + 1).loader(k -> new byte[1]).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("group 'huge'")
        .hasMessageContaining("more than this JVM's whole heap");
    assertThat(cache.group("huge")).isEmpty();
  }

  @Test
  void theLoadersArrayIsCopied() {
    byte[] shared = "abc".getBytes(StandardCharsets.UTF_8);
    Group g = cache.newGroup("copy", 1 << 20, k -> shared);
    ByteView v = g.get("k");
    shared[0] = 'z';
    assertThat(v.toString()).isEqualTo("abc");
  }

  @Test
  void aNullResultIsALoadErrorNamingGroupAndKey() {
    Group g = cache.newGroup("nulls", 1 << 20, k -> null);
    assertThatThrownBy(() -> g.get("k1")).isInstanceOf(LoadException.class)
        .hasMessageContaining("returned null").hasMessageContaining("group 'nulls', key 'k1'");
    assertThat(g.stats().localLoadErrors()).isEqualTo(1);
    assertThat(g.stats().mainStore().items()).isZero();
  }

  @Test
  void notFoundFromTheLoaderNamesGroupAndKeyAndIsNotCached() {
    AtomicInteger loads = new AtomicInteger();
    Group g = cache.newGroup("nf", 1 << 20, k -> {
      loads.incrementAndGet();
      throw new KeyNotFoundException("no row in table scores");
    });
    assertThatThrownBy(() -> g.get("Ann")).isInstanceOfSatisfying(KeyNotFoundException.class, e -> {
      assertThat(e.group()).isEqualTo("nf");
      assertThat(e.key()).isEqualTo("Ann");
      assertThat(e.detail()).isEqualTo("no row in table scores");
      assertThat(e.isRemote()).isFalse();
    }).hasMessage("not found: group 'nf', key 'Ann': no row in table scores");
    assertThatThrownBy(() -> g.get("Ann")).isInstanceOf(KeyNotFoundException.class);
    assertThat(loads).hasValue(2);
  }

  @Test
  void emptyKeyIsValidAndEmptyValueIsCached() {
    AtomicInteger loads = new AtomicInteger();
    Group g = cache.newGroup("empty", 1 << 20, k -> {
      loads.incrementAndGet();
      return new byte[0];
    });
    assertThat(g.get("").length()).isZero();
    assertThat(g.get("").length()).isZero();
    assertThat(loads).hasValue(1);
  }

  @Test
  void aValueLargerThanTheBudgetIsReturnedButNotCached() {
    AtomicInteger loads = new AtomicInteger();
    Group g = cache.newGroup("big", 1000, k -> {
      loads.incrementAndGet();
      return new byte[5000];
    });
    assertThat(g.get("k").length()).isEqualTo(5000);
    assertThat(g.get("k").length()).isEqualTo(5000);
    assertThat(loads).hasValue(2);
    assertThat(g.stats().mainStore().bytes()).isZero();
  }

  @Test
  void zeroBudgetDisablesCaching() {
    AtomicInteger loads = new AtomicInteger();
    Group g = cache.newGroup("off", 0, k -> {
      loads.incrementAndGet();
      return "v".getBytes();
    });
    g.get("k");
    g.get("k");
    assertThat(loads).hasValue(2);
  }

  @Test
  void badInputIsRejectedAtTheCallWithAMessage() {
    Group g = cache.newGroup("input", 1 << 20, k -> k.getBytes());
    assertThatThrownBy(() -> g.get(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("group 'input'");
    assertThatThrownBy(() -> g.getAsync(null)).isInstanceOf(NullPointerException.class);
    String longKey = "x".repeat(4097);
    assertThatThrownBy(() -> g.get(longKey)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("4097 UTF-8 bytes").hasMessageContaining("limit of 4096").hasMessageContaining("'input'");
    assertThat(g.get("x".repeat(4096)).length()).isEqualTo(4096);
    // 1366 three-byte chars = 4098 bytes: counted in UTF-8, not chars
    assertThatThrownBy(() -> g.get("键".repeat(1366))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> cache.newGroup(null, 1, k -> null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("group name");
    assertThatThrownBy(() -> cache.newGroup("x", 1, null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("loader");
    assertThatThrownBy(() -> cache.newGroup("x", -1, k -> null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cacheBytes");
    assertThatThrownBy(() -> cache.groupBuilder("x").build()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no loader");
  }

  @Test
  void twoGroupsWithOneNameInOneInstanceIsAnError() {
    cache.newGroup("dup", 1, k -> null);
    assertThatThrownBy(() -> cache.newGroup("dup", 1, k -> null)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already has a group named 'dup'");
  }

  @Test
  void instancesDoNotShareGroups() {
    try (GroupCache other = GroupCache.builder().build()) {
      Group a = cache.newGroup("same", 1 << 20, k -> "a".getBytes());
      Group b = other.newGroup("same", 1 << 20, k -> "b".getBytes());
      assertThat(a.get("k").toString()).isEqualTo("a");
      assertThat(b.get("k").toString()).isEqualTo("b");
      assertThat(cache.group("same")).containsSame(a);
      assertThat(other.group("same")).containsSame(b);
      assertThat(cache.group("nope")).isEmpty();
    }
  }

  @Test
  void usesTheSuppliedLoaderExecutorAndDoesNotShutItDown() {
    ExecutorService mine = Executors.newSingleThreadExecutor(r -> new Thread(r, "my-loader"));
    try {
      GroupCache c = GroupCache.builder().loaderExecutor(mine).build();
      Group g = c.newGroup("exec", 1 << 20, k -> Thread.currentThread().getName().getBytes());
      assertThat(g.get("k").toString()).isEqualTo("my-loader");
      c.close();
      assertThat(mine.isShutdown()).isFalse();
    } finally {
      mine.shutdownNow();
    }
  }

  @Test
  void aClosedCacheRefusesNewWork() {
    GroupCache c = GroupCache.builder().build();
    Group g = c.newGroup("closed", 1 << 20, k -> "v".getBytes());
    c.close();
    assertThatThrownBy(() -> g.get("k")).isInstanceOf(LoadException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> c.newGroup("more", 1, k -> null)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void setPeersWithoutATransportExplainsWhatToDo() {
    assertThatThrownBy(() -> cache.setPeers("http://a", "http://b")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no peer transport");
  }
}
