package org.groupcache4j.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.groupcache4j.ring.HashRing;
import org.junit.jupiter.api.Test;

class InMemoryClusterBuilderTest {
  @Test
  void nodesArePeersOfEachOtherEachWithTheGroupAndItsOptions() {
    Map<String, String> loadedBy = new ConcurrentHashMap<>();
    try (InMemoryCluster c = InMemoryCluster.builder().nodes(4)
        .cache((url, b) -> b.peerProbeInterval(url.equals("mem://d") ? Duration.ZERO : Duration.ofMillis(250)))
        .group("scores", (url, g) -> g.cacheBytes(1 << 20).loader(key -> {
          loadedBy.put(key, url);
          return (url + " " + key).getBytes(StandardCharsets.UTF_8);
        })).start()) {
      assertThat(c.urls()).containsExactly("mem://a", "mem://b", "mem://c", "mem://d");
      assertThat(c.nodes()).allSatisfy(n -> assertThat(n.peers()).isEqualTo(c.urls()));
      assertThat(c.groups()).allSatisfy(g -> assertThat(g.name()).isEqualTo("scores"));
      assertThat(c.node("mem://d").peerStates()).as("d's own options: no probes").isEmpty();
      assertThat(c.node("mem://a").peerStates()).hasSize(3);
      String key = c.keyOwnedBy("mem://c");
      assertThat(HashRing.of(c.urls()).owner(key)).isEqualTo("mem://c");
      assertThat(c.group("mem://a").get(key).toString()).as("fetched from its owner").isEqualTo("mem://c " + key);
      assertThat(c.keysOwnedBy("mem://b", "user:", 5)).hasSize(5).allSatisfy(k -> assertThat(k).startsWith("user:"))
          .allSatisfy(k -> assertThat(HashRing.of(c.urls()).owner(k)).isEqualTo("mem://b"));
      assertThat(c.network().requests()).isPositive();
    }
  }

  @Test
  void namedNodesAndTheirMistakes() {
    try (InMemoryCluster c = InMemoryCluster.builder().nodes("mem://x", "mem://y")
        .group("g", (url, g) -> g.loader(key -> key.getBytes(StandardCharsets.UTF_8))).start()) {
      assertThat(c.urls()).containsExactly("mem://x", "mem://y");
      assertThatThrownBy(() -> c.node("mem://z")).hasMessageContaining("no node mem://z in this cluster")
          .hasMessageContaining("[mem://x, mem://y]");
    }
    assertThatThrownBy(() -> InMemoryCluster.builder().nodes("mem://x", "mem://x")).hasMessageContaining("must differ");
    assertThatThrownBy(() -> InMemoryCluster.builder().nodes(27)).hasMessageContaining("between 1 and 26");
    assertThatThrownBy(() -> InMemoryCluster.builder().start()).hasMessageContaining("give the nodes' group");
  }

  @Test
  void aNodeThatCannotBeBuiltClosesTheOnesBuiltBefore() {
    InMemoryNetwork network = new InMemoryNetwork();
    try (InMemoryCluster first = InMemoryCluster.builder().network(network).nodes("mem://b")
        .group("g", (url, g) -> g.loader(key -> new byte[0])).start()) {
      assertThatThrownBy(() -> InMemoryCluster.builder().network(network).nodes("mem://a", "mem://b")
          .group("g", (url, g) -> g.loader(key -> new byte[0])).start())
          .hasMessageContaining("a node named mem://b is already on this network");
      // mem://a was closed, so it left the network and its name can be taken again
      try (InMemoryCluster again = InMemoryCluster.builder().network(network).nodes("mem://a")
          .group("g", (url, g) -> g.loader(key -> new byte[0])).start()) {
        assertThat(again.urls()).containsExactly("mem://a");
      }
    }
  }
}
