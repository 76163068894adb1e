package org.groupcache4j.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
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
      assertThat(ms).as("released by the failure detector, not at the 60 s deadline").isLessThan(3_000);
      assertThat(asker.cache.peerStates()).singleElement().satisfies(p -> {
        assertThat(p.status()).isEqualTo(PeerState.Status.DOWN);
        assertThat(p.reason()).contains("no answer to a probe within 1000 ms");
      });
      assertThat(asker.cache.ownerOf(keys.get(0))).isEqualTo(asker.url);
    }
  }

  @Test
  void slowLoadsAtTheOwnerDoNotMakeItDownEvenWithEveryConnectionBusy() throws Exception {
    TestNode owner = TestNode.start(b -> {}, key -> {
      Thread.sleep(5_000); // a slow origin
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
    owner.cache.setPeers(owner.url, asker.url);
    asker.cache.setPeers(owner.url, asker.url);

    List<String> keys = keysOwnedBy(asker, owner.url, 2); // every connection busy for 5 s: probes open their own
    List<CompletableFuture<ByteView>> answers = keys.stream().map(asker.group::getAsync).toList();
    for (int i = 0; i < keys.size(); i++) {
      assertThat(answers.get(i).get(30, TimeUnit.SECONDS).toByteArray()).isEqualTo(TestNode.goValue(keys.get(i)));
      assertThat(owner.loadsOf(keys.get(i))).as("loaded by the owner").isEqualTo(1);
      assertThat(asker.loadsOf(keys.get(i))).as("not here").isZero();
    }
    assertThat(changes).as("the owner was never judged down").isEmpty();
    assertThat(asker.cache.peerStates()).singleElement().satisfies(p -> assertThat(p.isUp()).isTrue());
    assertThat(asker.group.stats().peerErrors()).isZero();
  }
}
