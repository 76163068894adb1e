package org.groupcache4j.http.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import java.util.List;
import org.groupcache4j.http.internal.protocol.pb.GroupcachePb;
import org.groupcache4j.peer.HintDelivery;
import org.groupcache4j.peer.HintOp;
import org.junit.jupiter.api.Test;

/** A hint delivery on the wire: its drops and their ages cross intact; a negative age is refused. */
class HintMessagesTest {
  @Test
  void dropsAndTheirAgesCrossTheWire() {
    HintDelivery d = new HintDelivery("http://a:1", 7, 9, 1234, List.of(new HintOp(null, null, 12_000),
        new HintOp("g", null, 40), new HintOp("g", "k", 0)), 3);

    HintDelivery back = PeerMessages.decodeHintDelivery(Unpooled.wrappedBuffer(PeerMessages.encodeHintDelivery(d)));

    assertThat(back).isEqualTo(d);
  }

  @Test
  void aNegativeAgeIsRefused() {
    byte[] body = GroupcachePb.HintDelivery.newBuilder().setFrom("http://a:1")
        .addOps(GroupcachePb.HintOp.newBuilder().setGroup("g").setKey("k").setAgeMillis(-5)).build().toByteArray();

    assertThatThrownBy(() -> PeerMessages.decodeHintDelivery(Unpooled.wrappedBuffer(body)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("age is negative");
  }
}
