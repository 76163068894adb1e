package org.groupcache4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Map;
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
  private PeerHealth health;

  @BeforeEach
  void judgedDownAfterItHadAnswered() {
    health = new PeerHealth("http://127.0.0.1:2", Duration.ofHours(1), Duration.ofSeconds(1), null,
        (now, client) -> {});
    health.setPeers(Map.of(PEER, peer));
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
    int before = peer.probes.get();

    health.askedForItsKeys(PEER);

    await().atMost(Duration.ofSeconds(10)).until(() -> health.state(PEER).isUp());
    assertThat(peer.probes.get()).as("probes sent").isEqualTo(before + 1);
    assertThat(health.state(PEER).reason()).startsWith("answers probes again");
  }

  @Test
  void aPeerThatAsksButDoesNotAnswerTheProbeStaysDown() {
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
