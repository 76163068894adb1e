package org.groupcache4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.groupcache4j.peer.HintDelivery;
import org.groupcache4j.peer.HintOp;
import org.junit.jupiter.api.Test;

class HintsTest {
  private static final String PEER = "http://b:1";

  /** A delivery, its ops' ages left out (they depend on the clock; see {@link #eachOpCarriesHowLongAgoItWasMade}). */
  private static HintDelivery deliver(Hints h) {
    HintDelivery d = h.delivery(PEER, "http://a:1", 7, 9, 0);
    return new HintDelivery(d.from(), d.fromIncarnation(), d.forIncarnation(), d.unreachableSinceMillis(),
        d.ops().stream().map(op -> op.aged(0)).toList(), d.through());
  }

  @Test
  void eachOpCarriesHowLongAgoItWasMade() {
    Hints h = new Hints(100, 1 << 20);
    long before = System.nanoTime();
    h.add(PEER, "g", List.of("old"));
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
        .until(() -> h.delivery(PEER, "http://a:1", 7, 9, 0).ops().get(0).ageMillis() >= 50);
    h.add(PEER, "g", List.of("new"));
    List<HintOp> ops = h.delivery(PEER, "http://a:1", 7, 9, 0).ops();
    long elapsedMillis = (System.nanoTime() - before) / 1_000_000;
    assertThat(ops).extracting(HintOp::key).containsExactly("old", "new");
    assertThat(ops.get(0).ageMillis()).isBetween(50L, elapsedMillis);
    assertThat(ops.get(1).ageMillis()).isLessThan(ops.get(0).ageMillis());
    h.add(PEER, "g", List.of("old")); // written again: the op stands for the newest write
    assertThat(h.delivery(PEER, "http://a:1", 7, 9, 0).ops()).extracting(HintOp::key).containsExactly("new", "old");
    assertThat(h.delivery(PEER, "http://a:1", 7, 9, 0).ops().get(1).ageMillis()).isLessThan(50);
  }

  @Test
  void dropsAreDeliveredOldestFirstAndAnAckForgetsOnlyWhatItCovers() {
    Hints h = new Hints(100, 1 << 20);
    h.add(PEER, "g", List.of("k1", "k2"));
    h.add(PEER, "h", List.of("k3"));
    h.add(PEER, "g", List.of("k1")); // again: one drop, now the newest
    HintDelivery d = deliver(h);
    assertThat(d.ops()).containsExactly(HintOp.drop("g", "k2"), HintOp.drop("h", "k3"), HintOp.drop("g", "k1"));
    assertThat(d.from()).isEqualTo("http://a:1");
    assertThat(h.pending()).isEqualTo(Map.of(PEER, 3));

    h.add(PEER, "g", List.of("k4")); // a write after the delivery was made: not covered by its ack
    h.acked(PEER, d.through());
    assertThat(deliver(h).ops()).containsExactly(HintOp.drop("g", "k4"));
    assertThat(h.delivered()).isEqualTo(3);
    assertThat(h.holdsFor(PEER)).isTrue();
    h.acked(PEER, deliver(h).through());
    assertThat(h.holdsFor(PEER)).isFalse();
    assertThat(h.pending()).isEmpty();
  }

  @Test
  void aClearAPeerMissedIsOneDropOfTheGroupThatReplacesTheGroupsKeyDrops() {
    Hints h = new Hints(100, 1 << 20);
    h.add(PEER, "g", List.of("k1"));
    h.add(PEER, "h", List.of("x1"));
    h.addGroup(PEER, "g");
    assertThat(deliver(h).ops()).containsExactly(HintOp.drop("h", "x1"), HintOp.dropGroup("g"));
    assertThat(h.collapses()).as("not an overflow").isZero();
    h.add(PEER, "g", List.of("k2")); // a write after the clear: after it, and kept beside it
    assertThat(deliver(h).ops()).containsExactly(HintOp.drop("h", "x1"), HintOp.dropGroup("g"), HintOp.drop("g", "k2"));
    h.acked(PEER, deliver(h).through());
    assertThat(h.holdsFor(PEER)).isFalse();
  }

  @Test
  void overABoundAGroupsDropsBecomeOneThenEverythingDoes() {
    Hints h = new Hints(3, 1 << 20);
    h.add(PEER, "g", List.of("k1", "k2", "k3"));
    assertThat(h.collapses()).isZero();
    h.add(PEER, "g", List.of("k4"));
    assertThat(deliver(h).ops()).containsExactly(HintOp.dropGroup("g"));
    assertThat(h.collapses()).isEqualTo(1);
    h.add(PEER, "h", List.of("x1", "x2"));
    assertThat(deliver(h).ops()).containsExactly(HintOp.dropGroup("g"), HintOp.drop("h", "x1"), HintOp.drop("h", "x2"));

    Hints one = new Hints(1, 1 << 20);
    one.add(PEER, "g", List.of("k1", "k2"));
    assertThat(deliver(one).ops()).containsExactly(HintOp.dropGroup("g"));
    one.add(PEER, "h", List.of("x1")); // g's drop and h's are two: still over, so everything
    assertThat(deliver(one).ops()).containsExactly(HintOp.dropAll());
    assertThat(one.pending()).isEqualTo(Map.of(PEER, 1));
    one.acked(PEER, deliver(one).through());
    assertThat(one.holdsFor(PEER)).isFalse();
    one.add(PEER, "g", List.of("k1")); // the counts started again from nothing
    assertThat(deliver(one).ops()).containsExactly(HintOp.drop("g", "k1"));
  }

  @Test
  void theByteBoundCountsGroupAndKeyNames() {
    Hints h = new Hints(1_000, 200);
    h.add(PEER, "g", List.of("a".repeat(150)));
    assertThat(deliver(h).ops()).containsExactly(HintOp.drop("g", "a".repeat(150)));
    h.add(PEER, "g", List.of("b".repeat(150)));
    assertThat(deliver(h).ops()).containsExactly(HintOp.dropGroup("g"));
  }

  @Test
  void aRestartedPeerIsSentOnlyWhatWasHeldAfterItsOldProcessLastAnswered() {
    Hints h = new Hints(100, 1 << 20);
    h.add(PEER, "g", List.of("old"));
    long lastHeard = System.nanoTime();
    h.add(PEER, "g", List.of("new"));
    h.forgetBefore(PEER, lastHeard);
    assertThat(deliver(h).ops()).containsExactly(HintOp.drop("g", "new"));
    h.forget(PEER);
    assertThat(h.holdsFor(PEER)).isFalse();
  }

  @Test
  void boundsMustBePositive() {
    assertThatThrownBy(() -> new Hints(0, 10)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 drops");
  }
}
