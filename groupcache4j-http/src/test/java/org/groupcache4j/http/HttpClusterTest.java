package org.groupcache4j.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.groupcache4j.ByteView;
import org.groupcache4j.testing.ClusterFormation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Three (then four) nodes in one JVM, talking HTTP over loopback sockets. */
class HttpClusterTest {
  @RegisterExtension final TestNodes testNodes = new TestNodes();
  private final List<TestNode> nodes = testNodes.all;

  private List<TestNode> cluster(int n) {
    return testNodes.start(n, TestNode::start);
  }

  private static List<String> keys(String prefix, int n) {
    return Stream.iterate(0, i -> i + 1).limit(n).map(i -> prefix + i).toList();
  }

  private TestNode node(String url) {
    return nodes.stream().filter(n -> n.url.equals(url)).findFirst().orElseThrow();
  }

  @Test
  void everyKeyIsLoadedOnceByItsOwnerWhicheverNodeIsAsked() {
    cluster(3);
    List<String> keys = keys("k", 300);
    for (int i = 0; i < keys.size(); i++) {
      String k = keys.get(i);
      for (int j = 0; j < 3; j++) {
        TestNode asked = nodes.get((i + j) % 3); // each node is the first to miss a third of the keys
        assertThat(asked.group.get(k).toByteArray()).isEqualTo(TestNode.goValue(k));
      }
    }
    for (String k : keys) {
      String owner = nodes.get(0).cache.ownerOf(k);
      assertThat(nodes).allSatisfy(n -> assertThat(n.cache.ownerOf(k)).isEqualTo(owner));
      for (TestNode n : nodes) {
        assertThat(n.loadsOf(k)).as("loads of %s at %s (owner %s)", k, n, owner).isEqualTo(n.url.equals(owner) ? 1 : 0);
      }
    }
    assertThat(nodes).allSatisfy(n -> {
      assertThat(n.loads.get()).as("a fair share of keys at %s", n).isBetween(30, 200);
      assertThat(n.group.stats().peerErrors()).isZero();
      assertThat(n.group.stats().peerLoads()).isPositive();
    });
  }

  @Test
  void aThousandConcurrentRequestsForOneNewKeyMakeOneLoad() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    for (int i = 0; i < 3; i++) {
      nodes.add(TestNode.start(b -> {}, key -> {
        entered.countDown();
        release.await(30, TimeUnit.SECONDS);
        return TestNode.goValue(key);
      }));
    }
    TestNodes.setPeers(nodes);
    String key = "new-key";
    TestNode owner = node(nodes.get(0).cache.ownerOf(key));

    List<CompletableFuture<ByteView>> answers = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      answers.add(nodes.get(i % 3).group.getAsync(key));
    }
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    // both other nodes' single fetches have reached the owner, which is still loading
    await().atMost(Duration.ofSeconds(10)).until(() -> owner.group.stats().serverRequests() == 2);
    release.countDown();

    CompletableFuture.allOf(answers.toArray(new CompletableFuture[0])).get(20, TimeUnit.SECONDS);
    assertThat(answers).allSatisfy(f -> assertThat(f.join().toByteArray()).isEqualTo(TestNode.goValue(key)));
    assertThat(nodes.stream().mapToInt(n -> n.loads.get()).sum()).isEqualTo(1);
    assertThat(owner.loadsOf(key)).isEqualTo(1);
    for (TestNode n : nodes) {
      if (n != owner) {
        assertThat(n.group.stats().peerLoads()).as("fetches from %s to the owner", n).isEqualTo(1);
      }
    }
  }

  @Test
  void aStoppedNodeIsJudgedDownAtOnceAndItsKeysGoToTheOthersWithoutClientErrors() {
    cluster(3);
    TestNode dead = nodes.get(2);
    List<String> itsKeys = keys("d", 400).stream()
        .filter(k -> dead.cache.ownerOf(k).equals(dead.url)).limit(40).toList();
    assertThat(itsKeys).hasSize(40);
    // warm connections to it first, so that the pools hold connections that then die
    for (String k : keys("warm", 30)) {
      nodes.get(0).group.get(k);
      nodes.get(1).group.get(k);
    }
    // a peer that never answered may refuse connections for a while (nodes start together): every
    // node has heard from every other (again, if the warm-up made one judge another down)
    ClusterFormation.awaitFormed(nodes.stream().map(n -> n.cache).toList(), TestNodes.FORMED_WITHIN);
    dead.close();
    org.groupcache4j.ring.HashRing without = org.groupcache4j.ring.HashRing.of(List.of(nodes.get(0).url, nodes.get(1).url));

    for (String k : itsKeys) {
      for (TestNode n : nodes.subList(0, 2)) {
        assertThat(n.group.get(k).toByteArray()).isEqualTo(TestNode.goValue(k));
      }
    }
    for (TestNode n : nodes.subList(0, 2)) {
      // judged down by its first refused fetch, or by a probe refused before any fetch; a node that
      // closes tells its peers first (its handoff), so they may ask it nothing and hear of it by a probe
      assertThat(n.group.stats().peerErrors()).as("peer errors at %s: the first refused fetch at most", n)
          .isLessThanOrEqualTo(1);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(n.cache.peerStates())
          .filteredOn(p -> p.peer().equals(dead.url)).singleElement()
          .satisfies(p -> assertThat(p.reason()).containsIgnoringCase("refused")));
    }
    for (String k : itsKeys) {
      TestNode next = nodes.get(0).url.equals(without.owner(k)) ? nodes.get(0) : nodes.get(1);
      assertThat(nodes.get(0).loadsOf(k) + nodes.get(1).loadsOf(k)).as("%s loaded once in the cluster", k).isEqualTo(1);
      assertThat(next.loadsOf(k)).as("%s loaded by its owner on the ring without the stopped node", k).isEqualTo(1);
    }
  }

  @Test
  void fetchesWaitingOnAPeerJudgedDownAreReleasedToALocalLoadAtOnce() throws Exception {
    try (FakePeer frozen = new FakePeer((c, r, head) -> FakePeer.SILENCE)) { // accepts, never answers
      TestNode asker = TestNode.start(b -> b.responseTimeout(Duration.ofSeconds(60)),
          c -> c.peerProbeInterval(Duration.ZERO), TestNode::goValue, // released by hand here, not by probes
          (n, loader) -> n.cache.groupBuilder(TestNode.GROUP).loader(loader).peerTimeout(Duration.ofSeconds(60)).build());
      nodes.add(asker);
      asker.cache.setPeers(asker.url, frozen.url());
      List<String> keys = keys("frozen", 200).stream().filter(k -> asker.cache.ownerOf(k).equals(frozen.url())).limit(3).toList();
      List<CompletableFuture<ByteView>> answers = keys.stream().map(asker.group::getAsync).toList();
      await().atMost(Duration.ofSeconds(10)).until(() -> frozen.requests.size() == keys.size());
      assertThat(answers).noneMatch(CompletableFuture::isDone);

      int released = asker.transport.failPending(frozen.url(), new java.io.IOException("peer judged down")).get(5, TimeUnit.SECONDS);
      assertThat(released).isEqualTo(keys.size());
      for (int i = 0; i < keys.size(); i++) {
        assertThat(answers.get(i).get(5, TimeUnit.SECONDS).toByteArray()).isEqualTo(TestNode.goValue(keys.get(i)));
        assertThat(asker.loadsOf(keys.get(i))).isEqualTo(1);
      }
      assertThat(asker.group.stats().peerErrors()).isEqualTo(keys.size());
    }
  }

  @Test
  void addingAFourthNodeMovesOnlyTheKeysItNowOwnsAndFindsThemAtTheirPreviousOwners() {
    cluster(3);
    List<String> keys = keys("m", 400);
    for (String k : keys) {
      for (TestNode n : nodes) {
        n.group.get(k);
      }
    }
    Map<String, String> before = new HashMap<>();
    keys.forEach(k -> before.put(k, nodes.get(0).cache.ownerOf(k)));
    Map<TestNode, Integer> loadsBefore = new HashMap<>();
    nodes.forEach(n -> loadsBefore.put(n, n.loads.get()));

    TestNode fourth = TestNode.start();
    nodes.add(fourth);
    TestNodes.setPeers(nodes);

    Set<String> moved = keys.stream().filter(k -> !fourth.cache.ownerOf(k).equals(before.get(k)))
        .collect(Collectors.toSet());
    for (String k : keys) {
      String now = nodes.get(0).cache.ownerOf(k);
      assertThat(now).as("owner of %s after adding %s", k, fourth).isIn(before.get(k), fourth.url);
      assertThat(moved.contains(k)).isEqualTo(now.equals(fourth.url));
    }
    assertThat(moved.size()).as("keys moved to the new node").isBetween(40, 200);

    for (String k : keys) {
      for (TestNode n : nodes) {
        assertThat(n.group.get(k).toByteArray()).isEqualTo(TestNode.goValue(k));
      }
    }
    // keys that stayed are still answered from their owner's cache; the new owner finds the moved keys at
    // their previous owners (a scale-up starts warm): nobody loads anything again
    for (TestNode n : nodes.subList(0, 3)) {
      assertThat(n.loads.get()).as("loads at %s", n).isEqualTo(loadsBefore.get(n));
    }
    assertThat(fourth.loadsByKey.keySet()).as("keys the new node loaded").isEmpty();
    assertThat(fourth.group.stats().foundAtPreviousOwner()).as("moved keys found at their previous owners")
        .isEqualTo(moved.size());
  }
}
