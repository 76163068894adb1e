package org.groupcache4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.groupcache4j.peer.PeerState;
import org.groupcache4j.ring.HashRing;
import org.groupcache4j.testing.InMemoryNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * In a cluster of four, a node cut off from a peer reaches it through another peer, and when the
 * first such peer it asks does not reach it either, through the next: its probes find the peer
 * through the relay that reaches it, and a write to the peer goes on to the next relay.
 */
class RelayTurnsTest {
  private static final List<String> PEERS = List.of("mem://a", "mem://b", "mem://c", "mem://d");
  private final InMemoryNetwork network = new InMemoryNetwork();
  private final List<GroupCache> nodes = new ArrayList<>();
  private final Map<String, Group> groups = new ConcurrentHashMap<>();
  private final AtomicInteger loads = new AtomicInteger();

  /** The cluster; mem://a probes every {@code aProbes}, the others every 50 ms. */
  private void cluster(Duration aProbes) {
    for (String url : PEERS) {
      GroupCache node = GroupCache.builder().self(url).transport(network.transport())
          .peerProbeInterval(url.equals("mem://a") ? aProbes : Duration.ofMillis(50))
          .peerProbeTimeout(Duration.ofMillis(300)).build();
      nodes.add(node);
      groups.put(url, node.groupBuilder("g").cacheBytes(1 << 20).peerTimeout(Duration.ofMillis(500))
          .loader(key -> ("src:" + key + ":" + loads.incrementAndGet()).getBytes(StandardCharsets.UTF_8)).build());
    }
    nodes.forEach(n -> n.setPeers(PEERS));
  }

  @AfterEach
  void stop() {
    network.mend("mem://a", "mem://d");
    network.mend("mem://b", "mem://d");
    nodes.forEach(GroupCache::close);
  }

  private GroupCache node(String url) {
    return nodes.get(PEERS.indexOf(url));
  }

  private static String keyOwnedBy(String owner) {
    HashRing ring = HashRing.of(PEERS);
    for (int i = 0; ; i++) {
      if (ring.owner("k" + i).equals(owner)) {
        return "k" + i;
      }
    }
  }

  @Test
  void aPeerThatTheFirstRelayDoesNotReachIsFoundThroughTheNext() {
    cluster(Duration.ofMillis(50));
    network.cut("mem://a", "mem://d");
    network.cut("mem://b", "mem://d"); // mem://b, the first relay by URL, does not reach mem://d either
    await().atMost(Duration.ofSeconds(10)).until(() -> node("mem://a").peerState("mem://d")
        .map(s -> s.isUp() && "mem://c".equals(s.through())).orElse(false));
    String key = keyOwnedBy("mem://d");
    assertThat(groups.get("mem://a").get(key).toString()).as("fetched from mem://d through mem://c").startsWith("src:" + key);
    assertThat(loads.get()).isEqualTo(1);
  }

  @Test
  void aWriteThatTheFirstRelayCannotCarryGoesThroughTheNext() {
    cluster(Duration.ofHours(1)); // mem://a does not probe again: it judges mem://d up, directly
    for (String owner : List.of("mem://b", "mem://c", "mem://d")) {
      groups.get("mem://a").get(keyOwnedBy(owner)); // mem://a hears from each in its answer
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> nodes.stream().allMatch(n -> n.peerStates().size() == 3
        && n.peerStates().stream().allMatch(s -> s.isUp() && s.through() == null && s.incarnation() != 0)));
    String key = keyOwnedBy("mem://d");
    String v0 = groups.get("mem://a").get(key).toString();
    network.cut("mem://a", "mem://d");
    network.cut("mem://b", "mem://d");
    // mem://b no longer reaches mem://d directly (down, or through mem://c): it carries no request to it
    await().atMost(Duration.ofSeconds(10)).until(() -> node("mem://b").peerState("mem://d")
        .map(s -> !s.isUp() || s.through() != null).orElse(false));

    WriteResult r = groups.get("mem://a").remove(key); // times out directly; b answers it cannot carry it; c does
    assertThat(r.told()).contains("mem://d");
    assertThat(r.hinted()).isEmpty();
    assertThat(groups.get("mem://d").get(key).toString()).as("dropped at mem://d: loaded again").isNotEqualTo(v0);
  }
}
