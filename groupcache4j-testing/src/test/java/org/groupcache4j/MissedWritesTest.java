package org.groupcache4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.groupcache4j.testing.InMemoryNetwork;
import org.groupcache4j.peer.OwnershipState;
import org.groupcache4j.ring.HashRing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Writes a node missed are never served again: a frozen owner that missed a set is told by a hint
 * (a drop) before it owns its keys again, then finds the value at the key's interim owner; every
 * node serves the set value from then on.
 */
class MissedWritesTest {
  private static final List<String> PEERS = List.of("mem://a", "mem://b", "mem://c");
  private final InMemoryNetwork network = new InMemoryNetwork();
  private final List<GroupCache> nodes = new ArrayList<>();
  private final Map<String, Group> groups = new ConcurrentHashMap<>();
  private final Map<String, List<String>> loadedBy = new ConcurrentHashMap<>();
  private final AtomicInteger version = new AtomicInteger();
  private Duration hotStoreMaxAge = Group.Builder.DEFAULT_HOT_STORE_MAX_AGE;
  private Duration peerTimeout = Duration.ofSeconds(5);

  private void cluster() {
    cluster(Duration.ofMillis(50), Duration.ofMillis(300));
  }

  private void cluster(Duration probeInterval, Duration probeTimeout) {
    cluster(probeInterval, probeTimeout, Duration.ofSeconds(30));
  }

  private void cluster(Duration probeInterval, Duration probeTimeout, Duration previousOwnerGrace) {
    cluster(url -> probeInterval, probeTimeout, previousOwnerGrace);
  }

  private void cluster(Function<String, Duration> probeInterval, Duration probeTimeout, Duration previousOwnerGrace) {
    for (String url : PEERS) {
      GroupCache node = GroupCache.builder().self(url).transport(network.transport())
          .peerProbeInterval(probeInterval.apply(url)).peerProbeTimeout(probeTimeout).previousOwnerGrace(previousOwnerGrace).build();
      nodes.add(node);
      groups.put(url, node.groupBuilder("g").cacheBytes(1 << 20).peerTimeout(peerTimeout)
          .hotStoreMaxAge(hotStoreMaxAge).loader(key -> {
        loadedBy.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(url);
        return ("src:" + key + ":" + version.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
      }).build());
    }
    nodes.forEach(n -> n.setPeers(PEERS));
  }

  @AfterEach
  void stop() {
    PEERS.forEach(network::answerPeeks);
    PEERS.forEach(network::thaw);
    PEERS.forEach(network::reconnect);
    nodes.forEach(GroupCache::close);
  }

  private static String keyOwnedBy(String owner) {
    return firstKey("k", (ring, k) -> ring.owner(k).equals(owner));
  }

  /** The first of {@code prefix}0, {@code prefix}1, ... that {@code wanted} accepts on the ring of {@link #PEERS}. */
  private static String firstKey(String prefix, java.util.function.BiPredicate<HashRing, String> wanted) {
    HashRing ring = HashRing.of(PEERS);
    for (int i = 0; ; i++) {
      if (wanted.test(ring, prefix + i)) {
        return prefix + i;
      }
    }
  }

  /** Waits until the other nodes have heard from {@code peer} (a peer that answered before is judged down at once when it refuses). */
  private void awaitHeardFromByTheOthers(String peer) {
    await().atMost(Duration.ofSeconds(5)).until(() -> PEERS.stream().filter(n -> !n.equals(peer))
        .allMatch(n -> node(n).peerState(peer).map(s -> s.incarnation() != 0).orElse(false)));
  }

  private GroupCache node(String url) {
    return nodes.get(PEERS.indexOf(url));
  }

  @Test
  void aSetAFrozenOwnerMissedIsServedEverywhereOnceItIsBack() {
    cluster();
    String key = keyOwnedBy("mem://c");
    assertThat(groups.get("mem://a").get(key).toString()).startsWith("src:" + key);
    assertThat(loadedBy.get(key)).containsExactly("mem://c");

    network.freeze("mem://c");
    await().atMost(Duration.ofSeconds(5)).until(() -> node("mem://a").peerState("mem://c").map(s -> !s.isUp()).orElse(false)
        && node("mem://b").peerState("mem://c").map(s -> !s.isUp()).orElse(false));
    WriteResult r = groups.get("mem://a").set(key, ByteView.of("V1"));
    assertThat(r.told()).containsExactly("mem://b");
    assertThat(r.hinted()).containsOnlyKeys("mem://c");
    assertThat(node("mem://a").ownershipStats().hintsPending()).containsEntry("mem://c", 1);

    network.thaw("mem://c");
    // While the nodes take mem://c back, the told node mem://b never fetches the old value again.
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(groups.get("mem://b").get(key).toString()).as("at mem://b while mem://c is taken back").isEqualTo("V1");
      assertThat(List.of(node("mem://a").ownerOf(key), node("mem://b").ownerOf(key), node("mem://c").ownerOf(key)))
          .containsOnly("mem://c");
    });
    assertThat(node("mem://a").ownershipStats().hintsPending()).isEmpty();
    for (String n : PEERS) {
      assertThat(groups.get(n).get(key).toString()).as("at %s", n).isEqualTo("V1");
    }
    assertThat(loadedBy.get(key)).as("the set value is never loaded over").containsExactly("mem://c");
    // mem://c has the value from a node that kept it (a peek, once), or from the set itself: the
    // network holds what was sent to the frozen node and delivers it as it thaws, which may be after
    // the hint's drop.
    GroupStats c = groups.get("mem://c").stats();
    assertThat(c.foundAtPreviousOwner()).as("%s", c).isLessThanOrEqualTo(1);
    assertThat(c.foundAtPreviousOwner() + c.sets()).as("found at a previous owner, or set there: %s", c).isPositive();
  }

  /**
   * A write reaches the nodes one after another. A node that dropped the key and misses it at
   * once asks the owner, which may not have the write yet: the owner answers only once it applied
   * the write (the fetch names it), so the asker never gets back the value the write replaced.
   */
  @Test
  void aNodeThatAppliedARemoveNeverFetchesTheValueItReplacedFromAnOwnerTheRemoveHasNotReached() {
    cluster();
    String key = keyOwnedBy("mem://c");
    String v0 = groups.get("mem://b").get(key).toString();
    long write = 0x5eed_0001L;

    node("mem://b").peerRequestHandler().remove("g", key, write); // the remove reached mem://b first
    java.util.concurrent.CompletableFuture<ByteView> read = groups.get("mem://b").getAsync(key);
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !read.isDone());
    node("mem://c").peerRequestHandler().remove("g", key, write); // and now the owner

    assertThat(read.join().toString()).as("what mem://b read").isNotEqualTo(v0).startsWith("src:" + key);
    assertThat(loadedBy.get(key)).containsExactly("mem://c", "mem://c");
    assertThat(groups.get("mem://b").get(key).toString()).isEqualTo(read.join().toString());
    assertThat(groups.get("mem://c").stats().writeWaits()).as("the owner's answer waited").isEqualTo(1);
    assertThat(groups.get("mem://c").stats().writeWaitTimeouts()).isZero();
  }

  /** The same for a new owner that asks the previous holders of a key: a peek names the writes too. */
  @Test
  void aWriteThatHasNotReachedTheOwnerYetIsWaitedForNotAnsweredWithTheOldValue() {
    cluster(Duration.ofMillis(50), Duration.ofSeconds(2)); // a peek waits for a write at most half the peek timeout: 2 s
    String key = keyOwnedBy("mem://c");
    String v0 = groups.get("mem://a").get(key).toString();
    long write = 0x5eed_0002L;
    node("mem://a").peerRequestHandler().remove("g", key, write);
    java.util.concurrent.CompletableFuture<java.util.Optional<org.groupcache4j.peer.PeerValue>> peek =
        node("mem://c").peerRequestHandler().peek("g", key, new long[] {write, 1_000_000});
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !peek.isDone());
    node("mem://c").peerRequestHandler().remove("g", key, write);
    assertThat(peek.join()).as("mem://c after the remove, not %s", v0).isEmpty();
  }

  /**
   * A write that never arrives (its writer died while it sent it, and its hint with it) is waited
   * for once: the node asked waits the bound, answers, and answers at once every later request
   * that names the same write. Else a key asked again and again (each write invalidates its
   * flight) waits the bound every time: seconds of waits piled up after a kill.
   */
  @Test
  void aWriteThatNeverArrivesIsWaitedForOnceNotOnEveryRequestThatNamesIt() {
    cluster();
    String key = keyOwnedBy("mem://c");
    String v0 = groups.get("mem://c").get(key).toString();
    long[] never = {0x5eed_0005L, 1_000_000};
    org.groupcache4j.peer.PeerRequestHandler c = node("mem://c").peerRequestHandler();

    assertThat(c.get("g", key, never).join().value().toString()).isEqualTo(v0);
    assertThat(groups.get("mem://c").stats().writeWaitTimeouts()).isEqualTo(1);
    for (int i = 0; i < 3; i++) {
      assertThat(c.get("g", key, never)).as("a fetch that names it again").isCompleted();
      assertThat(c.peek("g", key, never)).as("a peek that names it").isCompleted();
    }
    assertThat(groups.get("mem://c").stats().writeWaits()).as("requests that waited").isEqualTo(1);
    assertThat(c.peek("g", key, never).join().map(v -> v.value().toString())).contains(v0);
  }

  /**
   * A previous holder that answered no peek in time is not asked by the flights right after: a
   * key removed (or asked) again would wait for its peek each time. The node that owns the key now
   * loads it at once instead.
   */
  @Test
  void aPreviousHolderWhosePeekTimedOutIsNotAskedAgainByTheNextFlights() {
    cluster();
    String key = keyOwnedBy("mem://c");
    awaitHeardFromByTheOthers("mem://c");
    network.disconnect("mem://c"); // dead: refuses connections
    await().atMost(Duration.ofSeconds(5)).until(() -> !node("mem://a").ownerOf(key).equals("mem://c")
        && !node("mem://b").ownerOf(key).equals("mem://c"));
    String owner = node("mem://a").ownerOf(key);
    assertThat(node("mem://b").ownerOf(key)).isEqualTo(owner);
    String holder = owner.equals("mem://a") ? "mem://b" : "mem://a";
    Group g = groups.get(owner);
    network.holdPeeks(holder);

    assertThat(g.get(key).toString()).startsWith("src:" + key);
    assertThat(g.stats().notFoundAtPreviousOwner()).as("loaded after %s's peek timed out", holder).isEqualTo(1);
    for (int i = 0; i < 3; i++) {
      g.remove(key);
      assertThat(g.get(key).toString()).startsWith("src:" + key);
    }
    assertThat(g.stats().notFoundAtPreviousOwner()).as("flights that asked %s again", holder).isEqualTo(1);
    assertThat(loadedBy.get(key)).as("each flight loaded once, at %s", owner).containsOnly(owner).hasSize(4);
  }

  @Test
  void aRemoveAFrozenOwnerMissedNeverBringsTheOldValueBack() {
    cluster();
    String key = keyOwnedBy("mem://c");
    String v0 = groups.get("mem://b").get(key).toString();
    assertThat(groups.get("mem://a").get(key).toString()).isEqualTo(v0);

    network.freeze("mem://c");
    await().atMost(Duration.ofSeconds(5)).until(() -> node("mem://a").peerState("mem://c").map(s -> !s.isUp()).orElse(false)
        && node("mem://b").peerState("mem://c").map(s -> !s.isUp()).orElse(false));
    WriteResult r = groups.get("mem://a").remove(key);
    assertThat(r.told()).containsExactly("mem://b");
    assertThat(r.hinted()).containsOnlyKeys("mem://c");

    network.thaw("mem://c");
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(groups.get("mem://b").get(key).toString()).as("at mem://b while mem://c is taken back").isNotEqualTo(v0);
      assertThat(List.of(node("mem://a").ownerOf(key), node("mem://b").ownerOf(key), node("mem://c").ownerOf(key)))
          .containsOnly("mem://c");
    });
    List<String> values = new ArrayList<>();
    for (String n : PEERS) {
      values.add(groups.get(n).get(key).toString());
    }
    assertThat(values).as("what every node serves after the remove").doesNotContain(v0).hasSize(3);
    assertThat(values.get(0)).startsWith("src:" + key);
    assertThat(values).as("one value, from one load after the remove").containsOnly(values.get(0));
  }

  @Test
  void aClearAFrozenOwnerMissedNeverBringsItsOldValuesBack() {
    cluster();
    String key = keyOwnedBy("mem://c");
    String v0 = groups.get("mem://a").get(key).toString();

    network.freeze("mem://c");
    await().atMost(Duration.ofSeconds(5)).until(() -> node("mem://a").peerState("mem://c").map(s -> !s.isUp()).orElse(false)
        && node("mem://b").peerState("mem://c").map(s -> !s.isUp()).orElse(false));
    WriteResult r = groups.get("mem://a").clear();
    assertThat(r.told()).containsExactly("mem://b");
    assertThat(r.hinted()).as("a drop of the whole group, held for it").containsOnlyKeys("mem://c");
    assertThat(node("mem://a").ownershipStats().hintsPending()).containsEntry("mem://c", 1);

    network.thaw("mem://c");
    await().atMost(Duration.ofSeconds(5)).until(() -> node("mem://a").ownershipStats().hintsPending().isEmpty()
        && PEERS.stream().allMatch(n -> node(n).ownerOf(key).equals("mem://c")));
    for (String n : PEERS) {
      assertThat(groups.get(n).get(key).toString()).as("at %s", n).isNotEqualTo(v0).startsWith("src:" + key);
    }
  }

  @Test
  void aSetValueOutlivesItsOwnersDeath() {
    cluster();
    setAtAThenKillTheOwnerCAndExpectTheValueAtAAndB(Duration.ZERO);
  }

  /**
   * Sets a key mem://c owns to "V1" at mem://a, waits {@code before}, kills mem://c, and asserts
   * that the key's successor, owner on both survivors then, serves V1 there and nothing was loaded.
   */
  private void setAtAThenKillTheOwnerCAndExpectTheValueAtAAndB(Duration before) {
    String key = keyOwnedBy("mem://c");
    awaitHeardFromByTheOthers("mem://c");
    groups.get("mem://a").set(key, ByteView.of("V1"));
    long setAt = System.nanoTime();
    await().atMost(before.plusSeconds(5)).until(() -> System.nanoTime() - setAt >= before.toNanos());
    network.disconnect("mem://c"); // dead: refuses connections (a peer that answered before is judged down at once)
    await().atMost(Duration.ofSeconds(5)).until(() -> !node("mem://a").ownerOf(key).equals("mem://c")
        && !node("mem://b").ownerOf(key).equals("mem://c"));
    assertThat(node("mem://a").ownerOf(key)).as("the successor, on both").isEqualTo(node("mem://b").ownerOf(key));
    for (String n : List.of("mem://a", "mem://b")) {
      assertThat(groups.get(n).get(key).toString()).as("at %s", n).isEqualTo("V1");
    }
    assertThat(loadedBy.get(key)).as("the set value is held by the key's successor too: nothing is loaded").isNull();
  }

  /**
   * The key's successor keeps a set value as the owner does, not as a copy that lives the hot
   * store's max age: the owner may die long after the set, and the successor, its owner then,
   * would load the value the set replaced.
   */
  @Test
  void aSetValueOutlivesItsOwnersDeathLongAfterTheSet() {
    hotStoreMaxAge = Duration.ofMillis(200);
    cluster();
    setAtAThenKillTheOwnerCAndExpectTheValueAtAAndB(hotStoreMaxAge.multipliedBy(3));
  }

  /**
   * A set is kept by two nodes at least. Here the key's owner keeps it, and its successor, frozen
   * but not judged down yet, misses it (a hint, a drop, will tell it): the writer keeps the value
   * too, as the next node on the ring. When the owner dies, the successor, its owner then, finds
   * the value at the writer; kept by the owner alone, it would load the value the set replaced.
   */
  @Test
  void aSetAnOwnerMissedIsKeptByTheNextNodeSoItOutlivesTheOtherOwnersDeath() {
    peerTimeout = Duration.ofMillis(500);
    cluster();
    String key = firstKey("k", (ring, k) -> ring.owner(k).equals("mem://c") && ring.successor(k).equals("mem://b"));
    awaitHeardFromByTheOthers("mem://b");
    awaitHeardFromByTheOthers("mem://c");
    network.freeze("mem://b");
    WriteResult r = groups.get("mem://a").set(key, ByteView.of("V1")); // before mem://a judges mem://b down
    assertThat(r.told()).contains("mem://c");
    assertThat(r.hinted()).containsOnlyKeys("mem://b");

    network.thaw("mem://b"); // takes the drop before mem://a raises it again
    await().atMost(Duration.ofSeconds(5)).until(() -> node("mem://a").ownershipStats().hintsPending().isEmpty()
        && node("mem://c").ownershipStats().hintsPending().isEmpty()
        && node("mem://a").peerState("mem://b").map(org.groupcache4j.peer.PeerState::owns).orElse(false));
    network.disconnect("mem://c"); // dies
    await().atMost(Duration.ofSeconds(5)).until(() -> node("mem://a").ownerOf(key).equals("mem://b")
        && node("mem://b").ownerOf(key).equals("mem://b"));
    assertThat(groups.get("mem://b").get(key).toString()).as("at mem://b").isEqualTo("V1");
    assertThat(groups.get("mem://a").get(key).toString()).as("at mem://a").isEqualTo("V1");
    assertThat(loadedBy.get(key)).as("the value the set replaced is not loaded").isNull();
  }

  /**
   * A hint reaches its node late: a node that came back without one peer's hints dropped
   * everything instead, and that peer pushes them once it hears from the node again, maybe after a
   * set the node took meanwhile. Made before the drop, they are done already: applied, they would
   * drop the set value, which is then the last copy should the key's other owner die. A hint made
   * after the drop is applied.
   */
  @Test
  void aHintMadeBeforeANodeLastDroppedEverythingDoesNotDropAValueSetThereSince() {
    cluster();
    String key = keyOwnedBy("mem://c");
    awaitHeardFromByTheOthers("mem://c");
    org.groupcache4j.peer.PeerClient toC = network.transport().client("mem://c");
    toC.deliverHints(new org.groupcache4j.peer.HintDelivery("mem://a", 1, 0, 0,
        List.of(org.groupcache4j.peer.HintOp.dropAll()), 1)).join(); // c drops everything it holds
    groups.get("mem://a").set(key, ByteView.of("V1")); // stored at c, the owner, and at its successor

    long applied = node("mem://c").ownershipStats().hintsApplied();
    long madeBeforeTheDrop = 60_000;
    toC.deliverHints(new org.groupcache4j.peer.HintDelivery("mem://a", 1, 0, 0,
        List.of(new org.groupcache4j.peer.HintOp("g", key, madeBeforeTheDrop)), 2)).join();
    assertThat(node("mem://c").ownershipStats().hintsApplied()).as("hints applied at c").isEqualTo(applied);
    assertThat(groups.get("mem://c").get(key).toString()).as("at c after the old hint").isEqualTo("V1");
    assertThat(loadedBy.get(key)).as("loads of %s", key).isNull();

    toC.deliverHints(new org.groupcache4j.peer.HintDelivery("mem://a", 1, 0, 0,
        List.of(org.groupcache4j.peer.HintOp.drop("g", key)), 3)).join(); // made just now: applied
    assertThat(node("mem://c").ownershipStats().hintsApplied()).as("hints applied at c").isEqualTo(applied + 1);
  }

  /**
   * A peer pushes its hints when it hears from a node that was away, and the node pulls them as it
   * catches up: a push can arrive after the pull, and after a set the node took since. Its ops made
   * before the pull were in the pull's delivery: they are not applied again.
   */
  @Test
  void aHintPushedAfterTheNodePulledItIsNotAppliedAgain() {
    cluster();
    long started = System.nanoTime(); // the nodes exist: c "dropped everything" (started) before this
    String key = keyOwnedBy("mem://c");
    awaitHeardFromByTheOthers("mem://c");
    long beforeThePull = System.nanoTime();
    assertThat(beforeThePull - started).as("time between the start and the pull, to place a hint in").isGreaterThan(10_000_000L);
    long catchUps = node("mem://c").ownershipStats().catchUps();
    node("mem://c").pauseDetected(Duration.ofSeconds(3));
    await().atMost(Duration.ofSeconds(5)).until(() -> node("mem://c").ownershipStats().catchUps() == catchUps + 1
        && node("mem://c").ownershipState() == OwnershipState.READY);
    groups.get("mem://a").set(key, ByteView.of("V1"));

    long applied = node("mem://c").ownershipStats().hintsApplied();
    long madeAfterTheStartBeforeThePull = (System.nanoTime() - (started + (beforeThePull - started) / 2)) / 1_000_000; // an age, in ms
    org.groupcache4j.peer.PeerClient toC = network.transport().client("mem://c");
    toC.deliverHints(new org.groupcache4j.peer.HintDelivery("mem://a", 1, 0, 0,
        List.of(new org.groupcache4j.peer.HintOp("g", key, madeAfterTheStartBeforeThePull)), 9)).join();
    assertThat(node("mem://c").ownershipStats().hintsApplied()).as("hints applied at c").isEqualTo(applied);
    assertThat(groups.get("mem://c").get(key).toString()).as("at c").isEqualTo("V1");

    toC.deliverHints(new org.groupcache4j.peer.HintDelivery("mem://a", 1, 0, 0,
        List.of(org.groupcache4j.peer.HintOp.drop("g", key)), 10)).join(); // made after the pull: applied
    assertThat(node("mem://c").ownershipStats().hintsApplied()).as("hints applied at c").isEqualTo(applied + 1);
  }

  @Test
  void aRemoveAfterASetWhileAPeerIsDeadDropsEveryCopyOfTheSetValue() {
    cluster();
    awaitHeardFromByTheOthers("mem://c");
    network.disconnect("mem://c");
    await().atMost(Duration.ofSeconds(5)).until(() -> node("mem://a").peerState("mem://c").map(s -> !s.isUp()).orElse(false)
        && node("mem://b").peerState("mem://c").map(s -> !s.isUp()).orElse(false));
    for (int i = 0; i < 30; i++) {
      String key = "r" + i;
      groups.get("mem://a").get(key);
      groups.get("mem://a").set(key, ByteView.of("V" + i));
      groups.get("mem://b").remove(key);
      for (String n : List.of("mem://a", "mem://b")) {
        assertThat(groups.get(n).get(key).toString()).as("%s at %s after the remove", key, n).isNotEqualTo("V" + i);
      }
    }
  }

  @Test
  void aNodeCutOffFromEveryPeerRefusesWritesRatherThanKeepThemNowhere() {
    cluster();
    String key = keyOwnedBy("mem://a");
    String v0 = groups.get("mem://c").get(key).toString();
    await().atMost(Duration.ofSeconds(10)).until(() -> node("mem://c").peerStates().size() == 2
        && node("mem://c").peerStates().stream().allMatch(st -> st.isUp() && st.incarnation() != 0));
    network.cut("mem://c", "mem://a");
    network.cut("mem://c", "mem://b");
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> node("mem://c").ownershipState() == OwnershipState.CATCHING_UP
          && node("mem://c").peerStates().stream().noneMatch(org.groupcache4j.peer.PeerState::isUp));
      assertThatThrownBy(() -> groups.get("mem://c").set(key, ByteView.of("V1"))).isInstanceOf(WriteException.class)
          .hasMessageContaining("reaches none of its peers").hasMessageContaining("nothing was changed");
      assertThatThrownBy(() -> groups.get("mem://c").remove(key)).isInstanceOf(WriteException.class);
    } finally {
      network.mend("mem://c", "mem://a");
      network.mend("mem://c", "mem://b");
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> node("mem://c").ownershipState() == OwnershipState.READY);
    for (String n : PEERS) {
      assertThat(groups.get(n).get(key).toString()).as("at %s", n).isEqualTo(v0);
    }
  }

  /**
   * A peek that timed out across this process's own pause (SIGSTOP, a frozen VM) says nothing of
   * the peer: once the pause is seen, the node asks its keys' previous holders again at once, as
   * it must right after the catch-up (they took its writes while it was away), rather than skip
   * them for two peek timeouts.
   */
  @Test
  void aPauseOfThisProcessForgetsThePeeksThatTimedOutAcrossIt() {
    cluster(Duration.ofMillis(50), Duration.ofSeconds(2)); // a peek times out after 4 s, and is skipped for 8 s
    String key = keyOwnedBy("mem://c");
    awaitHeardFromByTheOthers("mem://c");
    network.disconnect("mem://c");
    await().atMost(Duration.ofSeconds(5)).until(() -> !node("mem://a").ownerOf(key).equals("mem://c")
        && !node("mem://b").ownerOf(key).equals("mem://c"));
    String owner = node("mem://a").ownerOf(key);
    String holder = owner.equals("mem://a") ? "mem://b" : "mem://a";
    Group g = groups.get(owner);
    network.holdPeeks(holder);
    assertThat(g.get(key).toString()).startsWith("src:" + key);
    assertThat(g.stats().notFoundAtPreviousOwner()).as("loaded after %s's peek timed out", holder).isEqualTo(1);
    network.answerPeeks(holder);

    long catchUps = node(owner).ownershipStats().catchUps();
    node(owner).pauseDetected(Duration.ofSeconds(5));
    await().atMost(Duration.ofSeconds(5)).until(() -> node(owner).ownershipStats().catchUps() == catchUps + 1
        && node(owner).ownershipState() == OwnershipState.READY && node(owner).ownerOf(key).equals(owner));
    g.remove(key);
    assertThat(g.get(key).toString()).startsWith("src:" + key);
    assertThat(g.stats().notFoundAtPreviousOwner() + g.stats().foundAtPreviousOwner())
        .as("%s asked again as a previous holder right after the pause", holder).isEqualTo(2);
  }

  /**
   * A node its peers cannot reach, which does not know it (it reaches them), misses a set of one
   * of its keys: the writer leaves a hint, delivered as a drop once the node answers again. The
   * node stays ready, so its ring does not change; its next miss of the key asks the writer and
   * the key's owner without it (they held the key while they judged it down) before it loads, and
   * finds the set value rather than load the value the set replaced from the source.
   */
  @Test
  void aSetHintedToAnOwnerThatDidNotKnowItWasCutOffIsFoundWhereItWasKept() {
    long started = System.nanoTime();
    Duration grace = Duration.ofSeconds(3);
    cluster(Duration.ofMillis(50), Duration.ofMillis(300), grace);
    String key = keyOwnedBy("mem://c");
    assertThat(groups.get("mem://c").get(key).toString()).startsWith("src:" + key);
    awaitHeardFromByTheOthers("mem://c");
    network.cutOneWay("mem://a", "mem://c");
    network.cutOneWay("mem://b", "mem://c");
    await().atMost(Duration.ofSeconds(5)).until(() -> node("mem://a").peerState("mem://c").map(s -> !s.isUp()).orElse(false)
        && node("mem://b").peerState("mem://c").map(s -> !s.isUp()).orElse(false));
    assertThat(node("mem://c").ownershipState()).as("it reaches its peers: it does not know").isEqualTo(OwnershipState.READY);
    // Past the grace of the cluster's start, when every node asks its keys' previous owners anyway.
    await().atMost(grace.plusSeconds(5)).until(() -> System.nanoTime() - started > grace.toNanos() + 500_000_000L);
    WriteResult r = groups.get("mem://a").set(key, ByteView.of("V1"));
    assertThat(r.hinted()).containsOnlyKeys("mem://c");

    network.mendOneWay("mem://a", "mem://c");
    network.mendOneWay("mem://b", "mem://c");
    await().atMost(Duration.ofSeconds(5)).until(() -> node("mem://a").ownershipStats().hintsPending().isEmpty());
    assertThat(node("mem://c").ownershipState()).isEqualTo(OwnershipState.READY);
    assertThat(groups.get("mem://c").get(key).toString()).as("at mem://c, after the hint's drop").isEqualTo("V1");
    assertThat(loadedBy.get(key)).as("the set value is never loaded over").containsExactly("mem://c");
  }

  /**
   * A write that the writer could not tell a node, nor carry to it through the relay, is kept as a
   * hint by the writer and by the relay: the writer may die before it delivers it. The relay applied
   * the write too, and takes the node back only once it delivered the drop; else it would read from
   * the node the value the write replaced.
   */
  @Test
  void aRemoveTheRelayCouldNotCarryIsHeldThereTooAndOutlivesTheWritersDeath() {
    cluster();
    String key = keyOwnedBy("mem://c");
    awaitHeardFromByTheOthers("mem://c");
    groups.get("mem://c").set(key, ByteView.of("V1")); // kept at mem://c, its owner
    network.cutOneWay("mem://a", "mem://c");
    network.cutOneWay("mem://b", "mem://c");
    await().atMost(Duration.ofSeconds(5)).until(() -> node("mem://a").peerState("mem://c").map(s -> !s.isUp()).orElse(false)
        && node("mem://b").peerState("mem://c").map(s -> !s.isUp()).orElse(false));
    assertThat(node("mem://c").ownershipState()).as("it reaches its peers: it does not know").isEqualTo(OwnershipState.READY);

    WriteResult r = groups.get("mem://a").remove(key); // mem://b, asked to carry it to mem://c, cannot either
    assertThat(r.told()).containsExactly("mem://b");
    assertThat(r.hinted()).containsOnlyKeys("mem://c");
    assertThat(node("mem://b").ownershipStats().hintsPending()).as("held at the relay").containsEntry("mem://c", 1);

    network.disconnect("mem://a"); // the writer dies with its hint
    network.mendOneWay("mem://b", "mem://c");
    await().atMost(Duration.ofSeconds(5)).until(() -> node("mem://b").ownerOf(key).equals("mem://c"));
    assertThat(node("mem://b").ownershipStats().hintsPending()).as("delivered before mem://c was taken back").isEmpty();
    assertThat(groups.get("mem://b").get(key).toString()).as("at mem://b").startsWith("src:" + key);
    assertThat(groups.get("mem://c").get(key).toString()).as("at mem://c").startsWith("src:" + key);
  }

  /**
   * The cluster, where mem://c probes once an hour (it judges its peers by its fetches alone, and
   * keeps that view), once every node has heard from every other.
   */
  private void clusterWhereCProbesHourly() {
    cluster(url -> url.equals("mem://c") ? Duration.ofHours(1) : Duration.ofMillis(50), Duration.ofMillis(300),
        Duration.ofSeconds(30));
    for (String owner : List.of("mem://a", "mem://b")) { // c hears from a and b in their answers
      groups.get("mem://c").get(firstKey("o", (ring, k) -> ring.owner(k).equals(owner)));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> PEERS.stream().allMatch(n -> node(n).peerStates().size() == 2
        && node(n).peerStates().stream().allMatch(st -> st.isUp() && st.incarnation() != 0)));
  }

  /**
   * Cuts mem://c off from both peers. It sees a pause of its own: it catches up, its hint pulls time
   * out (it is cut off), and it tries again in an hour (its probe interval). Its fetches time out,
   * so it judges both peers down; waits for that and for {@code also}.
   */
  private void cutOffC(java.util.function.BooleanSupplier also) {
    network.cut("mem://c", "mem://a");
    network.cut("mem://c", "mem://b");
    node("mem://c").pauseDetected(Duration.ofSeconds(3));
    AtomicInteger fresh = new AtomicInteger();
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      for (int i = 0; i < 4; i++) {
        groups.get("mem://c").getAsync("fresh" + fresh.incrementAndGet()); // not held here: fetched
      }
      return node("mem://c").peerStates().stream().noneMatch(org.groupcache4j.peer.PeerState::isUp)
          && also.getAsBoolean();
    });
  }

  /**
   * A node that judges every peer down (it lost them all, and catches up) still answers reads: it
   * asks a key's owner on the ring of the members, and if that fails, the key's successor there,
   * which keeps the key's set value too. Its view of the successor may be out of date (here the
   * successor answers again and the node has not probed it since); a load from the source would
   * get the value the set replaced.
   */
  @Test
  void aNodeThatJudgesEveryPeerDownAsksTheKeysSuccessorWhenItsOwnerIsDead() {
    clusterWhereCProbesHourly();
    String key = firstKey("k", (ring, k) -> ring.owner(k).equals("mem://b") && ring.successor(k).equals("mem://a"));
    WriteResult r = groups.get("mem://a").set(key, ByteView.of("V1"));
    assertThat(r.told()).contains("mem://b", "mem://c");

    cutOffC(() -> true);
    network.disconnect("mem://b"); // dies
    await().atMost(Duration.ofSeconds(5)).until(() -> node("mem://a").ownerOf(key).equals("mem://a"));
    network.mend("mem://c", "mem://a");
    network.mend("mem://c", "mem://b");
    assertThat(node("mem://c").ownershipState()).isEqualTo(OwnershipState.CATCHING_UP);
    assertThat(node("mem://c").peerState("mem://a").map(org.groupcache4j.peer.PeerState::isUp)).as("c's view of a")
        .contains(false);

    assertThat(groups.get("mem://c").get(key).toString()).as("at mem://c").isEqualTo("V1");
    assertThat(loadedBy.get(key)).as("the value the set replaced is not loaded").isNull();
  }

  /**
   * As above, when the node that judges every peer down is itself the key's successor on the ring
   * of the members: it kept nothing of the set while it caught up, and the writers, which had it
   * out of their live rings, kept the set value at the node after it. It asks that node; a load
   * from the source would get the value the set replaced.
   */
  @Test
  void aNodeThatJudgesEveryPeerDownAndIsTheKeysSuccessorAsksTheNodeAfterItWhenTheOwnerIsDead() {
    clusterWhereCProbesHourly();
    String key = firstKey("k", (ring, k) -> ring.owner(k).equals("mem://b") && ring.successor(k).equals("mem://c"));

    cutOffC(() -> node("mem://a").peerState("mem://c").map(st -> !st.isUp()).orElse(false)); // a judges c down too
    WriteResult r = groups.get("mem://a").set(key, ByteView.of("V1")); // kept at b, its owner, and at a, after b
    assertThat(r.told()).contains("mem://b");
    network.disconnect("mem://b"); // dies
    await().atMost(Duration.ofSeconds(5)).until(() -> node("mem://a").ownerOf(key).equals("mem://a"));
    network.mend("mem://c", "mem://a");
    network.mend("mem://c", "mem://b");
    assertThat(node("mem://c").ownershipState()).isEqualTo(OwnershipState.CATCHING_UP);

    assertThat(groups.get("mem://c").get(key).toString()).as("at mem://c").isEqualTo("V1");
    assertThat(loadedBy.get(key)).as("the value the set replaced is not loaded").isNull();
  }

  @Test
  void aPausedNodeCatchesUpBeforeItOwnsKeysAgain() {
    cluster();
    String key = keyOwnedBy("mem://c");
    groups.get("mem://c").get(key);
    assertThat(node("mem://c").ownershipState()).isEqualTo(OwnershipState.READY);
    long before = node("mem://c").ownershipStats().catchUps();
    node("mem://c").pauseDetected(Duration.ofSeconds(3));
    await().atMost(Duration.ofSeconds(5)).until(() -> node("mem://c").ownershipStats().catchUps() == before + 1
        && node("mem://c").ownershipState() == OwnershipState.READY);
  }

  /**
   * A node that catches up keeps nothing, so it refuses a set sent to it as the key's owner (its
   * answer says it is not ready) rather than count it as kept; the writer, which had not heard yet
   * (the node's own requests do not get through, as when it believes itself cut off), sends the set
   * to the key's owner without it. The value is not lost: once the node owns the key again it
   * finds the value at that owner, and every node serves it.
   */
  @Test
  void aSetSentToAnOwnerThatIsCatchingUpGoesToTheKeysOwnerWithoutIt() {
    cluster(Duration.ofSeconds(2), Duration.ofMillis(500)); // probes far apart: the writer hears of c's state from the set's answer first
    String key = keyOwnedBy("mem://c");
    await().atMost(Duration.ofSeconds(15)).until(() -> nodes.stream().allMatch(n -> n.peerStates().size() == 2
        && n.peerStates().stream().allMatch(st -> st.isUp() && st.incarnation() != 0)));
    String v0 = groups.get("mem://a").get(key).toString();
    network.cutOneWay("mem://c", "mem://a");
    network.cutOneWay("mem://c", "mem://b");
    try {
      node("mem://c").pauseDetected(Duration.ofSeconds(3));
      assertThat(node("mem://c").ownershipState()).isEqualTo(OwnershipState.CATCHING_UP);
      WriteResult r = groups.get("mem://a").set(key, ByteView.of("V1"));
      assertThat(r.told()).contains("mem://b");
      assertThat(r.notCovered()).isEmpty(); // c: told to drop the key, or it will be by a hint
      assertThat(groups.get("mem://a").get(key).toString()).isEqualTo("V1");
    } finally {
      network.mendOneWay("mem://c", "mem://a");
      network.mendOneWay("mem://c", "mem://b");
    }
    await().atMost(Duration.ofSeconds(15)).until(() -> node("mem://c").ownershipState() == OwnershipState.READY
        && node("mem://a").peerState("mem://c").map(st -> st.owns()).orElse(false)
        && node("mem://b").peerState("mem://c").map(st -> st.owns()).orElse(false));
    for (String n : PEERS) {
      assertThat(groups.get(n).get(key).toString()).as("at %s", n).isEqualTo("V1");
    }
    assertThat(v0).startsWith("src:" + key);
    assertThat(loadedBy.get(key)).as("loads of %s", key).hasSize(1);
  }
}
