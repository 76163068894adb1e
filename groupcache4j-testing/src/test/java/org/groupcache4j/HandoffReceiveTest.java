package org.groupcache4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.groupcache4j.peer.HandoffClient;
import org.groupcache4j.peer.HandoffEntry;
import org.groupcache4j.peer.HandoffHandler;
import org.groupcache4j.peer.PeerValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The receiving end of a departing peer's handoff, driven through the node's peer handler as the
 * transport would: a handed-off value that may predate a write this node applied is dropped, also
 * when the write came just before the sender's notice (a write reaches the nodes one after
 * another, so the sender may apply it only after it read the entry).
 */
class HandoffReceiveTest {
  private static final String DEPARTING = "mem://departing";
  private final AtomicInteger loads = new AtomicInteger();
  private final GroupCache node = GroupCache.builder().self("mem://receiver").build();
  private final Group group = node.groupBuilder("books").cacheBytes(1 << 20).loader(key -> {
    loads.incrementAndGet();
    return ("loaded " + key).getBytes(StandardCharsets.UTF_8);
  }).build();
  private final HandoffHandler handler = (HandoffHandler) node.peerRequestHandler();

  @AfterEach
  void close() {
    node.close();
  }

  private static HandoffEntry entry(String key, String value) {
    return new HandoffEntry("books", key, PeerValue.of(ByteView.of(value), 0));
  }

  private static String text(ByteView v) {
    return new String(v.toByteArray(), StandardCharsets.UTF_8);
  }

  @Test
  void aHandedOffValueIsKeptWhenNothingWasWrittenHere() {
    handler.receiveHandoff(DEPARTING, Duration.ofSeconds(5), List.of());
    HandoffClient.Reply r = handler.receiveHandoff(DEPARTING, Duration.ofSeconds(5), List.of(entry("quiet", "handed")));
    assertThat(r.kept()).isEqualTo(1);
    assertThat(text(group.get("quiet"))).isEqualTo("handed");
    assertThat(loads).hasValue(0);
  }

  @Test
  void aRemoveAppliedHereJustBeforeTheNoticeDropsTheHandedOffValue() {
    node.peerRequestHandler().remove("books", "removed", 42L); // a peer's remove, write id 42, reached here first
    handler.receiveHandoff(DEPARTING, Duration.ofSeconds(5), List.of());
    HandoffClient.Reply r = handler.receiveHandoff(DEPARTING, Duration.ofSeconds(5),
        List.of(entry("removed", "read by the departing node before the remove reached it")));
    assertThat(r.kept()).isZero();
    assertThat(r.dropped()).isEqualTo(1);
    assertThat(text(group.get("removed"))).as("the remove wins").isEqualTo("loaded removed");
  }

  @Test
  void aRemoveAppliedHereAfterTheNoticeDropsTheHandedOffValue() {
    handler.receiveHandoff(DEPARTING, Duration.ofSeconds(5), List.of());
    node.peerRequestHandler().remove("books", "removed", 43L);
    HandoffClient.Reply r = handler.receiveHandoff(DEPARTING, Duration.ofSeconds(5),
        List.of(entry("removed", "read before the remove")));
    assertThat(r.dropped()).isEqualTo(1);
    assertThat(text(group.get("removed"))).isEqualTo("loaded removed");
  }
}
