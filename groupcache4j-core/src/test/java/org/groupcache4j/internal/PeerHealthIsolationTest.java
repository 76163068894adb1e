package org.groupcache4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.groupcache4j.peer.OwnershipState;
import org.groupcache4j.peer.PeerClient;
import org.groupcache4j.peer.PeerState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When this node judges itself cut off (every peer lost by timeouts at once): not when a peer's
 * answer has just reached it. A peer that is back and catching up answers, but stays down here
 * until it has answered twice; a node that caught up for nothing would drop the set values it
 * alone keeps. Probes on the schedule are an hour apart: the tests drive every probe.
 */
class PeerHealthIsolationTest {
  private static final String A = "http://127.0.0.1:1";
  private static final String B = "http://127.0.0.1:2";

  // Probes that fail without a refusal: the connection closed.
  private final ProbedPeer a = new ProbedPeer(A, () -> new IOException("the peer closed the connection before answering"));
  private final ProbedPeer b = new ProbedPeer(B, () -> new IOException("the peer closed the connection before answering"));
  private final AtomicInteger isolations = new AtomicInteger();
  private final PeerHealth health = new PeerHealth("http://127.0.0.1:3", Duration.ofHours(1), Duration.ofSeconds(1),
      null, new PeerHealth.Listener() {
        @Override
        public void changed(PeerState now, PeerClient client) {}

        @Override
        public void isolated() {
          isolations.incrementAndGet();
        }
      });

  @AfterEach
  void close() {
    health.close();
  }

  /** Both peers answer once, then B stops answering and is judged down. */
  private void bDown() {
    health.setPeers(Map.of(A, a, B, b));
    health.fetchFailed(A, new IOException("reset")); // probed: answers
    health.fetchFailed(B, new IOException("reset"));
    b.answers.set(false);
    health.fetchFailed(B, new IOException("reset"));
    assertThat(health.isDown(B)).isTrue();
    a.answers.set(false);
  }

  @Test
  void everyPeerLostByTimeoutsAtOnceIsBeingCutOff() {
    bDown();
    health.fetchFailed(A, new IOException("reset"));
    assertThat(health.isDown(A)).isTrue();
    assertThat(isolations.get()).isEqualTo(1);
  }

  @Test
  void aPeerWhoseAnswerJustCameIsNotLostThoughItIsStillDownHere() {
    bDown();
    health.heard(B, 7, OwnershipState.CATCHING_UP); // its answer says it catches up: still down here

    health.fetchFailed(A, new IOException("reset"));

    assertThat(health.isDown(A)).isTrue();
    assertThat(health.isDown(B)).isTrue();
    assertThat(isolations.get()).as("times this node judged itself cut off").isZero();
  }
}
