package org.groupcache4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.groupcache4j.ByteView;
import org.groupcache4j.GroupCache;
import org.groupcache4j.KeyNotFoundException;
import org.groupcache4j.spring.app.Author;
import org.groupcache4j.spring.app.Book;
import org.groupcache4j.testing.InMemoryNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.cache.Cache;
import org.springframework.cache.interceptor.SimpleKey;

/** The Spring Cache operations on three (socket-less) nodes. */
class GroupCacheCacheTest {
  private static final List<String> PEERS = List.of("mem://a", "mem://b", "mem://c");
  private static final Book DUNE = new Book("1", "Dune", List.of("Frank Herbert"), LocalDate.of(1965, 8, 1));
  private final InMemoryNetwork network = new InMemoryNetwork();
  private final List<GroupCache> nodes = new ArrayList<>();
  private final List<GroupCacheCacheManager> managers = new ArrayList<>();
  private final ExecutorService pool = Executors.newCachedThreadPool();

  GroupCacheCacheTest() {
    for (String url : PEERS) {
      GroupCache n = GroupCache.builder().self(url).transport(network.transport()).build();
      n.setPeers(PEERS);
      nodes.add(n);
      managers.add(GroupCacheCacheManager.builder(n)
          .valueCodec(DefaultValueCodec.builder().allowPackage("org.groupcache4j.spring.app").build())
          .cache("books", g -> g.cacheBytes(1 << 20).maxKeyBytes(64))
          .cache("tiny", g -> g.cacheBytes(8 << 10))
          .build());
    }
  }

  @AfterEach
  void stop() {
    pool.shutdownNow();
    nodes.forEach(GroupCache::close);
  }

  /** Waits until {@code n} callers in all have missed "books" (each get(key, loader) that found no value counts one load). */
  private void awaitMisses(long n) {
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> managers.stream().mapToLong(m -> m.getCache("books").getNativeCache().stats().loads()).sum() >= n);
  }

  private GroupCacheCache books(int node) {
    return managers.get(node).getCache("books");
  }

  @Test
  void aValuePutAtOneNodeIsReadAtEveryNode() {
    assertThat(books(0).get("dune")).isNull();
    books(0).put("dune", DUNE);
    for (int i = 0; i < 3; i++) {
      assertThat(books(i).get("dune").get()).isEqualTo(DUNE);
      assertThat(books(i).get("dune", Book.class)).isEqualTo(DUNE);
    }
    assertThat(books(0).stats().misses()).isEqualTo(1);
    assertThat(books(0).stats().hits()).isEqualTo(2);
    assertThat(books(0).stats().puts()).isEqualTo(1);
    books(1).put(42L, new Author("A", 1900, List.of("x"))); // not Serializable: JSON
    assertThat(books(2).get(42L).get()).isEqualTo(new Author("A", 1900, List.of("x")));
  }

  @Test
  void aCachedNullIsAOneByteTagNotASerializedObject() {
    books(0).put("none", null);
    Cache.ValueWrapper w = books(2).get("none");
    assertThat(w).isNotNull();
    assertThat(w.get()).isNull();
    assertThat(books(1).getNativeCache().get("none")).isEqualTo(ByteView.copyOf(new byte[] {0}));
    assertThat(books(1).get("none", String.class)).isNull();
  }

  @Test
  void sixtyConcurrentCallersOnThreeNodesRunTheLoaderOnce() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    List<Future<Book>> callers = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      int node = i % 3;
      callers.add(pool.submit(() -> books(node).get("dune", () -> {
        calls.incrementAndGet();
        release.await(10, TimeUnit.SECONDS);
        return DUNE;
      })));
    }
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() >= 1);
    awaitMisses(60); // every caller missed before the value exists: none but one may compute it
    release.countDown();
    for (Future<Book> f : callers) {
      assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(DUNE);
    }
    assertThat(calls).hasValue(1);
    Book cached = books(2).get("dune", () -> {
      throw new AssertionError("already cached");
    });
    assertThat(cached).isEqualTo(DUNE);
  }

  @Test
  void aLoaderThatThrowsFailsEveryWaiterCachesNothingAndRunsAgainNextTime() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<String> holder = pool.submit(() -> books(1).get("flaky", () -> {
      calls.incrementAndGet();
      holding.countDown();
      release.await(10, TimeUnit.SECONDS);
      throw new IllegalStateException("database is down");
    }));
    assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
    List<Future<String>> waiters = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int node = i % 3;
      waiters.add(pool.submit(() -> books(node).get("flaky", () -> {
        calls.incrementAndGet();
        return "should not run";
      })));
    }
    awaitMisses(7); // the holder and every waiter missed before the holder fails
    release.countDown();
    assertThatThrownBy(() -> holder.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(Cache.ValueRetrievalException.class)
        .hasRootCauseInstanceOf(IllegalStateException.class).hasRootCauseMessage("database is down");
    for (Future<String> f : waiters) {
      assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(Cache.ValueRetrievalException.class)
          .hasStackTraceContaining("database is down");
    }
    assertThat(calls).hasValue(1);
    assertThat(books(0).get("flaky")).isNull();
    assertThat(books(1).get("flaky", () -> "fine now")).isEqualTo("fine now");
    assertThat(calls).hasValue(1);
    assertThat(books(2).get("flaky").get()).isEqualTo("fine now");
  }

  @Test
  void clearDropsTheCacheOnEveryNode() {
    for (int i = 0; i < 10; i++) {
      books(i % 3).put("k" + i, "v" + i);
    }
    books(1).clear();
    for (int n = 0; n < 3; n++) {
      for (int i = 0; i < 10; i++) {
        assertThat(books(n).get("k" + i)).as("k%d at node %d", i, n).isNull();
      }
      assertThat(books(n).localSize()).isZero();
    }
    assertThat(books(0).invalidate()).isFalse();
  }

  @Test
  void anEvictAtOneNodeIsSeenByAll() {
    books(0).put(new SimpleKey("a", 1), "v1");
    for (int i = 0; i < 3; i++) {
      assertThat(books(i).get(new SimpleKey("a", 1)).get()).isEqualTo("v1");
    }
    books(2).evict(new SimpleKey("a", 1));
    for (int i = 0; i < 3; i++) {
      assertThat(books(i).get(new SimpleKey("a", 1))).as("node %d", i).isNull();
    }
    books(1).put(new SimpleKey("a", 1), "v2");
    assertThat(books(1).evictIfPresent(new SimpleKey("a", 1))).isFalse();
    assertThat(books(0).get(new SimpleKey("a", 1))).isNull();
    assertThat(books(2).stats().removals()).isEqualTo(1);
  }

  @Test
  void aKeyLongerThanTheLimitIsRefusedWithTheCacheAndTheFix() {
    String longKey = "x".repeat(65);
    assertThatThrownBy(() -> books(0).get(longKey))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the key of cache 'books' is 65 UTF-8 bytes once encoded, longer than its limit of 64 bytes")
        .hasMessageContaining("groupcache4j.caches.books.max-key-bytes");
    assertThatThrownBy(() -> books(0).put(new SimpleKey("é".repeat(30), 1L), "v"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is 79 UTF-8 bytes");
    assertThat(books(0).get("x".repeat(64))).isNull(); // at the limit: fine
  }

  @Test
  void aValueLargerThanTheBudgetIsReturnedButNotCached() {
    GroupCacheCache tiny = managers.get(0).getCache("tiny");
    AtomicInteger calls = new AtomicInteger();
    String big = "b".repeat(20_000);
    for (int i = 0; i < 3; i++) {
      assertThat(tiny.get("big", () -> {
        calls.incrementAndGet();
        return big;
      })).isEqualTo(big);
    }
    assertThat(calls).hasValue(3);
    assertThat(tiny.stats().tooLarge()).isEqualTo(3);
    tiny.put("big", big);
    assertThat(tiny.get("big")).isNull();
    tiny.put("small", "s");
    assertThat(managers.get(2).getCache("tiny").get("small").get()).isEqualTo("s");
  }

  @Test
  void aValueThatNoLongerDecodesIsAMissDroppedCountedAndLoadedAgain() {
    // what an older version of the application stored: a class this one does not have
    byte[] old = {GroupCacheCache.VALUE_TAG, DefaultValueCodec.JSON, 0, 32};
    byte[] name = "org.groupcache4j.spring.app.Gone".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] stored = new byte[old.length + name.length + 2];
    System.arraycopy(old, 0, stored, 0, old.length);
    System.arraycopy(name, 0, stored, old.length, name.length);
    stored[stored.length - 2] = '{';
    stored[stored.length - 1] = '}';
    books(0).getNativeCache().set("dune", ByteView.copyOf(stored));

    assertThat(books(1).get("dune")).isNull();
    assertThat(books(1).stats().decodeFailures()).isEqualTo(1);
    assertThatThrownBy(() -> books(2).getNativeCache().get("dune")).isInstanceOf(KeyNotFoundException.class);
    AtomicInteger calls = new AtomicInteger();
    assertThat(books(2).get("dune", () -> {
      calls.incrementAndGet();
      return DUNE;
    })).isEqualTo(DUNE);
    assertThat(books(0).get("dune").get()).isEqualTo(DUNE);
    assertThat(calls).hasValue(1);
  }

  @Test
  void aValueOfAnotherTypeThanAskedIsAnIllegalState() {
    books(0).put("n", 7L);
    assertThatThrownBy(() -> books(1).get("n", String.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Cached value is not of required type [java.lang.String]: a java.lang.Long in cache 'books'");
  }

  @Test
  void retrieveCompletesWithAWrapperOrNullAndLoadsThroughTheSupplier() throws Exception {
    assertThat(books(0).retrieve("r").get(5, TimeUnit.SECONDS)).isNull();
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<String> first = books(1).retrieve("r", () -> {
      calls.incrementAndGet();
      return CompletableFuture.supplyAsync(() -> "async value");
    });
    assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("async value");
    assertThat(((Cache.ValueWrapper) books(2).retrieve("r").get(5, TimeUnit.SECONDS)).get()).isEqualTo("async value");
    assertThat(books(0).retrieve("r", () -> {
      calls.incrementAndGet();
      return CompletableFuture.completedFuture("again");
    }).get(5, TimeUnit.SECONDS)).isEqualTo("async value");
    assertThat(calls).hasValue(1);
    CompletableFuture<String> failing = books(0).retrieve("bad", () -> CompletableFuture.failedFuture(new IllegalStateException("no")));
    assertThat(failing).failsWithin(Duration.ofSeconds(5)).withThrowableThat().withRootCauseInstanceOf(IllegalStateException.class);
    assertThat(books(1).get("bad")).isNull();
  }

  @Test
  void putIfAbsentKeepsAnExistingValueDecidedAtTheOwner() {
    assertThat(books(0).putIfAbsent("p", "first")).isNull();
    assertThat(books(1).putIfAbsent("p", "second").get()).isEqualTo("first");
    assertThat(books(2).putIfAbsent("p", null).get()).isEqualTo("first");
    assertThat(books(2).get("p").get()).isEqualTo("first");
    assertThat(books(1).putIfAbsent("q", null)).isNull();
    assertThat(books(0).putIfAbsent("q", "late").get()).isNull(); // a cached null is a value held
  }

  @Test
  void anUndeclaredCacheIsNullAndAKeyWithoutAFormIsNamed() {
    assertThat(managers.get(0).getCache("nope")).isNull();
    assertThat(managers.get(0).getCacheNames()).containsExactly("books", "tiny");
    assertThatThrownBy(() -> books(0).get(new Object()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cache 'books': cache key of type java.lang.Object has no form");
  }
}
