package org.groupcache4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.groupcache4j.testing.InMemoryNetwork;
import org.groupcache4j.ring.HashFunction;
import org.groupcache4j.ring.HashRing;
import org.groupcache4j.ring.RingMode;
import org.groupcache4j.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ring mode as an option of the node, and the peers' sets it changes: a set for a key this
 * node does not own is kept as a copy, and in a mailgun ring an owner completes a set that another
 * node's writer told it alone.
 */
class RingModeClusterTest {
  private static final List<String> PEERS = List.of("http://10.0.0.1:8001", "http://10.0.0.2:8001", "http://10.0.0.3:8001");
  private static final Duration HOT_MAX_AGE = Duration.ofSeconds(30);

  private final InMemoryNetwork network = new InMemoryNetwork();
  private final ManualClock clock = new ManualClock();
  private final List<GroupCache> nodes = new ArrayList<>();
  private final Map<String, Group> groups = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();

  private void start(RingMode mode) {
    for (String url : PEERS) {
      GroupCache node = GroupCache.builder().self(url).transport(network.transport()).ringMode(mode).clock(clock)
          .peerProbeInterval(Duration.ZERO).build();
      node.setPeers(PEERS);
      nodes.add(node);
      groups.put(url, node.groupBuilder("scores").cacheBytes(1 << 20).hotStoreMaxAge(HOT_MAX_AGE).loader(key -> {
        loads.computeIfAbsent(url, u -> new AtomicInteger()).incrementAndGet();
        return ("value-of-" + key).getBytes(StandardCharsets.UTF_8);
      }).build());
    }
  }

  @AfterEach
  void stop() {
    nodes.forEach(GroupCache::close);
  }

  private static String text(ByteView v) {
    return v.toString(StandardCharsets.UTF_8);
  }

  private int loadsAt(String url) {
    AtomicInteger n = loads.get(url);
    return n == null ? 0 : n.get();
  }

  /** A key that {@code owner} owns on {@code mode}'s ring of the peers. */
  private static String keyOwnedBy(RingMode mode, String owner) {
    HashRing ring = HashRing.of(mode, PEERS);
    for (int i = 0; ; i++) {
      String k = "k" + i + "-" + (i * 7919);
      if (ring.owner(k).equals(owner)) {
        return k;
      }
    }
  }

  @Test
  void everyNodeOwnsKeysAsTheModesRingSaysAndTheFingerprintCoversTheMode() {
    start(RingMode.GROUPCACHE_GO);
    HashRing expected = HashRing.of(RingMode.GROUPCACHE_GO, PEERS);
    for (int i = 0; i < 200; i++) {
      String k = "user:" + i;
      for (GroupCache n : nodes) {
        assertThat(n.ownerOf(k)).isEqualTo(expected.owner(k));
      }
    }
    assertThat(nodes.get(0).ring().mode()).isEqualTo(RingMode.GROUPCACHE_GO);
    assertThat(nodes.get(0).peerRequestHandler().ringMode()).isEqualTo(RingMode.GROUPCACHE_GO);
    assertThat(nodes.get(0).ring().fingerprint()).isEqualTo(expected.fingerprint())
        .isNotEqualTo(HashRing.of(RingMode.MAILGUN, PEERS).fingerprint())
        .isNotEqualTo(HashRing.of(PEERS).fingerprint());
  }

  @Test
  void theDefaultModeIsGolangsWithTheFingerprintItAlwaysHad() {
    try (GroupCache n = GroupCache.builder().self(PEERS.get(0)).transport(network.transport()).build()) {
      n.setPeers(PEERS);
      assertThat(HashRing.DEFAULT_MODE).isEqualTo(RingMode.GOLANG);
      assertThat(n.ring().mode()).isEqualTo(RingMode.GOLANG);
      assertThat(n.ring().fingerprint()).isEqualTo(HashRing.of(PEERS, 50, HashFunction.CRC32_IEEE).fingerprint());
      assertThat(n.peerRequestHandler().ringMode()).isEqualTo(RingMode.GOLANG);
    }
  }

  @Test
  void optionsThatDoNotFitTheModeAreRefusedAtBuild() {
    assertThatThrownBy(() -> GroupCache.builder().ringMode(RingMode.BALANCED).replicas(100).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("balanced ring has no replicas option");
    assertThatThrownBy(() -> GroupCache.builder().ringMode(RingMode.MAILGUN).hashFunction(HashFunction.CRC32_IEEE).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mailgun ring's hash is fixed");
    try (GroupCache n = GroupCache.builder().ringMode(RingMode.MAILGUN).replicas(128).build()) {
      assertThat(n.ring().replicas()).isEqualTo(128);
    }
  }

  @Test
  void aGroupcacheGoRingRefusesTwoPeersOnOneHostPort() {
    try (GroupCache n = GroupCache.builder().self("http://10.0.0.1:8001").transport(network.transport())
        .ringMode(RingMode.GROUPCACHE_GO).build()) {
      assertThatThrownBy(() -> n.setPeers("http://10.0.0.1:8001", "https://10.0.0.1:8001"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10.0.0.1:8001");
    }
  }

  /**
   * groupcache-go's Set reaches every peer: a node that does not own the key serves the value at
   * once, as a copy that lives at most the hot store max age, after which it asks the owner. A
   * later write that missed it is therefore not kept for good.
   */
  @Test
  void aPeersSetOfAKeyThisNodeDoesNotOwnIsACopyThatAsksTheOwnerAgainAfterTheHotStoreMaxAge() {
    start(RingMode.GROUPCACHE_GO);
    String owner = PEERS.get(0);
    String other = PEERS.get(1);
    String key = keyOwnedBy(RingMode.GROUPCACHE_GO, owner);
    ByteView v1 = ByteView.of("v1");
    nodes.get(0).peerRequestHandler().setFromOtherLineage("scores", key, v1, 0).join();
    nodes.get(1).peerRequestHandler().setFromOtherLineage("scores", key, v1, 0).join();
    assertThat(text(groups.get(other).get(key))).isEqualTo("v1");
    assertThat(groups.get(owner).stats().sets()).isEqualTo(1);
    assertThat(groups.get(other).stats().sets()).as("a copy is not the owner's set").isZero();

    // A set that reached the other node but not the owner (a write the owner missed).
    nodes.get(1).peerRequestHandler().setFromOtherLineage("scores", key, ByteView.of("v2"), 0).join();
    assertThat(text(groups.get(other).get(key))).isEqualTo("v2");
    long before = network.requests();
    clock.advance(HOT_MAX_AGE.plusSeconds(1));
    assertThat(text(groups.get(other).get(key))).as("after the hot store max age: the owner's value").isEqualTo("v1");
    assertThat(network.requests()).isGreaterThan(before);
    assertThat(loads).isEmpty();
  }

  /**
   * mailgun/groupcache's Set tells the owner alone. An owner of ours in a mailgun ring tells every
   * other peer to drop its copy before it answers, so each serves the new value from the owner.
   */
  @Test
  void inAMailgunRingAnOwnerOfOursCompletesASetItWasToldAlone() {
    start(RingMode.MAILGUN);
    String owner = PEERS.get(2);
    String key = keyOwnedBy(RingMode.MAILGUN, owner);
    for (int round = 0; round < 2; round++) { // the second fetch keeps a hot copy
      for (String url : PEERS) {
        assertThat(text(groups.get(url).get(key))).isEqualTo("value-of-" + key);
      }
    }
    assertThat(groups.get(PEERS.get(0)).stats().hotStore().items()).isEqualTo(1);
    nodes.get(2).peerRequestHandler().setFromOtherLineage("scores", key, ByteView.of("new"), 0).join();
    for (String url : PEERS) {
      assertThat(text(groups.get(url).get(key))).as("at %s", url).isEqualTo("new");
    }
    assertThat(loadsAt(owner)).isEqualTo(1);
    assertThat(loadsAt(PEERS.get(0)) + loadsAt(PEERS.get(1))).isZero();
  }

  /** The same set in a groupcache-go ring drops nothing elsewhere: groupcache-go's writer sends it to every peer itself. */
  @Test
  void inAGroupcacheGoRingAnOwnerDropsNoOtherCopyForASet() {
    start(RingMode.GROUPCACHE_GO);
    String owner = PEERS.get(2);
    String key = keyOwnedBy(RingMode.GROUPCACHE_GO, owner);
    for (int round = 0; round < 2; round++) {
      groups.get(PEERS.get(0)).get(key);
    }
    long writes = network.writes();
    nodes.get(2).peerRequestHandler().setFromOtherLineage("scores", key, ByteView.of("new"), 0).join();
    assertThat(network.writes()).isEqualTo(writes);
    assertThat(text(groups.get(owner).get(key))).isEqualTo("new");
  }
}
