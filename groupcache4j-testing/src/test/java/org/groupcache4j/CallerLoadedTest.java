package org.groupcache4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.groupcache4j.testing.InMemoryNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Caller-loaded values over three (socket-less) nodes: one computation per key across the
 * cluster, under a lease from the key's owner; failures passed to every waiter; a lease that
 * runs out passed on; writes and clears that win over a computation in flight.
 */
class CallerLoadedTest {
  private static final List<String> PEERS = List.of("mem://a", "mem://b", "mem://c");
  private static final Duration LEASE = Duration.ofMillis(600);
  private final InMemoryNetwork network = new InMemoryNetwork();
  private final Map<String, GroupCache> nodes = new ConcurrentHashMap<>();
  private final ExecutorService pool = Executors.newCachedThreadPool();

  CallerLoadedTest() {
    for (String url : PEERS) {
      GroupCache n = GroupCache.builder().self(url).transport(network.transport()).build();
      n.setPeers(PEERS);
      n.groupBuilder("books").cacheBytes(1 << 20).loadTimeout(LEASE).callerLoaded().build();
      nodes.put(url, n);
    }
  }

  @AfterEach
  void stop() {
    pool.shutdownNow();
    nodes.values().forEach(GroupCache::close);
  }

  private Group at(String url) {
    return nodes.get(url).group("books").orElseThrow();
  }

  /** A node that does not own {@code key}, other than {@code not}. */
  private String nonOwner(String key, String not) {
    String owner = nodes.get(PEERS.get(0)).ownerOf(key);
    return PEERS.stream().filter(p -> !p.equals(owner) && !p.equals(not)).findFirst().orElseThrow();
  }

  /** Waits until {@code n} callers in all have missed (each getOrLoad that found no value counts one load). */
  private void awaitMisses(long n) {
    await().atMost(Duration.ofSeconds(10)).until(() -> PEERS.stream().mapToLong(p -> at(p).stats().loads()).sum() >= n);
  }

  private static ByteView v(String s) {
    return ByteView.of(s);
  }

  @Test
  void callersOnEveryNodeAtOnceRunTheLoaderOnce() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    List<Future<ByteView>> callers = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String node = PEERS.get(i % 3);
      callers.add(pool.submit(() -> at(node).getOrLoad("dune", () -> {
        calls.incrementAndGet();
        release.await(10, TimeUnit.SECONDS);
        return v("Dune, computed once");
      })));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() >= 1);
    awaitMisses(30); // every caller missed and asked before the value exists: none of them but one may compute
    release.countDown();
    for (Future<ByteView> f : callers) {
      assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(v("Dune, computed once"));
    }
    assertThat(calls).hasValue(1);
    for (String p : PEERS) {
      assertThat(at(p).get("dune")).isEqualTo(v("Dune, computed once"));
    }
  }

  @Test
  void aGetOfAKeyNoCallerComputedIsNotFound() {
    assertThatThrownBy(() -> at("mem://b").get("nothing")).isInstanceOf(KeyNotFoundException.class)
        .hasMessageContaining("values of this group come from its callers");
  }

  @Test
  void aLoaderThatThrowsFailsEveryWaiterCachesNothingAndTheNextCallRunsAgain() throws Exception {
    String key = "flaky";
    String holderNode = nonOwner(key, null);
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    Future<ByteView> holder = pool.submit(() -> at(holderNode).getOrLoad(key, () -> {
      calls.incrementAndGet();
      holding.countDown();
      release.await(10, TimeUnit.SECONDS);
      throw new IllegalStateException("database is down");
    }));
    assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
    List<Future<ByteView>> waiters = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      String node = PEERS.get(i % 3);
      waiters.add(pool.submit(() -> at(node).getOrLoad(key, () -> {
        calls.incrementAndGet();
        return v("should not run");
      })));
    }
    awaitMisses(10); // the holder and every waiter missed before the holder fails
    release.countDown();
    assertThatThrownBy(() -> holder.get(10, TimeUnit.SECONDS)).hasRootCauseInstanceOf(IllegalStateException.class)
        .hasRootCauseMessage("database is down");
    for (Future<ByteView> w : waiters) {
      assertThatThrownBy(() -> w.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .satisfies(e -> assertThat(e.getCause()).isInstanceOf(RuntimeException.class)
              .hasMessageContaining("database is down"));
    }
    assertThat(calls).hasValue(1);
    assertThatThrownBy(() -> at("mem://a").get(key)).isInstanceOf(KeyNotFoundException.class);
    assertThat(at("mem://c").getOrLoad(key, () -> {
      calls.incrementAndGet();
      return v("fine now");
    })).isEqualTo(v("fine now"));
    assertThat(calls).hasValue(2);
  }

  @Test
  void aHolderThatHangsLosesTheLeaseToTheNextWaiterAndNoWaiterFails() throws Exception {
    String key = "slow";
    String holderNode = nonOwner(key, null);
    String waiterNode = nonOwner(key, holderNode);
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    pool.submit(() -> at(holderNode).getOrLoad(key, () -> {
      holding.countDown();
      never.await(30, TimeUnit.SECONDS); // hangs well past the lease
      return v("late");
    }));
    assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
    AtomicInteger calls = new AtomicInteger();
    String owner = nodes.get(PEERS.get(0)).ownerOf(key);
    Future<ByteView> waiter = pool.submit(() -> at(waiterNode).getOrLoad(key, () -> {
      calls.incrementAndGet();
      return v("taken over");
    }));
    Future<ByteView> atOwner = pool.submit(() -> at(owner).getOrLoad(key, () -> {
      calls.incrementAndGet();
      return v("taken over at the owner");
    }));
    ByteView got = waiter.get(10, TimeUnit.SECONDS);
    assertThat(atOwner.get(10, TimeUnit.SECONDS)).isEqualTo(got);
    assertThat(calls).hasValue(1);
    assertThat(at(owner).get(key)).isEqualTo(got);
    never.countDown();
  }

  @Test
  void aHolderWhoseNodeDiesLosesTheLeaseAndTheOthersGetTheValue() throws Exception {
    String key = "orphan";
    String holderNode = nonOwner(key, null);
    String waiterNode = nonOwner(key, holderNode);
    CountDownLatch holding = new CountDownLatch(1);
    pool.submit(() -> at(holderNode).getOrLoad(key, () -> {
      holding.countDown();
      new CountDownLatch(1).await(30, TimeUnit.SECONDS);
      return v("never");
    }));
    assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
    network.disconnect(holderNode); // the holder's node is gone: it can complete nothing
    List<Future<ByteView>> waiters = new ArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    for (int i = 0; i < 4; i++) {
      waiters.add(pool.submit(() -> at(waiterNode).getOrLoad(key, () -> {
        calls.incrementAndGet();
        return v("recomputed");
      })));
    }
    for (Future<ByteView> w : waiters) {
      assertThat(w.get(10, TimeUnit.SECONDS)).isEqualTo(v("recomputed"));
    }
    assertThat(calls).hasValue(1);
  }

  /**
   * A key of another owner that callers here ask again and again is kept in the hot store (on its
   * second answer from the owner, as a fetched value is), so later calls are local hits, not a
   * request to the owner each time; a write of the key drops that copy everywhere.
   */
  @Test
  void aKeyAskedOfItsOwnerAgainBecomesAHotCopyHereAndAWriteDropsIt() throws Exception {
    String key = "popular";
    String owner = nodes.get(PEERS.get(0)).ownerOf(key);
    String here = nonOwner(key, null);
    assertThat(at(owner).getOrLoad(key, () -> v("computed at the owner"))).isEqualTo(v("computed at the owner"));
    java.util.concurrent.Callable<ByteView> never = () -> {
      throw new AssertionError("the owner holds the value: nothing is computed");
    };
    assertThat(at(here).getOrLoad(key, never)).isEqualTo(v("computed at the owner"));
    assertThat(at(here).stats().hotStore().items()).as("hot copies after the first answer").isZero();
    assertThat(at(here).getOrLoad(key, never)).isEqualTo(v("computed at the owner"));
    assertThat(at(here).stats().hotStore().items()).as("hot copies after the second answer").isEqualTo(1);
    long askedBefore = at(owner).stats().serverRequests();
    long hitsBefore = at(here).stats().cacheHits();
    for (int i = 0; i < 5; i++) {
      assertThat(at(here).getOrLoad(key, never)).isEqualTo(v("computed at the owner"));
    }
    assertThat(at(owner).stats().serverRequests()).as("requests the owner got for the hot key").isEqualTo(askedBefore);
    assertThat(at(here).stats().cacheHits()).isEqualTo(hitsBefore + 5);

    at(owner).set(key, v("edited"));
    for (String p : PEERS) {
      assertThat(at(p).getOrLoad(key, never)).as("at %s after the write", p).isEqualTo(v("edited"));
    }
  }

  @Test
  void aSetDuringTheComputationWins() throws Exception {
    String key = "edited";
    String holderNode = nonOwner(key, null);
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<ByteView> holder = pool.submit(() -> at(holderNode).getOrLoad(key, () -> {
      holding.countDown();
      release.await(10, TimeUnit.SECONDS);
      return v("computed before the edit");
    }));
    assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
    at("mem://a").set(key, v("edited"));
    release.countDown();
    assertThat(holder.get(10, TimeUnit.SECONDS)).isEqualTo(v("computed before the edit")); // it overlapped the set
    for (String p : PEERS) {
      assertThat(at(p).get(key)).as("at %s", p).isEqualTo(v("edited"));
    }
  }

  @Test
  void clearDropsEveryNodesEntriesAndAComputationInFlightDoesNotComeBack() throws Exception {
    for (int i = 0; i < 20; i++) {
      String k = "k" + i;
      at(PEERS.get(i % 3)).getOrLoad(k, () -> v("old " + k));
      for (String p : PEERS) {
        at(p).get(k); // copies on the other nodes too (the hot store keeps a key on its 2nd fetch)
        at(p).get(k);
      }
    }
    String key = "in-flight";
    String holderNode = nonOwner(key, null);
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<ByteView> holder = pool.submit(() -> at(holderNode).getOrLoad(key, () -> {
      holding.countDown();
      release.await(10, TimeUnit.SECONDS);
      return v("from before the clear");
    }));
    assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();

    WriteResult r = at("mem://b").clear();
    assertThat(r.allTold()).isTrue();
    release.countDown();
    assertThat(holder.get(10, TimeUnit.SECONDS)).isEqualTo(v("from before the clear"));
    for (String p : PEERS) {
      for (int i = 0; i < 20; i++) {
        String k = "k" + i;
        assertThatThrownBy(() -> at(p).get(k)).as("%s at %s", k, p).isInstanceOf(KeyNotFoundException.class);
      }
      assertThatThrownBy(() -> at(p).get(key)).as("the computation in flight at %s", p)
          .isInstanceOf(KeyNotFoundException.class);
      GroupStats s = at(p).stats();
      assertThat(s.mainStore().items() + s.hotStore().items()).as("entries at %s", p).isZero();
    }
  }

  @Test
  void putIfAbsentIsDecidedAtTheOwner() throws Exception {
    List<Future<ByteView>> racers = new ArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    for (int i = 0; i < 9; i++) {
      String node = PEERS.get(i % 3);
      String mine = "value " + i;
      racers.add(pool.submit(() -> {
        start.await();
        return at(node).putIfAbsent("race", v(mine));
      }));
    }
    start.countDown();
    int stored = 0;
    ByteView winner = null;
    for (Future<ByteView> f : racers) {
      ByteView held = f.get(10, TimeUnit.SECONDS);
      if (held == null) {
        stored++;
      } else {
        assertThat(winner == null || winner.equals(held)).as("every loser sees one winner").isTrue();
        winner = held;
      }
    }
    assertThat(stored).isEqualTo(1);
    for (String p : PEERS) {
      assertThat(at(p).get("race")).isEqualTo(winner);
    }
  }

  @Test
  void whenTheOwnerCannotBeAskedTheCallerComputesHere() throws Exception {
    String key = "cut-off";
    String owner = nodes.get(PEERS.get(0)).ownerOf(key);
    String caller = nonOwner(key, null);
    network.disconnect(owner);
    assertThat(at(caller).getOrLoad(key, () -> v("computed here"))).isEqualTo(v("computed here"));
    assertThat(at(caller).stats().peerErrors()).isPositive();
  }

  @Test
  void aGroupWithALoaderLoadsAtTheOwnerAndIgnoresTheCallersLoader() {
    for (GroupCache n : nodes.values()) {
      n.newGroup("loaded", 1 << 20, key -> ("from the source: " + key).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    Group g = nodes.get("mem://c").group("loaded").orElseThrow();
    assertThat(g.isCallerLoaded()).isFalse();
    assertThat(g.getOrLoad("x", () -> {
      throw new AssertionError("the owner loads");
    })).isEqualTo(v("from the source: x"));
  }
}
