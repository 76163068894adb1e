package org.groupcache4j.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.groupcache4j.ByteView;
import org.groupcache4j.CacheObserver;
import org.groupcache4j.peer.PeerState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Failure detection over real sockets: a peer that accepts connections and never answers is
 * judged down by probes within about a second; a peer whose loads are slow is not, even when
 * every pooled connection to it is busy with a slow fetch.
 */
class PeerHealthTest {
  @RegisterExtension final TestNodes testNodes = new TestNodes();
  private final List<TestNode> nodes = testNodes.all;

  private static List<String> keysOwnedBy(TestNode asker, String owner, int n) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; keys.size() < n; i++) {
      if (asker.cache.ownerOf("h" + i).equals(owner)) {
        keys.add("h" + i);
      }
    }
    return keys;
  }

  @Test
  void aPeerThatNeverAnswersIsJudgedDownWithinAboutASecondAndItsKeysAreLoadedHere() throws Exception {
    try (FakePeer silent = new FakePeer((c, r, head) -> FakePeer.SILENCE)) { // a frozen process: accepts, never answers
      TestNode asker = TestNode.start(b -> b.responseTimeout(Duration.ofSeconds(60)), TestNode::goValue,
          (n, loader) -> n.cache.groupBuilder(TestNode.GROUP).loader(loader).peerTimeout(Duration.ofSeconds(60)).build());
      nodes.add(asker);
      asker.cache.setPeers(asker.url, silent.url());
      List<String> keys = keysOwnedBy(asker, silent.url(), 5);
      long start = System.nanoTime();
      List<CompletableFuture<ByteView>> answers = keys.stream().map(asker.group::getAsync).toList();
      for (int i = 0; i < keys.size(); i++) {
        assertThat(answers.get(i).get(10, TimeUnit.SECONDS).toByteArray()).isEqualTo(TestNode.goValue(keys.get(i)));
        assertThat(asker.loadsOf(keys.get(i))).isEqualTo(1);
      }
      long ms = (System.nanoTime() - start) / 1_000_000;
      // Judged down after about a second (the probe timeout), far from the 60 s deadline; the margin is for a loaded machine.
      assertThat(ms).as("released by the failure detector, not at the 60 s deadline").isLessThan(10_000);
      assertThat(asker.cache.peerStates()).singleElement().satisfies(p -> {
        assertThat(p.status()).isEqualTo(PeerState.Status.DOWN);
        assertThat(p.reason()).contains("no answer to a probe within 1000 ms");
      });
      assertThat(asker.cache.ownerOf(keys.get(0))).isEqualTo(asker.url);
    }
  }

  @Test
  void slowLoadsAtTheOwnerDoNotMakeItDownEvenWithEveryConnectionBusy() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger loading = new AtomicInteger();
    TestNode owner = TestNode.start(b -> {}, key -> {
      loading.incrementAndGet();
      if (!release.await(30, TimeUnit.SECONDS)) { // a slow origin, until the test has seen what it waits for
        throw new IllegalStateException("not released within 30 s");
      }
      return TestNode.goValue(key);
    }, (n, loader) -> n.cache.newGroup(TestNode.GROUP, 1 << 20, loader));
    nodes.add(owner);
    List<PeerState> changes = new CopyOnWriteArrayList<>();
    TestNode asker = TestNode.start(b -> b.maxConnectionsPerPeer(2), c -> c.observer(new CacheObserver() {
      @Override
      public void peerStateChanged(PeerState state) {
        changes.add(state);
      }
    }), TestNode::goValue, (n, loader) -> n.cache.newGroup(TestNode.GROUP, 1 << 20, loader));
    nodes.add(asker);
    // The owner has answered a probe before its connections are made busy.
    TestNodes.setPeers(List.of(owner, asker));

    List<String> keys = keysOwnedBy(asker, owner.url, 2);
    try {
      List<CompletableFuture<ByteView>> answers = keys.stream().map(asker.group::getAsync).toList();
      // Both loads running at the owner: every pooled connection to it is busy, so probes open their own.
      await().atMost(Duration.ofSeconds(20)).until(() -> loading.get() == keys.size());
      // Several probe intervals, and longer than the probe timeout (1 s), with every connection busy:
      // the owner stays up, having answered every probe.
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(20)).until(() -> asker.cache.peerStates().stream()
          .allMatch(p -> p.isUp() && p.reason().equals("answers probes")));
      release.countDown();
      for (int i = 0; i < keys.size(); i++) {
        assertThat(answers.get(i).get(30, TimeUnit.SECONDS).toByteArray()).isEqualTo(TestNode.goValue(keys.get(i)));
        assertThat(owner.loadsOf(keys.get(i))).as("loaded by the owner").isEqualTo(1);
        assertThat(asker.loadsOf(keys.get(i))).as("not here").isZero();
      }
    } finally {
      release.countDown();
    }
    assertThat(changes).as("the owner was never judged down").isEmpty();
    assertThat(asker.cache.peerStates()).singleElement().satisfies(p -> {
      assertThat(p.isUp()).isTrue();
      assertThat(p.reason()).isEqualTo("answers probes");
    });
    assertThat(asker.group.stats().peerErrors()).isZero();
  }
}
