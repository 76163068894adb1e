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
 * In a cluster of five, a node cut off from a peer reaches it through another peer, and when the
 * first such peers it asks do not reach it either, through the next: its probes find the peer
 * through the one relay that reaches it, and a remove sent to the peer goes on to the next relay.
 */
class RelayTurnsTest {
  private static final List<String> PEERS = List.of("mem://a", "mem://b", "mem://c", "mem://d", "mem://e");
  private final InMemoryNetwork network = new InMemoryNetwork();
  private final List<GroupCache> nodes = new ArrayList<>();
  private final Map<String, Group> groups = new ConcurrentHashMap<>();
  /** Cut from mem://e by {@link #cutE}: mem://c alone reaches it. */
  private final List<String> cutFromE = List.of("mem://a", "mem://b", "mem://d");
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
    cutFromE.forEach(n -> network.mend(n, "mem://e"));
    nodes.forEach(GroupCache::close);
  }

  private void cutE() {
    cutFromE.forEach(n -> network.cut(n, "mem://e"));
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
    cutE(); // mem://b, the first relay by URL, does not reach mem://e either, nor does mem://d
    await().atMost(Duration.ofSeconds(10)).until(() -> node("mem://a").peerState("mem://e")
        .map(s -> s.isUp() && "mem://c".equals(s.through())).orElse(false));
    String key = keyOwnedBy("mem://e");
    assertThat(groups.get("mem://a").get(key).toString()).as("fetched from mem://e through mem://c").startsWith("src:" + key);
    assertThat(loads.get()).isEqualTo(1);
  }

  @Test
  void aRemoveThatTheFirstRelayCannotCarryGoesThroughTheNext() {
    cluster(Duration.ofHours(1)); // mem://a does not probe again: it judges mem://e up, directly
    for (String owner : List.of("mem://b", "mem://c", "mem://d", "mem://e")) {
      groups.get("mem://a").get(keyOwnedBy(owner)); // mem://a hears from each in its answer
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> nodes.stream().allMatch(n -> n.peerStates().size() == 4
        && n.peerStates().stream().allMatch(s -> s.isUp() && s.through() == null && s.incarnation() != 0)));
    String key = keyOwnedBy("mem://e");
    String v0 = groups.get("mem://a").get(key).toString();
    cutE();
    // mem://b no longer reaches mem://e directly (down, or through mem://c): it carries no request to it
    await().atMost(Duration.ofSeconds(10)).until(() -> node("mem://b").peerState("mem://e")
        .map(s -> !s.isUp() || s.through() != null).orElse(false));

    WriteResult r = groups.get("mem://a").remove(key); // times out directly; b answers it cannot carry it; c does
    assertThat(r.told()).contains("mem://e");
    assertThat(r.hinted()).isEmpty();
    assertThat(groups.get("mem://e").get(key).toString()).as("dropped at mem://e: loaded again").isNotEqualTo(v0);
  }
}
