package org.groupcache4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.groupcache4j.peer.OwnershipState;
import org.groupcache4j.peer.PeerClient;
import org.groupcache4j.peer.PeerState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a peer judged down rises again when it asks this node for its keys back: that request counts
 * as one answer and brings a probe at once, whose answer raises it. The probes on the schedule are
 * an hour apart here, so only the probe the request brings can raise the peer.
 */
class PeerHealthRiseTest {
  private static final String PEER = "http://127.0.0.1:1";

  private final ProbedPeer peer = new ProbedPeer(PEER, () -> new ConnectException("Connection refused: " + PEER));
  /**
   * The notices "unreachable since" the listener was given; as a node's, it lets a peer rise only
   * once none is pending (none is delivered here).
   */
  private final List<Long> notices = new CopyOnWriteArrayList<>();
  private PeerHealth health;

  @BeforeEach
  void judgedDownAfterItHadAnswered() {
    health = new PeerHealth("http://127.0.0.1:2", Duration.ofHours(1), Duration.ofSeconds(1), null,
        new PeerHealth.Listener() {
          @Override
          public void changed(PeerState now, PeerClient client) {}

          @Override
          public void answered(PeerState now, PeerClient client, long downSinceMillis) {
            if (downSinceMillis != 0) {
              notices.add(downSinceMillis);
            }
          }

          @Override
          public boolean mayRise(String p) {
            return notices.isEmpty();
          }
        });
    health.setPeers(Map.of(PEER, peer));
    health.heard(PEER, 1, OwnershipState.READY);
    health.fetchFailed(PEER, new IOException("connection reset")); // not a refusal: probed, and it answers
    await().atMost(Duration.ofSeconds(10)).until(() -> health.state(PEER).reason().equals("answers probes"));
    peer.answers.set(false);
    health.fetchFailed(PEER, new ConnectException("Connection refused: " + PEER)); // it crashed
    assertThat(health.isDown(PEER)).isTrue();
  }

  @AfterEach
  void close() {
    health.close();
  }

  @Test
  void aPeerThatAsksForItsKeysBackIsUpOnceItAnswersTheProbeThatBrings() {
    peer.answers.set(true); // started again
    health.heard(PEER, 2, OwnershipState.CATCHING_UP); // as another process: its first request says so
    int before = peer.probes.get();

    health.askedForItsKeys(PEER);

    await().atMost(Duration.ofSeconds(10)).until(() -> health.state(PEER).isUp());
    assertThat(peer.probes.get()).as("probes sent").isEqualTo(before + 1);
    assertThat(health.state(PEER).reason()).startsWith("answers probes again");
  }

  /**
   * A peer that was unreachable, not restarted, is told so before it rises (a notice, with the drops
   * held for it); a restarted one (above) has missed nothing of the old process's and rises on the
   * probe's answer.
   */
  @Test
  void theSameProcessAnsweringAgainIsToldItWasUnreachableBeforeItRises() {
    peer.answers.set(true); // reachable again, as the same process
    int before = peer.probes.get();

    health.askedForItsKeys(PEER);

    await().atMost(Duration.ofSeconds(10)).until(() -> peer.probes.get() == before + 1 && !notices.isEmpty());
    assertThat(notices).hasSize(1);
    assertThat(health.isDown(PEER)).as("held back until the notice is taken").isTrue();
  }

  @Test
  void aPeerThatAsksButDoesNotAnswerTheProbeStaysDown() {
    health.heard(PEER, 2, OwnershipState.CATCHING_UP);
    int before = peer.probes.get();

    health.askedForItsKeys(PEER); // it reached this node, but this node cannot reach it

    await().atMost(Duration.ofSeconds(10)).until(() -> peer.probes.get() == before + 1 && !health.answeringAgain(PEER));
    assertThat(health.isDown(PEER)).isTrue();

    peer.answers.set(true);
    health.askedForItsKeys(PEER); // asked again, and answers now
    await().atMost(Duration.ofSeconds(10)).until(() -> health.state(PEER).isUp());
    assertThat(peer.probes.get()).isEqualTo(before + 2);
  }
}
