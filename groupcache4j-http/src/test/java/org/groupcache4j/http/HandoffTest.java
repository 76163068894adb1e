package org.groupcache4j.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.groupcache4j.ByteView;
import org.groupcache4j.EvictionPolicy;
import org.groupcache4j.HandoffStats;
import org.groupcache4j.Loader;
import org.groupcache4j.peer.HandoffClient;
import org.groupcache4j.peer.HandoffEntry;
import org.groupcache4j.peer.PeerValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The handoff of a node that closes, between nodes in one JVM over loopback HTTP: its entries
 * reach their next owners, a value read before a write never wins over it, and a peer that is not
 * one of ours is never sent one.
 */
class HandoffTest {
  @RegisterExtension final TestNodes testNodes = new TestNodes();
  private final List<TestNode> nodes = testNodes.all;

  /**
   * {@code n} keys. The nodes' ports are random, and a node's share of the golang ring varies with
   * them (one held 9 of 100 keys in a CI run): the tests take 300 keys, so that each node owns more
   * than the 10 they need.
   */
  private static List<String> keys(int n) {
    return Stream.iterate(0, i -> i + 1).limit(n).map(i -> "k" + i).toList();
  }

  private static String text(ByteView v) {
    return new String(v.toByteArray(), StandardCharsets.UTF_8);
  }

  @Test
  void aClosingNodeHandsItsEntriesToTheOwnersWithoutIt() {
    handsItsEntriesToTheOwnersWithoutIt(TestNode::start);
  }

  /** The compact store's values are views of its segments: they travel as their ranges. */
  @Test
  void aClosingNodeHandsTheEntriesOfItsCompactStores() {
    handsItsEntriesToTheOwnersWithoutIt(() -> TestNode.start(b -> {}, TestNode::goValue, (node, loader) -> node.cache
        .groupBuilder(TestNode.GROUP).evictionPolicy(EvictionPolicy.COMPACT).loader(loader).build()));
  }

  /** Starts three nodes, reads 300 keys through the first, and returns those the third owns. */
  private List<String> filledOwnedByTheThird(Supplier<TestNode> start) {
    testNodes.start(3, start);
    TestNode third = nodes.get(2);
    List<String> keys = keys(300);
    for (String k : keys) {
      nodes.get(0).group.get(k);
    }
    List<String> owned = keys.stream().filter(k -> third.url.equals(third.cache.ownerOf(k))).toList();
    assertThat(owned).hasSizeGreaterThan(10);
    return owned;
  }

  private void handsItsEntriesToTheOwnersWithoutIt(Supplier<TestNode> start) {
    List<String> ownedByLeaving = filledOwnedByTheThird(start);
    TestNode leaving = nodes.get(2);
    List<String> keys = keys(300);
    int loadsBefore = nodes.get(0).loads.get() + nodes.get(1).loads.get();

    leaving.close();
    nodes.remove(leaving);
    TestNodes.setPeers(nodes); // the list without it, as a roll's or a scale-down's membership says

    HandoffStats sent = leaving.cache.handoffStats();
    assertThat(sent.handedOff()).isEqualTo(ownedByLeaving.size());
    assertThat(sent.handedOffKept()).isEqualTo(ownedByLeaving.size());
    assertThat(nodes.get(0).cache.handoffStats().received() + nodes.get(1).cache.handoffStats().received())
        .isEqualTo(ownedByLeaving.size());
    for (String k : keys) {
      assertThat(nodes.get(1).group.get(k).toByteArray()).isEqualTo(TestNode.goValue(k));
    }
    assertThat(nodes.get(0).loads.get() + nodes.get(1).loads.get())
        .as("no key of the node that left was loaded again").isEqualTo(loadsBefore);
  }

  /**
   * A node that leaves hands over the copies it holds of keys another node owns as well: here a
   * node joined (a scale-up, or one back from a restart) and took back none of its keys yet, and the
   * node that held them while it was away leaves. The joined node gets them, and no key is loaded
   * again; a departure that handed over only the keys it owned would lose them all.
   */
  @Test
  void aClosingNodeHandsTheCopiesItHoldsOfKeysAnotherNodeOwnsToThatNode() {
    testNodes.start(2, TestNode::start);
    List<String> keys = keys(300);
    for (String k : keys) {
      nodes.get(0).group.get(k);
    }
    TestNode leaving = nodes.get(1);
    List<String> heldByLeaving = keys.stream().filter(k -> leaving.url.equals(leaving.cache.ownerOf(k))).toList();
    testNodes.start(1, TestNode::start); // joins: owns some of the keys, holds none
    TestNode joined = nodes.get(2);
    List<String> movedToJoined = heldByLeaving.stream().filter(k -> joined.url.equals(joined.cache.ownerOf(k)))
        .toList();
    assertThat(movedToJoined).as("keys the joined node took over from the node that leaves").hasSizeGreaterThan(10);
    int loadsBefore = nodes.get(0).loads.get() + joined.loads.get();

    leaving.close();
    nodes.remove(leaving);
    TestNodes.setPeers(nodes);

    HandoffStats sent = leaving.cache.handoffStats();
    assertThat(sent.handedOff()).as("every entry it held: its own keys' and its copies of the joined node's")
        .isEqualTo(heldByLeaving.size());
    assertThat(joined.cache.handoffStats().received()).isGreaterThanOrEqualTo(movedToJoined.size());
    for (String k : keys) {
      assertThat(joined.group.get(k).toByteArray()).isEqualTo(TestNode.goValue(k));
    }
    assertThat(nodes.get(0).loads.get() + joined.loads.get()).as("keys loaded again").isEqualTo(loadsBefore);
  }

  /**
   * While a node drains, before its handoff, the keys it owned are asked of it by their new owners
   * (it still answers peeks from its stores) rather than loaded again: the seconds between a
   * rolling restart's SIGTERM and the handoff cost the origin nothing.
   */
  @Test
  void theKeysOfADrainingNodeAreAskedOfItBeforeTheyAreLoadedAgain() {
    List<String> ownedByLeaving = filledOwnedByTheThird(TestNode::start);
    TestNode leaving = nodes.get(2);
    leaving.cache.drain();
    await().atMost(Duration.ofSeconds(10)).until(() -> Stream.of(nodes.get(0), nodes.get(1)).allMatch(n ->
        n.cache.peerState(leaving.url).map(st -> st.ownership() == org.groupcache4j.peer.OwnershipState.DRAINING)
            .orElse(false)));
    int loadsBefore = nodes.get(0).loads.get() + nodes.get(1).loads.get();
    for (String k : ownedByLeaving) {
      assertThat(nodes.get(1).group.get(k).toByteArray()).isEqualTo(TestNode.goValue(k));
    }
    assertThat(nodes.get(0).loads.get() + nodes.get(1).loads.get())
        .as("keys of the draining node loaded again").isEqualTo(loadsBefore);
    assertThat(nodes.get(0).group.stats().foundAtPreviousOwner() + nodes.get(1).group.stats().foundAtPreviousOwner())
        .isEqualTo(ownedByLeaving.size());
  }

  /**
   * A node that joins (or starts again) takes its keys back from the nodes that hold them before
   * it serves: each of its keys is then a hit there, nothing is loaded again, and no peek is
   * needed. A value written there since the take-back began is not replaced by the older one.
   */
  @Test
  void aNodeThatJoinsTakesItsKeysBackFromTheNodesThatHoldThem() {
    testNodes.start(2, TestNode::start);
    List<String> keys = keys(300);
    for (String k : keys) {
      nodes.get(0).group.get(k);
    }
    int loadsBefore = nodes.get(0).loads.get() + nodes.get(1).loads.get();
    testNodes.start(1, TestNode::start); // joins: every node lists it
    TestNode joined = nodes.get(2);
    List<String> ownedByJoined = keys.stream().filter(k -> joined.url.equals(joined.cache.ownerOf(k))).toList();
    assertThat(ownedByJoined).hasSizeGreaterThan(10);
    String written = ownedByJoined.get(0);
    joined.group.set(written, ByteView.of("newer")); // held here before the take-back: it stays

    long kept = joined.cache.takeBack();

    assertThat(kept).as("the joined node's keys, but the one it holds already").isEqualTo(ownedByJoined.size() - 1);
    assertThat(joined.cache.handoffStats().received()).isEqualTo(kept);
    assertThat(nodes.get(0).cache.handoffStats().handedOff() + nodes.get(1).cache.handoffStats().handedOff())
        .as("entries the other nodes gave back").isEqualTo(kept + joined.cache.handoffStats().receivedDropped());
    for (String k : ownedByJoined) {
      byte[] want = k.equals(written) ? "newer".getBytes(StandardCharsets.UTF_8) : TestNode.goValue(k);
      assertThat(joined.group.get(k).toByteArray()).as(k).isEqualTo(want);
    }
    assertThat(joined.loads.get()).as("keys the joined node loaded").isZero();
    assertThat(nodes.get(0).loads.get() + nodes.get(1).loads.get()).as("keys loaded again").isEqualTo(loadsBefore);
    assertThat(joined.group.stats().foundAtPreviousOwner()).as("peeks needed").isZero();
  }

  /**
   * A node that its peers do not list yet gets nothing back at its take-back: they would not send
   * it the writes of those keys. Once they list it (a scale-up: the others add a node once it is
   * ready), it asks again and gets its keys back, with nothing loaded again.
   */
  @Test
  void aNodeThePeersDoNotListYetTakesItsKeysBackOnceTheyDo() {
    testNodes.start(2, TestNode::start);
    List<String> keys = keys(300);
    for (String k : keys) {
      nodes.get(0).group.get(k);
    }
    int loadsBefore = nodes.get(0).loads.get() + nodes.get(1).loads.get();
    TestNode early = TestNode.start();
    testNodes.all.add(early); // closed after the test
    List<String> urls = List.of(nodes.get(0).url, nodes.get(1).url, early.url);
    early.cache.setPeers(urls); // it lists them; they do not list it

    assertThat(early.cache.takeBack()).isZero();
    assertThat(nodes.get(0).cache.handoffStats().handedOff() + nodes.get(1).cache.handoffStats().handedOff()).isZero();

    List<String> ownedByEarly = keys.stream().filter(k -> early.url.equals(early.cache.ownerOf(k))).toList();
    assertThat(ownedByEarly).hasSizeGreaterThan(10);
    nodes.get(0).cache.setPeers(urls);
    nodes.get(1).cache.setPeers(urls);
    await().atMost(Duration.ofSeconds(15)).until(() -> early.cache.handoffStats().received() == ownedByEarly.size());
    assertThat(nodes.get(0).cache.handoffStats().handedOff() + nodes.get(1).cache.handoffStats().handedOff())
        .isEqualTo(ownedByEarly.size());
    for (String k : ownedByEarly) {
      assertThat(early.group.get(k).toByteArray()).as(k).isEqualTo(TestNode.goValue(k));
    }
    assertThat(early.loads.get()).as("keys the node loaded").isZero();
    assertThat(early.group.stats().foundAtPreviousOwner()).as("peeks needed").isZero();
    assertThat(nodes.get(0).loads.get() + nodes.get(1).loads.get()).as("keys loaded again").isEqualTo(loadsBefore);
  }

  /**
   * Three nodes, every key read twice through the first (so that it keeps copies of the others'
   * keys), then the third crashes (nothing handed over) and a node on another address takes its
   * place and its keys back: what that scenario leaves, for the tests of loading ahead.
   */
  private record Crashed(TestNode replacement, List<String> owned, List<String> lost) {}

  private Crashed crashedAndReplaced(Loader values) {
    testNodes.start(2, () -> TestNode.start(b -> {}, values));
    testNodes.start(1, () -> TestNode.start(b -> {}, cb -> cb.handoffTime(Duration.ZERO), values,
        (n, loader) -> n.cache.newGroup(TestNode.GROUP, 64 << 20, loader))); // a crash hands nothing over
    // 1000 keys: the crashed node's share and its replacement's share of the golang ring vary with
    // their random ports, and the keys in both numbered 3 of 300 in one run.
    List<String> keys = keys(1000);
    for (int round = 0; round < 2; round++) { // a key's second fetch keeps a copy of it at the first node
      for (String k : keys) {
        nodes.get(0).group.get(k);
      }
    }
    TestNode crashed = nodes.remove(2);
    List<String> ownedByCrashed = keys.stream().filter(k -> crashed.url.equals(crashed.cache.ownerOf(k))).toList();
    crashed.close();
    TestNode replacement = testNodes.start(1, () -> TestNode.start(b -> {}, values)).get(2);
    List<String> owned = keys.stream().filter(k -> replacement.url.equals(replacement.cache.ownerOf(k))).toList();
    List<String> lost = owned.stream().filter(ownedByCrashed::contains).toList();
    assertThat(lost).as("keys the crashed node owned that its replacement owns").hasSizeGreaterThan(5);
    return new Crashed(replacement, owned, lost);
  }

  /** The loader of {@link TestNode#goValue}, whose load of one key (once named) blocks until released. */
  private static final class OneSlowKey implements Loader {
    final AtomicReference<String> key = new AtomicReference<>();
    final CountDownLatch loading = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public byte[] load(String k) throws Exception {
      if (k.equals(key.get())) {
        loading.countDown();
        assertThat(release.await(30, TimeUnit.SECONDS)).as("released").isTrue();
      }
      return TestNode.goValue(k);
    }

    void awaitLoading() throws InterruptedException {
      assertThat(loading.await(30, TimeUnit.SECONDS)).as("the key is loaded ahead").isTrue();
    }
  }

  /** {@code node}'s take-back, begun on a thread of its own. */
  private static Thread takingBack(TestNode node) {
    Thread t = new Thread(node.cache::takeBack, "take-back");
    t.start();
    return t;
  }

  private static void assertEnded(Thread takingBack) throws InterruptedException {
    takingBack.join(30_000);
    assertThat(takingBack.isAlive()).as("the take-back ended").isFalse();
  }

  /**
   * After a crash nothing was handed over, and nobody loaded the keys the peers served from their
   * copies while the node was away: the node that takes its keys back loads those ahead, once
   * each, before it serves, so that its first requests do not wait on the origin for them. A key
   * removed since is not among them (the remove dropped the copies too), and the keys the others
   * owned before are given back, not loaded.
   */
  @Test
  void aNodeThatTakesItsKeysBackLoadsAheadTheKeysItsPeersHeldOnlyAsCopies() {
    Crashed c = crashedAndReplaced(TestNode::goValue);
    TestNode back = c.replacement();
    String removed = c.lost().get(0);
    nodes.get(1).group.remove(removed);
    List<String> inDemand = c.lost().subList(1, c.lost().size());
    int loadsOfOthers = nodes.get(0).loads.get() + nodes.get(1).loads.get();

    long kept = back.cache.takeBack();

    assertThat(back.cache.handoffStats().loadedAhead()).isEqualTo(inDemand.size());
    for (String k : inDemand) {
      assertThat(back.loadsOf(k)).as("loads of %s", k).isEqualTo(1);
    }
    assertThat(back.loads.get()).as("keys loaded, all of them ahead").isEqualTo(inDemand.size());
    assertThat(kept).as("the keys the other nodes owned before, given back")
        .isEqualTo(c.owned().size() - c.lost().size());
    for (String k : c.owned()) {
      assertThat(back.group.get(k).toByteArray()).as(k).isEqualTo(TestNode.goValue(k));
    }
    assertThat(back.loadsOf(removed)).as("the removed key, loaded on its first get").isEqualTo(1);
    assertThat(back.loads.get()).as("keys loaded once it served").isEqualTo(inDemand.size() + 1);
    assertThat(nodes.get(0).loads.get() + nodes.get(1).loads.get()).as("keys the others loaded")
        .isEqualTo(loadsOfOthers);
  }

  /** A value loaded ahead never wins over a write of its key made while it loaded. */
  @Test
  void aValueLoadedAheadNeverWinsOverAWriteMadeWhileItLoaded() throws Exception {
    OneSlowKey slow = new OneSlowKey();
    Crashed c = crashedAndReplaced(slow);
    TestNode back = c.replacement();
    String written = c.lost().get(0);
    slow.key.set(written);
    Thread takingBack = takingBack(back);
    try {
      slow.awaitLoading();
      nodes.get(0).group.set(written, ByteView.of("newer")); // its owner is the node taking its keys back
    } finally {
      slow.release.countDown();
    }
    assertEnded(takingBack);

    assertThat(back.cache.handoffStats().loadedAhead()).as("all but the written key").isEqualTo(c.lost().size() - 1);
    assertThat(text(back.group.get(written))).isEqualTo("newer");
    assertThat(text(nodes.get(1).group.get(written))).isEqualTo("newer");
    assertThat(back.loadsOf(written)).isEqualTo(1);
  }

  /**
   * A peer that routes a key to the node already, while that node loads it ahead, waits for that
   * load: the key is loaded once, not once ahead and once more for the peer.
   */
  @Test
  void aPeersFetchOfAKeyBeingLoadedAheadWaitsForThatLoad() throws Exception {
    OneSlowKey slow = new OneSlowKey();
    Crashed c = crashedAndReplaced(slow);
    TestNode back = c.replacement();
    TestNode asking = nodes.get(1); // holds no copy: its get goes to the key's owner
    String key = c.lost().get(0);
    slow.key.set(key);
    await().atMost(Duration.ofSeconds(20)).until(() -> back.url.equals(asking.cache.ownerOf(key)));
    Thread takingBack = takingBack(back);
    CompletableFuture<ByteView> got;
    try {
      slow.awaitLoading();
      long served = back.group.stats().serverRequests();
      got = asking.group.getAsync(key);
      await().atMost(Duration.ofSeconds(20)).until(() -> back.group.stats().serverRequests() > served);
    } finally {
      slow.release.countDown();
    }
    assertThat(got.get(30, TimeUnit.SECONDS).toByteArray()).isEqualTo(TestNode.goValue(key));
    assertEnded(takingBack);

    assertThat(back.loadsOf(key)).as("loads of the key at the node that loaded it ahead").isEqualTo(1);
    assertThat(asking.loadsOf(key)).as("loads of the key at the peer that asked for it").isZero();
    assertThat(back.cache.handoffStats().loadedAhead()).isEqualTo(c.lost().size());
    assertThat(text(back.group.get(key))).isEqualTo(new String(TestNode.goValue(key), StandardCharsets.UTF_8));
    assertThat(back.loadsOf(key)).as("served from the entry loaded ahead").isEqualTo(1);
  }

  @Test
  void aHandedOffValueNeverWinsOverAWriteSinceTheNotice() throws Exception {
    testNodes.start(2, TestNode::start);
    TestNode receiver = nodes.get(0);
    HandoffClient sender = (HandoffClient) nodes.get(1).transport.client(receiver.url);
    try {
      String from = nodes.get(1).url;
      ByteView old = ByteView.of("old");
      assertThatThrownBy(() -> sender.handoff(from, Duration.ofSeconds(5),
          List.of(entry("early", old))).get(10, TimeUnit.SECONDS))
          .as("entries without a notice first are refused").isInstanceOf(ExecutionException.class);

      nodes.get(1).cache.drain(); // as a departing node does before its notice
      assertThat(sender.handoff(from, Duration.ofSeconds(10), List.of()).get(10, TimeUnit.SECONDS))
          .isEqualTo(new HandoffClient.Reply(0, 0));
      assertThat(receiver.cache.peerState(from).orElseThrow().ownership())
          .as("the sender is draining here as soon as its notice is answered")
          .isEqualTo(org.groupcache4j.peer.OwnershipState.DRAINING);
      receiver.cache.peerRequestHandler().remove(TestNode.GROUP, "removed");
      receiver.cache.peerRequestHandler().set(TestNode.GROUP, "set", ByteView.of("new"), 0);
      HandoffClient.Reply r = sender.handoff(from, Duration.ofSeconds(10),
          List.of(entry("removed", old), entry("set", old), entry("untouched", old),
              new HandoffEntry(TestNode.GROUP, "absent", PeerValue.notFound("no such player",
                  (System.currentTimeMillis() + 60_000) * 1_000_000)))).get(10, TimeUnit.SECONDS);
      assertThat(r).isEqualTo(new HandoffClient.Reply(2, 2));

      assertThat(text(receiver.group.get("set"))).isEqualTo("new");
      assertThat(text(receiver.group.get("removed"))).as("loaded anew, not the handed-off value")
          .isEqualTo(new String(TestNode.goValue("removed"), StandardCharsets.UTF_8));
      assertThat(text(receiver.group.get("untouched"))).isEqualTo("old");
      assertThatThrownBy(() -> receiver.group.get("absent")).hasMessageContaining("no such player");
      assertThat(receiver.loadsOf("untouched")).isZero();
      assertThat(receiver.loadsOf("absent")).isZero();
      assertThat(receiver.cache.handoffStats()).isEqualTo(new HandoffStats(0, 0, 2, 2, 0));
      assertThat(receiver.cache.ownerOf("set")).as("the sender owns no key here during its window")
          .isEqualTo(receiver.url);
    } finally {
      ((org.groupcache4j.peer.PeerClient) sender).close();
    }
  }

  private static HandoffEntry entry(String key, ByteView value) {
    return new HandoffEntry(TestNode.GROUP, key, PeerValue.of(value, 0));
  }

  @Test
  void aReceiverThatRefusesABatchIsPlannedAroundAndItsShareGoesToTheNextOwner() {
    // One of ours that takes the notice and then refuses every batch, as a node that began to
    // depart meanwhile does (503); it answers fetches and probes as our nodes do.
    java.util.concurrent.atomic.AtomicInteger posts = new java.util.concurrent.atomic.AtomicInteger();
    try (FakePeer departing = new FakePeer((c, n, head) -> {
      String node = "x-groupcache4j-node: writes";
      if (head.startsWith("POST ") && head.contains("/_handoff")) {
        return posts.incrementAndGet() == 1
            ? FakePeer.response(200, "OK", "application/x-protobuf", new byte[0], node)
            : FakePeer.response(503, "Service Unavailable", "text/plain", "departing itself".getBytes(), node);
      }
      return FakePeer.response(200, "OK", "application/x-protobuf", new byte[] {0x0a, 0x01, 'v'}, node);
    })) {
      testNodes.start(2, TestNode::start);
      TestNode leaving = nodes.get(0);
      TestNode staying = nodes.get(1);
      List<String> urls = List.of(leaving.url, staying.url, departing.url());
      nodes.forEach(n -> n.cache.setPeers(urls));
      List<String> keys = keys(300);
      for (String k : keys) {
        leaving.group.get(k);
      }
      org.groupcache4j.ring.HashRing withoutLeaving = leaving.cache.ring().withPeers(List.of(staying.url,
          departing.url()));
      List<String> owned = keys.stream().filter(k -> leaving.url.equals(leaving.cache.ownerOf(k))).toList();
      assertThat(owned.stream().filter(k -> departing.url().equals(withoutLeaving.owner(k))))
          .as("keys whose next owner is the departing peer").isNotEmpty();

      nodes.remove(leaving);
      leaving.close();

      assertThat(posts.get()).as("the notice and the one batch it refused").isEqualTo(2);
      assertThat(leaving.cache.handoffStats().handedOffKept()).as("every entry, at the node that stays")
          .isEqualTo(owned.size());
      assertThat(staying.cache.handoffStats().received()).isEqualTo(owned.size());
    }
  }

  @Test
  void aPeerThatIsNotOneOfOursIsNeverSentAHandoff() {
    // Answers as golang/groupcache does: any method as a GET, no header of ours.
    try (FakePeer go = new FakePeer((c, n, head) -> FakePeer.response(200, "OK", "application/x-protobuf",
        new byte[0]))) {
      testNodes.start(2, TestNode::start);
      List<String> urls = List.of(nodes.get(0).url, nodes.get(1).url, go.url());
      nodes.forEach(n -> n.cache.setPeers(urls));
      for (String k : keys(200)) {
        nodes.get(1).group.get(k);
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> go.requests.size() >= 2); // probes: it answers them
      TestNode leaving = nodes.remove(1);
      leaving.close();
      assertThat(leaving.cache.handoffStats().handedOff()).as("entries went to the node of ours").isPositive();
      assertThat(go.requests).as("requests the golang peer was sent").noneMatch(r -> r.contains("_handoff"))
          .noneMatch(r -> r.startsWith("POST"));
    }
  }
}
