package org.groupcache4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.groupcache4j.peer.PeerState;
import org.groupcache4j.ring.HashRing;
import org.groupcache4j.testing.InMemoryCluster;
import org.groupcache4j.testing.InMemoryNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A peer that hangs (frozen, or its host dark) is judged down by probes within about a second:
 * the gets waiting on it go to its keys' owner on the ring without it at once, new gets do not
 * wait on it, every node agrees on that owner, and the peer owns its keys again once it answers.
 */
class FailureDetectionTest {
  private final Map<String, List<String>> loadedBy = new ConcurrentHashMap<>();
  private final List<PeerState> changes = new CopyOnWriteArrayList<>();
  private InMemoryCluster cluster;
  private InMemoryNetwork network;
  private List<GroupCache> nodes;

  private void cluster(Duration probeInterval) {
    cluster = InMemoryCluster.builder().nodes(3)
        .cache((url, b) -> {
          b.peerProbeInterval(probeInterval).peerProbeTimeout(Duration.ofMillis(500));
          if (url.equals("mem://a")) {
            b.observer(new CacheObserver() {
              @Override
              public void peerStateChanged(PeerState state) {
                changes.add(state);
              }
            });
          }
        })
        .group("scores", (url, g) -> g.cacheBytes(1 << 20).peerTimeout(Duration.ofSeconds(30)).loader(key -> {
          loadedBy.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(url);
          return ("value-of-" + key).getBytes(StandardCharsets.UTF_8);
        })).start();
    network = cluster.network();
    nodes = cluster.nodes();
  }

  @AfterEach
  void stop() {
    if (cluster != null) {
      network.thaw("mem://c");
      cluster.close();
    }
  }

  private List<String> keysOwnedBy(String owner, int n) {
    return cluster.keysOwnedBy(owner, "k", n);
  }

  @Test
  void getsWaitingOnAFrozenOwnerGoToItsNextOwnerWithinAboutASecondAndItTakesItsKeysBackWhenItAnswers() throws Exception {
    cluster(Duration.ofMillis(100));
    List<String> keys = keysOwnedBy("mem://c", 20);
    HashRing without = HashRing.of(List.of("mem://a", "mem://b"));
    network.freeze("mem://c");
    long start = System.nanoTime();
    List<CompletableFuture<ByteView>> waiting = new ArrayList<>();
    for (String k : keys) {
      waiting.add(cluster.group("mem://a").getAsync(k));
      waiting.add(cluster.group("mem://b").getAsync(k));
    }
    for (int i = 0; i < waiting.size(); i++) {
      assertThat(waiting.get(i).get(10, TimeUnit.SECONDS).toString()).isEqualTo("value-of-" + keys.get(i / 2));
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(ms).as("gets that waited on the frozen owner ended within about a second").isLessThan(2_500);
    for (String k : keys) {
      assertThat(loadedBy.get(k)).as("%s loaded once, by its owner on the ring without c", k)
          .containsExactly(without.owner(k));
    }
    for (int n = 0; n < 2; n++) {
      PeerState c = nodes.get(n).peerStates().stream().filter(p -> p.peer().equals("mem://c")).findFirst().orElseThrow();
      assertThat(c.status()).isEqualTo(PeerState.Status.DOWN);
      assertThat(c.reason()).contains("no answer to a probe within 500 ms");
      assertThat(c.since()).isNotNull();
      assertThat(nodes.get(n).peerState("mem://c")).as("the one peer's state, looked up").contains(c);
    }

    // New gets of its keys do not wait on it.
    String fresh = keysOwnedBy("mem://c", 21).get(20);
    long t = System.nanoTime();
    assertThat(cluster.group("mem://a").get(fresh).toString()).isEqualTo("value-of-" + fresh);
    // Waiting on the frozen c would take the 30 s peer timeout; the margin is for a loaded 2-core machine.
    assertThat((System.nanoTime() - t) / 1_000_000).as("a get of a key c owned, loaded without asking c").isLessThan(1_500);
    assertThat(nodes.get(0).ownerOf(fresh)).isEqualTo(without.owner(fresh));

    network.thaw("mem://c");
    await("c owns its keys again").atMost(Duration.ofSeconds(5))
        .until(() -> nodes.get(0).ownerOf(keys.get(0)).equals("mem://c") && nodes.get(1).ownerOf(keys.get(0)).equals("mem://c"));
    String later = keysOwnedBy("mem://c", 22).get(21);
    cluster.group("mem://a").get(later);
    assertThat(loadedBy.get(later)).containsExactly("mem://c");
    assertThat(changes).extracting(p -> p.peer() + " " + p.status())
        .containsExactly("mem://c DOWN", "mem://c UP");
  }

  @Test
  void aPeerThatLeavesThePeerListIsNoLongerWatched() {
    cluster(Duration.ofMillis(100));
    assertThat(nodes.get(0).peerStates()).extracting(PeerState::peer).containsExactly("mem://b", "mem://c");
    assertThat(nodes.get(0).peerStates()).allMatch(PeerState::isUp);
    nodes.get(0).setPeers(List.of("mem://a", "mem://b"));
    assertThat(nodes.get(0).peerStates()).extracting(PeerState::peer).containsExactly("mem://b");
    assertThat(nodes.get(0).peerState("mem://b")).get().extracting(PeerState::isUp).isEqualTo(true);
    assertThat(nodes.get(0).peerState("mem://c")).as("no longer a member").isEmpty();
    assertThat(nodes.get(0).peerState("mem://a")).as("itself").isEmpty();
  }

  @Test
  void withProbesOffAnUnreachableOwnerMeansALocalLoad() {
    cluster(Duration.ZERO);
    String key = keysOwnedBy("mem://b", 1).get(0);
    network.disconnect("mem://b");
    assertThat(cluster.group("mem://a").get(key).toString()).isEqualTo("value-of-" + key);
    assertThat(loadedBy.get(key)).containsExactly("mem://a");
    assertThat(nodes.get(0).peerStates()).isEmpty();
    assertThat(nodes.get(0).peerState("mem://b")).as("nothing judges a peer without probes").isEmpty();
    assertThat(nodes.get(0).ownerOf(key)).isEqualTo("mem://b");
  }
}
