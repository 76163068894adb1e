package org.groupcache4j.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.groupcache4j.ByteView;
import org.groupcache4j.GroupCache;
import org.groupcache4j.WriteResult;
import org.groupcache4j.http.internal.protocol.PeerMessages;
import org.groupcache4j.peer.PeerState;
import org.groupcache4j.ring.HashRing;
import org.groupcache4j.ring.RingMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What our node sends to a peer that is not one of ours (a scripted server that answers as
 * golang/groupcache, mailgun/groupcache and groupcache-go do: 200 without our node header), by
 * ring mode: the writes each lineage takes, in its form; nothing at all in a balanced ring.
 */
class RingModePeersTest {
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  /** A peer of another lineage: every request answered 200, a GET with the key's value. */
  private FakePeer otherLineage() {
    FakePeer p = new FakePeer((conn, n, head) -> head.startsWith("GET ")
        ? FakePeer.protobufOk(("theirs:" + head.split(" ")[1]).getBytes(StandardCharsets.UTF_8))
        : FakePeer.response(200, "OK", "text/plain", new byte[0]));
    closing.add(p);
    return p;
  }

  private TestNode ours(RingMode mode, Consumer<GroupCache.Builder> more) {
    TestNode n = TestNode.start(b -> {}, c -> {
      c.ringMode(mode).peerProbeInterval(Duration.ofMillis(50)).peerProbeTimeout(Duration.ofSeconds(2));
      more.accept(c);
    }, TestNode::goValue, (node, loader) -> node.cache.newGroup(TestNode.GROUP, 1 << 20, loader));
    closing.add(n);
    return n;
  }

  /** Keys whose owner on {@code mode}'s ring of {@code peers} is {@code owner}. */
  private static List<String> keysOwnedBy(RingMode mode, List<String> peers, String owner, int n) {
    HashRing ring = HashRing.of(mode, peers);
    List<String> keys = new ArrayList<>();
    for (int i = 0; keys.size() < n; i++) {
      String k = "item-" + i + "-" + (i * 31);
      if (ring.owner(k).equals(owner)) {
        keys.add(k);
      }
    }
    return keys;
  }

  private static List<String> writes(FakePeer p) {
    return p.requests.stream().filter(h -> !h.startsWith("GET ")).map(h -> h.substring(0, h.indexOf(" HTTP/"))).toList();
  }

  @Test
  void inAMailgunRingTheirNodesGetPutsAndOneDeletePerKeyNeverARemoveKeysPost() {
    FakePeer mailgun = otherLineage();
    TestNode n = ours(RingMode.MAILGUN, c -> {});
    List<String> peers = List.of(mailgun.url(), n.url);
    n.cache.setPeers(peers);
    List<String> theirs = keysOwnedBy(RingMode.MAILGUN, peers, mailgun.url(), 3);

    WriteResult set = n.group.set(theirs.get(0), ByteView.of("v"));
    assertThat(set.told()).containsExactly(mailgun.url());
    WriteResult removed = n.group.removeAll(theirs);
    assertThat(removed.told()).containsExactly(mailgun.url());
    assertThat(removed.notTold()).isEmpty();

    List<String> sent = writes(mailgun);
    assertThat(sent.get(0)).isEqualTo("PUT /_groupcache/scores/" + theirs.get(0));
    assertThat(sent.subList(1, sent.size())).containsExactlyInAnyOrder("DELETE /_groupcache/scores/" + theirs.get(0),
        "DELETE /_groupcache/scores/" + theirs.get(1), "DELETE /_groupcache/scores/" + theirs.get(2));
    int put = mailgun.requests.indexOf(mailgun.requests.stream().filter(h -> h.startsWith("PUT ")).findFirst().orElseThrow());
    PeerMessages.SetRequestBody body = PeerMessages.decodeSetRequest(io.netty.buffer.Unpooled.wrappedBuffer(mailgun.bodies.get(put)));
    assertThat(body.key()).isEqualTo(theirs.get(0));
    assertThat(body.value().toString(StandardCharsets.UTF_8)).isEqualTo("v");
    assertThat(mailgun.requests).filteredOn(h -> !h.startsWith("GET ")).allSatisfy(h ->
        assertThat(h.toLowerCase()).as("our writes are marked as ours").contains("x-groupcache4j-node: writes"));
  }

  @Test
  void inAGroupcacheGoRingTheirNodesGetTheRemoveKeysPost() {
    FakePeer go = otherLineage();
    TestNode n = ours(RingMode.GROUPCACHE_GO, c -> {});
    List<String> peers = List.of(go.url(), n.url);
    n.cache.setPeers(peers);
    List<String> theirs = keysOwnedBy(RingMode.GROUPCACHE_GO, peers, go.url(), 2);

    assertThat(n.group.removeAll(theirs).told()).containsExactly(go.url());
    assertThat(writes(go)).containsExactly("POST /_groupcache/scores/_remove-keys/");
    int post = go.requests.indexOf(go.requests.stream().filter(h -> h.startsWith("POST ")).findFirst().orElseThrow());
    String json = new String(go.bodies.get(post), StandardCharsets.UTF_8);
    assertThat(json).isEqualTo("{\"group\":\"scores\",\"keys\":[\"" + theirs.get(0) + "\",\"" + theirs.get(1) + "\"]}");
  }

  @Test
  void inAGolangRingANodeWithoutOurHeaderIsNeverSentAWrite() {
    FakePeer golang = otherLineage();
    TestNode n = ours(RingMode.GOLANG, c -> {});
    List<String> peers = List.of(golang.url(), n.url);
    n.cache.setPeers(peers);
    String mine = keysOwnedBy(RingMode.GOLANG, peers, n.url, 1).get(0);
    WriteResult r = n.group.remove(mine);
    assertThat(r.notTold()).containsOnlyKeys(golang.url());
    assertThat(r.notTold().get(golang.url())).contains("does not take writes");
    assertThat(writes(golang)).isEmpty();
  }

  /**
   * A balanced ring has no room for another groupcache: at its first answer without our header the
   * peer is judged down, with why, and left out of the ring; it is sent no fetch and no write, and
   * its keys are loaded by our nodes, each once.
   */
  @Test
  void aBalancedRingLeavesOutAPeerThatIsNotOneOfOursAndSaysWhy() {
    FakePeer golang = otherLineage();
    TestNode a = ours(RingMode.BALANCED, c -> {});
    TestNode b = ours(RingMode.BALANCED, c -> {});
    List<String> peers = List.of(golang.url(), a.url, b.url);
    a.cache.setPeers(peers);
    b.cache.setPeers(peers);
    for (TestNode n : List.of(a, b)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> n.cache.peerState(golang.url()).map(s -> !s.isUp()).orElse(false));
      PeerState s = n.cache.peerState(golang.url()).orElseThrow();
      assertThat(s.reason()).contains("is not a groupcache4j node").contains("balanced")
          .contains("ring mode golang");
      assertThat(n.cache.peerState(n == a ? b.url : a.url).orElseThrow().isUp()).isTrue();
    }
    List<String> wouldBeTheirs = keysOwnedBy(RingMode.BALANCED, peers, golang.url(), 20);
    // the ring without it is formed just after the state is set
    await().atMost(Duration.ofSeconds(10)).until(() -> wouldBeTheirs.stream().noneMatch(k ->
        a.cache.ownerOf(k).equals(golang.url()) || b.cache.ownerOf(k).equals(golang.url())));
    for (String k : wouldBeTheirs) {
      assertThat(a.cache.ownerOf(k)).as("owner of %s at a: %s, at b: %s; a's states %s, b's %s", k, a.cache.ring(),
          b.cache.ring(), a.cache.peerStates(), b.cache.peerStates())
          .isNotEqualTo(golang.url()).isEqualTo(b.cache.ownerOf(k));
      assertThat(a.group.get(k).toByteArray()).isEqualTo(TestNode.goValue(k));
      assertThat(b.group.get(k).toByteArray()).isEqualTo(TestNode.goValue(k));
      assertThat(a.loadsOf(k) + b.loadsOf(k)).as("loads of %s", k).isEqualTo(1);
    }
    WriteResult r = a.group.remove(wouldBeTheirs.get(0));
    assertThat(r.notTold()).containsOnlyKeys(golang.url());
    assertThat(golang.requests).as("only probes reached it").allSatisfy(h -> assertThat(h).startsWith("GET /_groupcache/ "));
  }

  /** The fingerprint covers the mode: two nodes of one peer list in two modes notice it at their first fetch. */
  @Test
  void nodesOfTwoRingModesCountARingMismatch() {
    TestNode a = ours(RingMode.GOLANG, c -> {});
    TestNode b = ours(RingMode.MAILGUN, c -> {});
    List<String> peers = List.of(a.url, b.url);
    a.cache.setPeers(peers);
    b.cache.setPeers(peers);
    String bKey = keysOwnedBy(RingMode.GOLANG, peers, b.url, 1).get(0);
    a.group.get(bKey);
    assertThat(a.cache.ringMismatches()).isPositive();
    assertThat(b.cache.ringMismatches()).isPositive();
    assertThat(a.cache.lastRingMismatchPeer()).isEqualTo(b.url);
  }
}
