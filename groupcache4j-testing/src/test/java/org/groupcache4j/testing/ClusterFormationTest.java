package org.groupcache4j.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.groupcache4j.GroupCache;
import org.junit.jupiter.api.Test;

class ClusterFormationTest {
  private static InMemoryCluster.Builder cluster(Duration probeInterval) {
    return InMemoryCluster.builder().nodes(3)
        .cache(b -> b.peerProbeInterval(probeInterval).peerProbeTimeout(Duration.ofMillis(200)))
        .group("g", (url, g) -> g.loader(key -> key.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void formedOnceEveryNodeHeardEveryPeerAndAgainAfterAPeerCameBack() {
    try (InMemoryCluster c = cluster(Duration.ofMillis(20)).start()) {
      c.awaitFormed(Duration.ofSeconds(30));
      assertThat(c.nodes()).allSatisfy(n -> assertThat(n.peerStates()).hasSize(2)
          .allSatisfy(p -> assertThat(p.reason()).isIn("answers probes", "says it is ready")));

      c.network().freeze("mem://c");
      await().atMost(Duration.ofSeconds(30)).until(() -> !c.node("mem://a").peerState("mem://c").orElseThrow().isUp());
      assertThat(ClusterFormation.isFormed(c.nodes())).isFalse();
      c.network().thaw("mem://c");
      // c came back: "answers probes again (...)", which counts as much as a first answer; or "says it is ready" when
      // c, which noticed it was away, ended its catch-up after a raised it (the reason of a's latest change of c)
      c.awaitFormed(Duration.ofSeconds(30));
      assertThat(c.node("mem://a").peerState("mem://c").orElseThrow().reason())
          .satisfiesAnyOf(r -> assertThat(r).startsWith("answers probes again"),
              r -> assertThat(r).startsWith("says it is ready"));
    }
  }

  @Test
  void aPeerThatNeverAnsweredIsNotFormedAndTheFailureSaysWhatEachNodeThinks() {
    try (InMemoryCluster c = cluster(Duration.ofMillis(20)).start();
        GroupCache lonely = GroupCache.builder().self("mem://x").transport(c.network().transport()).build()) {
      lonely.setPeers(List.of("mem://x", "mem://never-started"));
      assertThatThrownBy(() -> ClusterFormation.awaitFormed(List.of(lonely), Duration.ofMillis(300)))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("did not all hear from each other within PT0.3S")
          .hasMessageContaining("mem://x thinks")
          .hasMessageContaining("mem://never-started UP since");
    }
  }

  @Test
  void withProbesOffNothingIsJudgedAndTheClusterCountsAsFormed() {
    try (InMemoryCluster c = cluster(Duration.ZERO).start()) {
      assertThat(c.nodes()).allSatisfy(n -> assertThat(n.peerStates()).isEmpty());
      assertThat(ClusterFormation.isFormed(c.nodes())).isTrue();
    }
  }
}
