package org.groupcache4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.groupcache4j.GroupCache;
import org.groupcache4j.testing.InMemoryNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.cache.interceptor.SimpleKey;

/** A cache with a loader: the key's owner loads it, once, with the key read back from the group key. */
class CacheValueLoaderTest {
  private static final List<String> PEERS = List.of("mem://a", "mem://b", "mem://c");
  private final InMemoryNetwork network = new InMemoryNetwork();
  private final List<GroupCache> nodes = new ArrayList<>();
  private final List<GroupCacheCacheManager> managers = new ArrayList<>();
  private final Map<Object, AtomicInteger> loads = new ConcurrentHashMap<>();
  private final Map<String, String> loadedAt = new ConcurrentHashMap<>();

  CacheValueLoaderTest() {
    for (String url : PEERS) {
      GroupCache n = GroupCache.builder().self(url).transport(network.transport()).build();
      n.setPeers(PEERS);
      nodes.add(n);
      CacheValueLoader loader = CacheValueLoader.of("prices", key -> {
        loads.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        loadedAt.put(String.valueOf(key), url);
        if (key instanceof SimpleKey s && s.toString().contains("broken")) {
          throw new IllegalStateException("price service is down");
        }
        return key instanceof Long id ? id * 100 : null;
      });
      managers.add(GroupCacheCacheManager.builder(n).cache("prices", g -> g.cacheBytes(1 << 20), null, loader).build());
    }
  }

  @AfterEach
  void stop() {
    nodes.forEach(GroupCache::close);
  }

  private GroupCacheCache prices(int i) {
    return managers.get(i).getCache("prices");
  }

  @Test
  void theOwnerLoadsOnceAndTheCallersMethodIsNotCalled() {
    for (int i = 0; i < 3; i++) {
      Long price = prices(i).get(7L, () -> {
        throw new AssertionError("the owner loads");
      });
      assertThat(price).isEqualTo(700L);
      assertThat(prices(i).get(7L).get()).isEqualTo(700L);
    }
    assertThat(loads.get(7L)).hasValue(1);
    assertThat(loadedAt.get("7")).isEqualTo(nodes.get(0).ownerOf(prices(0).groupKey(7L)));
    assertThat(prices(0).isCallerLoaded()).isFalse();
  }

  @Test
  void aNullFromTheLoaderIsCachedAsNullAndAFailureReachesTheCaller() {
    assertThat(prices(1).get("unknown").get()).isNull();
    assertThat(prices(2).get("unknown").get()).isNull();
    assertThat(loads.get("unknown")).hasValue(1);
    assertThatThrownBy(() -> prices(0).get(new SimpleKey("broken", 1)))
        .hasMessageContaining("price service is down");
  }

  @Test
  void aLoaderForAnotherCacheIsRefused() {
    assertThatThrownBy(() -> GroupCacheCacheManager.builder(nodes.get(0))
        .cache("other", g -> {}, null, CacheValueLoader.of("prices", k -> 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loads cache 'prices', not 'other'");
  }
}
