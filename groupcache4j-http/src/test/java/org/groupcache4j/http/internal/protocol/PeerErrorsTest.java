package org.groupcache4j.http.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.groupcache4j.http.PeerFetchException;
import org.groupcache4j.peer.NodeNotReadyException;
import org.groupcache4j.peer.OwnershipState;
import org.junit.jupiter.api.Test;

/** The client's reading of a write's error answer: a peer that is not ready, and the rest. */
class PeerErrorsTest {
  private static final String PEER = "http://peer:8001";

  private static ByteBuf text(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
  }

  /** The text a node answers a set it refuses with (as {@link PeerErrors#answerFor} words it). */
  private static String refusal(OwnershipState state) {
    return PeerErrors.answerFor(new NodeNotReadyException(PEER, state), "scores").text();
  }

  private static Exception write(int status, String stateHeader, String body) {
    return PeerErrors.fromWriteAnswer(status, stateHeader, text(body), PEER, "scores", "Tom");
  }

  @Test
  void theRefusalOfANodeNotReadyIsAnswered503WithItsState() {
    PeerErrors.ErrorAnswer a = PeerErrors.answerFor(new NodeNotReadyException(PEER, OwnershipState.DRAINING), "scores");
    assertThat(a.status()).isEqualTo(503);
    assertThat(a.text()).startsWith("not ready: ").contains("(draining)");
    assertThat(a.errorKind()).isNull();
    assertThat(a.unexpected()).isNull();
  }

  @Test
  void theStateIsReadFromTheStateHeader() {
    // the header is the state; the text (here naming another) is not read for it
    assertThat(write(503, "draining", refusal(OwnershipState.CATCHING_UP)))
        .isInstanceOfSatisfying(NodeNotReadyException.class, e -> assertThat(e.state()).isEqualTo(OwnershipState.DRAINING));
    assertThat(write(503, " catching-up ", refusal(OwnershipState.DRAINING)))
        .isInstanceOfSatisfying(NodeNotReadyException.class,
            e -> assertThat(e.state()).isEqualTo(OwnershipState.CATCHING_UP));
    assertThat(write(503, "draining", "not ready: no state in this text"))
        .isInstanceOfSatisfying(NodeNotReadyException.class, e -> {
          assertThat(e.state()).isEqualTo(OwnershipState.DRAINING);
          assertThat(e).hasMessageContaining(PEER);
        });
  }

  @Test
  void anAnswerWithoutTheHeaderNamesItsStateInItsText() { // an older node
    assertThat(write(503, null, refusal(OwnershipState.DRAINING)))
        .isInstanceOfSatisfying(NodeNotReadyException.class, e -> assertThat(e.state()).isEqualTo(OwnershipState.DRAINING));
    assertThat(write(503, null, refusal(OwnershipState.CATCHING_UP)))
        .isInstanceOfSatisfying(NodeNotReadyException.class,
            e -> assertThat(e.state()).isEqualTo(OwnershipState.CATCHING_UP));
  }

  @Test
  void aStateNotNamedOrReadyIsTakenForCatchingUp() {
    for (String header : new String[] {"resting", "", "ready"}) {
      assertThat(write(503, header, refusal(OwnershipState.DRAINING))).as("header %s", header)
          .isInstanceOfSatisfying(NodeNotReadyException.class,
              e -> assertThat(e.state()).isEqualTo(OwnershipState.CATCHING_UP));
    }
    assertThat(write(503, null, "not ready: the node is busy"))
        .isInstanceOfSatisfying(NodeNotReadyException.class,
            e -> assertThat(e.state()).isEqualTo(OwnershipState.CATCHING_UP));
  }

  @Test
  void otherAnswersAreNotARefusal() {
    // a node shutting down says "draining" too, but its 503 is no refusal of the write
    assertThat(write(503, "draining", "this node is shutting down"))
        .isInstanceOfSatisfying(PeerFetchException.class, e -> {
          assertThat(e.reason()).isEqualTo(PeerFetchException.Reason.ERROR_STATUS);
          assertThat(e).hasMessageContaining("answered 503 Service Unavailable: this node is shutting down");
        });
    assertThat(write(500, "catching-up", refusal(OwnershipState.CATCHING_UP))).as("only a 503 refuses")
        .isInstanceOf(PeerFetchException.class);
    assertThat(write(400, null, "bad request: no key")).isInstanceOfSatisfying(PeerFetchException.class,
        e -> assertThat(e).hasMessageContaining("answered 400 Bad Request: bad request: no key"));
  }
}
