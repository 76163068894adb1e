package org.groupcache4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.groupcache4j.ring.HashRing;
import org.groupcache4j.testing.InMemoryCluster;
import org.groupcache4j.testing.InMemoryNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The distributed read path over the socket-less transport: ownership, fallback, error passing, one hop. */
class InMemoryClusterTest {
  private static final List<String> PEERS = List.of("mem://a", "mem://b", "mem://c");
  /** key -> node URLs whose loader ran for it, in order. */
  private final Map<String, List<String>> loadedBy = new ConcurrentHashMap<>();
  private volatile CountDownLatch loaderGate = new CountDownLatch(0);
  private final InMemoryCluster cluster = InMemoryCluster.builder().nodes(3)
      .group("scores", (url, g) -> g.cacheBytes(1 << 20).loader(key -> {
        loadedBy.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(url);
        loaderGate.await(10, TimeUnit.SECONDS);
        if (key.startsWith("broken")) {
          throw new IllegalStateException("origin said 503 for " + key);
        }
        if (key.startsWith("missing")) {
          throw new KeyNotFoundException("no such row");
        }
        return ("value-of-" + key).getBytes(StandardCharsets.UTF_8);
      })).start();
  private final InMemoryNetwork network = cluster.network();
  private final List<GroupCache> nodes = new ArrayList<>(cluster.nodes());

  @AfterEach
  void stop() {
    nodes.forEach(GroupCache::close);
  }

  private Group at(String url) {
    return cluster.group(url);
  }

  @Test
  void eachKeyIsLoadedOnceByItsOwnerWhicheverNodeIsAsked() {
    HashRing ring = HashRing.of(PEERS);
    for (int i = 0; i < 300; i++) {
      String key = "user:" + i;
      for (String url : PEERS) {
        assertThat(at(url).get(key).toString()).isEqualTo("value-of-" + key);
      }
      assertThat(loadedBy.get(key)).as("loaders of %s", key).containsExactly(ring.owner(key));
    }
    long peerLoads = PEERS.stream().mapToLong(u -> at(u).stats().peerLoads()).sum();
    long serverRequests = PEERS.stream().mapToLong(u -> at(u).stats().serverRequests()).sum();
    assertThat(peerLoads).isEqualTo(serverRequests).isPositive();
    assertThat(PEERS.stream().mapToLong(u -> at(u).stats().peerErrors()).sum()).isZero();
  }

  @Test
  void thousandConcurrentRequestsForOneNewKeyAcrossTheClusterLoadOnce() throws Exception {
    loaderGate = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(48);
    try {
      List<Future<ByteView>> results = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        Group g = at(PEERS.get(i % 3));
        results.add(pool.submit(() -> g.get("burst")));
      }
      // Every node's flight for the key exists before the owner's loader may finish.
      await().atMost(Duration.ofSeconds(10))
          .until(() -> loadedBy.containsKey("burst"));
      loaderGate.countDown();
      for (Future<ByteView> f : results) {
        assertThat(f.get(10, TimeUnit.SECONDS).toString()).isEqualTo("value-of-burst");
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(loadedBy.get("burst")).containsExactly(HashRing.of(PEERS).owner("burst"));
  }

  @Test
  void anUnreachableOwnerIsJudgedDownAndItsKeyGoesToItsOwnerOnTheRingWithoutIt() {
    String key = keyOwnedBy("mem://b");
    String next = HashRing.of(List.of("mem://a", "mem://c")).owner(key);
    // (a peer that never answered yet may refuse connections for a while: nodes start together)
    cluster.awaitFormed(Duration.ofSeconds(30));
    network.disconnect("mem://b");
    assertThat(at("mem://a").get(key).toString()).isEqualTo("value-of-" + key);
    assertThat(loadedBy.get(key)).containsExactly(next);
    GroupStats s = at("mem://a").stats();
    assertThat(s.peerErrors()).isEqualTo(1);
    assertThat(nodes.get(0).peerStates()).filteredOn(p -> p.peer().equals("mem://b"))
        .singleElement().satisfies(p -> assertThat(p.reason()).contains("refused"));
    assertThat(nodes.get(0).ownerOf(key)).isEqualTo(next);
    network.reconnect("mem://b");
    await().atMost(Duration.ofSeconds(5))
        .until(() -> nodes.get(0).ownerOf(key).equals("mem://b"));
    String other = keyOwnedBy("mem://b", 1);
    at("mem://a").get(other);
    assertThat(loadedBy.get(other)).containsExactly("mem://b");
  }

  @Test
  void theOwnersLoaderErrorIsPassedBackNotLoadedAgainHere() {
    String key = keyOwnedBy("mem://c", 0, "broken-");
    assertThatThrownBy(() -> at("mem://a").get(key)).isInstanceOfSatisfying(LoadException.class, e -> {
      assertThat(e.isRemote()).isTrue();
      assertThat(e.owner()).isEqualTo("mem://c");
      assertThat(e.group()).isEqualTo("scores");
      assertThat(e.key()).isEqualTo(key);
    }).hasMessageContaining("origin said 503").hasMessageContaining("reported by owner mem://c");
    assertThat(loadedBy.get(key)).containsExactly("mem://c");
    assertThat(at("mem://a").stats().peerErrors()).isZero();
    assertThat(at("mem://a").stats().localLoads()).isZero();
  }

  @Test
  void theOwnersNotFoundIsPassedBack() {
    String key = keyOwnedBy("mem://b", 0, "missing-");
    assertThatThrownBy(() -> at("mem://c").get(key)).isInstanceOfSatisfying(KeyNotFoundException.class, e -> {
      assertThat(e.owner()).isEqualTo("mem://b");
      assertThat(e.detail()).isEqualTo("no such row");
    });
    assertThat(loadedBy.get(key)).containsExactly("mem://b");
  }

  @Test
  void aRequestFromAPeerIsNeverForwarded() {
    // Node a's ring says b owns the key, but a request that reached a from a peer is answered by a.
    String key = keyOwnedBy("mem://b");
    long before = network.requests();
    ByteView v = nodes.get(0).peerRequestHandler().get("scores", key).join().value();
    assertThat(v.toString()).isEqualTo("value-of-" + key);
    assertThat(network.requests()).isEqualTo(before);
    assertThat(loadedBy.get(key)).containsExactly("mem://a");
    assertThat(at("mem://a").stats().serverRequests()).isEqualTo(1);
  }

  @Test
  void anUnknownGroupAtTheOwnerIsATransportFailureAndFallsBack() {
    GroupCache lonely = nodes.get(0);
    Group only = lonely.newGroup("only-on-a", 1 << 20, k -> "local".getBytes());
    String key = keyOwnedBy("mem://b");
    assertThat(only.get(key).toString()).isEqualTo("local");
    assertThat(only.stats().peerErrors()).isEqualTo(1);
  }

  @Test
  void aKeyFetchedRepeatedlyFromItsOwnerIsKeptInTheHotStoreAndOneOffKeysAreNot() {
    Group a = at("mem://a");
    String hot = keyOwnedBy("mem://b");
    a.get(hot); // first fetch: remembered, not kept
    assertThat(a.stats().hotStore().items()).isZero();
    a.get(hot); // second fetch: kept
    assertThat(a.stats().hotStore().items()).isEqualTo(1);
    long fetches = a.stats().peerLoads();
    assertThat(a.get(hot).toString()).isEqualTo("value-of-" + hot); // a hot hit, no fetch
    assertThat(a.stats().peerLoads()).isEqualTo(fetches);
    for (int i = 1; i <= 50; i++) {
      a.get(keyOwnedBy("mem://c", i));
    }
    assertThat(a.stats().hotStore().items()).isEqualTo(1);
  }

  @Test
  void changingPeersMovesOnlyTheKeysOfTheNewPeer() {
    GroupCache d = GroupCache.builder().self("mem://d").transport(network.transport()).build();
    nodes.add(d);
    AtomicInteger dLoads = new AtomicInteger();
    d.newGroup("scores", 1 << 20, k -> {
      dLoads.incrementAndGet();
      return ("value-of-" + k).getBytes(StandardCharsets.UTF_8);
    });
    List<String> four = List.of("mem://a", "mem://b", "mem://c", "mem://d");
    HashRing before = HashRing.of(PEERS);
    HashRing after = HashRing.of(four);
    for (GroupCache n : nodes) {
      n.setPeers(four);
    }
    int moved = 0;
    for (int i = 0; i < 200; i++) {
      String key = "item-" + i;
      at("mem://a").get(key);
      if (!before.owner(key).equals(after.owner(key))) {
        assertThat(after.owner(key)).isEqualTo("mem://d");
        moved++;
      } else {
        assertThat(loadedBy.get(key)).containsExactly(before.owner(key));
      }
    }
    assertThat(dLoads).hasValue(moved);
    assertThat(moved).isPositive();
  }

  private String keyOwnedBy(String owner) {
    return cluster.keyOwnedBy(owner);
  }

  private String keyOwnedBy(String owner, int nth) {
    return keyOwnedBy(owner, nth, "key-");
  }

  private String keyOwnedBy(String owner, int nth, String prefix) {
    return cluster.keysOwnedBy(owner, prefix, nth + 1).get(nth);
  }
}
