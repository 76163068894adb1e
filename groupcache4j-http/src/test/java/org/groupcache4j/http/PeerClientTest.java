package org.groupcache4j.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.groupcache4j.http.TestFutures.failureOf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.groupcache4j.GroupCacheException;
import org.groupcache4j.KeyNotFoundException;
import org.groupcache4j.LoadException;
import org.groupcache4j.LoadTimeoutException;
import org.groupcache4j.peer.PeerClient;
import org.groupcache4j.peer.PeerValue;
import org.groupcache4j.testing.FreePorts;
import org.groupcache4j.testing.RefusingPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The client side: what each kind of answer, or of silence, turns into; and connection reuse. */
class PeerClientTest {
  @RegisterExtension final Closer closer = new Closer();

  private HttpPeerTransport transport(java.util.function.Consumer<HttpPeerTransport.Builder> options) {
    HttpPeerTransport.Builder b = HttpPeerTransport.builder().eventLoopThreads(1);
    options.accept(b);
    return closer.open(b.build());
  }

  /** Two of our nodes; the asker's own loader must never run for keys the owner answers about. */
  private TestNode[] pair(org.groupcache4j.Loader ownerValues, java.util.function.BiFunction<TestNode, org.groupcache4j.Loader, org.groupcache4j.Group> groups) {
    TestNode a = closer.open(TestNode.start(b -> {}, TestNode::goValue, groups));
    TestNode b = closer.open(TestNode.start(x -> {}, ownerValues, groups));
    TestNodes.setPeers(List.of(a, b));
    return new TestNode[] {a, b};
  }

  private static String keyOwnedBy(TestNode owner, String prefix) {
    for (int i = 0; ; i++) {
      if (owner.cache.ownerOf(prefix + i).equals(owner.url)) {
        return prefix + i;
      }
    }
  }

  @Test
  void theOwnersLoaderErrorIsPassedBackNotLoadedAgain() {
    TestNode[] n = pair(key -> {
      if (key.startsWith("missing")) {
        throw new KeyNotFoundException("no row for " + key + " in table scores");
      }
      throw new IOException("database down\nsecond line");
    }, (node, loader) -> node.cache.newGroup(TestNode.GROUP, 1 << 20, loader));
    TestNode asker = n[0];
    TestNode owner = n[1];

    String key = keyOwnedBy(owner, "broken");
    assertThatThrownBy(() -> asker.group.get(key))
        .isInstanceOfSatisfying(LoadException.class, e -> {
          assertThat(e.isRemote()).isTrue();
          assertThat(e.owner()).isEqualTo(owner.url);
          assertThat(e.group()).isEqualTo(TestNode.GROUP);
          assertThat(e.key()).isEqualTo(key);
          assertThat(e.getMessage()).contains("java.io.IOException: database down second line").contains(owner.url);
        });
    String missing = keyOwnedBy(owner, "missing");
    assertThatThrownBy(() -> asker.group.get(missing))
        .isInstanceOfSatisfying(KeyNotFoundException.class, e -> {
          assertThat(e.isRemote()).isTrue();
          assertThat(e.detail()).isEqualTo("no row for " + missing + " in table scores");
        });
    assertThat(asker.loads.get()).as("the asker never loads what the owner failed").isZero();
    assertThat(asker.group.stats().peerErrors()).isZero();
    assertThat(owner.loads.get()).isEqualTo(2);
  }

  @Test
  void theOwnersLoadTimeoutIsPassedBack() {
    CountDownLatch never = new CountDownLatch(1);
    TestNode[] n = pair(key -> {
      never.await(10, TimeUnit.SECONDS);
      return new byte[0];
    }, (node, loader) -> node.cache.groupBuilder(TestNode.GROUP).loader(loader)
        .loadTimeout(Duration.ofMillis(200)).peerTimeout(Duration.ofSeconds(5)).build());
    try {
      String key = keyOwnedBy(n[1], "slow");
      assertThatThrownBy(() -> n[0].group.get(key))
          .isInstanceOfSatisfying(LoadTimeoutException.class, e -> assertThat(e.owner()).isEqualTo(n[1].url));
      assertThat(n[0].loads.get()).isZero();
    } finally {
      never.countDown();
    }
  }

  @Test
  void aPlain500AsGolangGroupcacheSendsItIsATransportFailure() {
    try (FakePeer go = new FakePeer((c, r, head) -> FakePeer.response(500, "Internal Server Error",
        "text/plain; charset=utf-8", "getter failed: boom\n".getBytes(StandardCharsets.UTF_8)))) {
      PeerClient client = transport(b -> {}).client(go.url());
      Throwable t = failureOf(client.fetch("scores", "k"));
      assertThat(t).isInstanceOf(PeerFetchException.class).isNotInstanceOf(GroupCacheException.class);
      assertThat(((PeerFetchException) t).reason()).isEqualTo(PeerFetchException.Reason.ERROR_STATUS);
      assertThat(t.getMessage()).contains("answered 500 Internal Server Error: getter failed: boom")
          .contains(go.url()).contains("'scores'").contains("'k'");
    }
  }

  @Test
  void anUnknownGroupAtThePeerIsATransportFailure() {
    TestNode peer = closer.open(TestNode.start());
    PeerClient client = transport(b -> {}).client(peer.url);
    try {
      Throwable t = failureOf(client.fetch("nosuch", "k"));
      assertThat(t).isInstanceOf(PeerFetchException.class).hasMessageContaining("404").hasMessageContaining("no such group: nosuch");
    } finally {
      client.close();
    }
  }

  @Test
  void aGolangGroupcacheErrorMakesOurNodeLoadLocally() {
    try (FakePeer go = new FakePeer((c, r, head) -> FakePeer.response(500, "Internal Server Error",
        "text/plain", "boom\n".getBytes(StandardCharsets.UTF_8)))) {
      TestNode ours = closer.open(TestNode.start());
      ours.cache.setPeers(ours.url, go.url());
      String key = keyOwnedBy(go.url(), ours, "g");
      assertThat(ours.group.get(key).toByteArray()).isEqualTo(TestNode.goValue(key));
      assertThat(ours.loadsOf(key)).isEqualTo(1);
      assertThat(ours.group.stats().peerErrors()).isEqualTo(1);
      assertThat(go.requests).filteredOn(r -> r.contains("/scores/")).as("fetches (probes aside)").hasSize(1);
    }
  }

  private static String keyOwnedBy(String ownerUrl, TestNode asker, String prefix) {
    for (int i = 0; ; i++) {
      if (asker.cache.ownerOf(prefix + i).equals(ownerUrl)) {
        return prefix + i;
      }
    }
  }

  @Test
  void refusedConnectionsFailFast() {
    RefusingPort refusing = closer.open(FreePorts.refusing()); // nothing listens there, nor can
    PeerClient client = transport(b -> {}).client(refusing.url("http"));
    long t0 = System.nanoTime();
    Throwable t = failureOf(client.fetch("scores", "k"));
    assertThat(t).isInstanceOf(PeerFetchException.class).hasMessageContaining("cannot connect");
    assertThat(((PeerFetchException) t).reason()).isEqualTo(PeerFetchException.Reason.CONNECT_FAILED);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void aSilentPeerTimesOutAtTheResponseDeadline() {
    try (FakePeer silent = new FakePeer((c, r, head) -> FakePeer.SILENCE)) {
      PeerClient client = transport(b -> b.responseTimeout(Duration.ofMillis(300))).client(silent.url());
      long t0 = System.nanoTime();
      Throwable t = failureOf(client.fetch("scores", "k"));
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(t).isInstanceOf(PeerFetchException.class).hasMessageContaining("no answer within 300 ms");
      assertThat(((PeerFetchException) t).reason()).isEqualTo(PeerFetchException.Reason.TIMED_OUT);
      assertThat(took).isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
    }
  }

  @Test
  void answersOverTheSizeCapFail() {
    try (FakePeer big = new FakePeer((c, r, head) -> FakePeer.protobufOk(new byte[5000]))) {
      PeerClient client = transport(b -> b.maxResponseBytes(4096)).client(big.url());
      assertThat(failureOf(client.fetch("scores", "k"))).isInstanceOf(PeerFetchException.class)
          .hasMessageContaining("larger than maxResponseBytes (4096 bytes)")
          .extracting(e -> ((PeerFetchException) e).reason()).isEqualTo(PeerFetchException.Reason.BAD_ANSWER);
      PeerClient roomy = transport(b -> b.maxResponseBytes(8192)).client(big.url());
      assertThat(roomy.fetch("scores", "k").join().value().length()).isEqualTo(5000);
    }
  }

  @Test
  void answersThatAreNotTheProtocolFail() {
    try (FakePeer html = new FakePeer((c, r, head) -> FakePeer.response(200, "OK", "text/html",
            new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}));
        FakePeer junk = new FakePeer((c, r, head) -> "SSH-2.0-OpenSSH\r\n\r\n".getBytes(StandardCharsets.US_ASCII))) {
      HttpPeerTransport t = transport(b -> {});
      assertThat(failureOf(t.client(html.url()).fetch("g", "k"))).isInstanceOf(PeerFetchException.class)
          .hasMessageContaining("not a groupcache GetResponse");
      assertThat(failureOf(t.client(junk.url()).fetch("g", "k"))).isInstanceOf(PeerFetchException.class);
    }
  }

  @Test
  void connectionsAreReusedNotReopened() throws Exception {
    try (FakePeer peer = new FakePeer((c, r, head) -> FakePeer.protobufOk("v".getBytes(StandardCharsets.US_ASCII)))) {
      PeerClient client = transport(b -> b.maxConnectionsPerPeer(8)).client(peer.url());
      for (int i = 0; i < 300; i++) {
        assertThat(client.fetch("scores", "k" + i).get(5, TimeUnit.SECONDS).value().toString()).isEqualTo("v");
      }
      assertThat(peer.connections.get()).as("sequential fetches share one connection").isEqualTo(1);

      // 2,000 fetches, 200 at a time: never more than the pool's 8 connections
      for (int wave = 0; wave < 10; wave++) {
        List<CompletableFuture<PeerValue>> fs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          fs.add(client.fetch("scores", "w" + wave + "-" + i));
        }
        CompletableFuture.allOf(fs.toArray(new CompletableFuture[0])).get(20, TimeUnit.SECONDS);
      }
      assertThat(peer.connections.get()).isBetween(2, 8);
      assertThat(peer.requests).hasSize(2300);
    }
  }

  @Test
  void aStaleKeepAliveConnectionIsRetriedOnAFreshOne() throws Exception {
    // each connection answers its first request, then closes on the second without a byte
    try (FakePeer peer = new FakePeer((c, r, head) -> r == 1
        ? FakePeer.protobufOk(("conn" + c).getBytes(StandardCharsets.US_ASCII)) : FakePeer.CLOSE)) {
      PeerClient client = transport(b -> b.maxConnectionsPerPeer(1)).client(peer.url());
      assertThat(client.fetch("scores", "a").get(5, TimeUnit.SECONDS).value().toString()).isEqualTo("conn1");
      assertThat(client.fetch("scores", "b").get(5, TimeUnit.SECONDS).value().toString()).isEqualTo("conn2");
      assertThat(peer.connections.get()).isEqualTo(2);
    }
    // a fresh connection that closes without answering is not retried
    try (FakePeer rude = new FakePeer((c, r, head) -> FakePeer.CLOSE)) {
      PeerClient client = transport(b -> {}).client(rude.url());
      assertThat(failureOf(client.fetch("scores", "a"))).isInstanceOf(PeerFetchException.class)
          .hasMessageContaining("closed the connection before answering")
          .extracting(e -> ((PeerFetchException) e).reason()).isEqualTo(PeerFetchException.Reason.CONNECTION_LOST);
      assertThat(rude.connections.get()).isEqualTo(1);
    }
  }

  @Test
  void requestsAreEscapedForGoServers() {
    Set<String> seen = ConcurrentHashMap.newKeySet();
    try (FakePeer peer = new FakePeer((c, r, head) -> {
      seen.add(head.substring(0, head.indexOf("\r\n")));
      return FakePeer.protobufOk(new byte[0]);
    })) {
      HttpPeerTransport t = transport(b -> b.basePath("/cache/"));
      t.client(peer.url() + "/prefix").fetch("my group", "a b+c/d%é").join();
      assertThat(seen).containsExactly("GET /prefix/cache/my%20group/a%20b%2Bc%2Fd%25%C3%A9 HTTP/1.1");
      assertThat(peer.requests.get(0)).contains("\r\nhost: " + peer.url().substring("http://".length()) + "\r\n");
    }
  }

  @Test
  void unusablePeerUrlsFailEveryFetchWithAReason() {
    HttpPeerTransport t = transport(b -> {});
    assertThat(failureOf(t.client("ftp://10.0.0.1:8001").fetch("g", "k"))).hasMessageContaining("not an http:// or https:// URL")
        .extracting(e -> ((PeerFetchException) e).reason()).isEqualTo(PeerFetchException.Reason.INVALID_URL);
    assertThat(failureOf(t.client("http://").fetch("g", "k"))).isInstanceOf(PeerFetchException.class);
    assertThat(failureOf(t.client("no url at all").fetch("g", "k"))).isInstanceOf(PeerFetchException.class);
  }

  @Test
  void aClosedClientFailsAtOnce() {
    PeerClient c = transport(b -> {}).client("http://127.0.0.1:1");
    c.close();
    assertThat(failureOf(c.fetch("g", "k"))).hasMessageContaining("closed")
        .extracting(e -> ((PeerFetchException) e).reason()).isEqualTo(PeerFetchException.Reason.CLIENT_CLOSED);
  }

  @Test
  void fetchesWaitInLineForTheConnectionsUpToTheirLimit() throws Exception {
    CountDownLatch answer = new CountDownLatch(1);
    try (FakePeer peer = new FakePeer((c, r, head) -> {
      await(answer);
      return FakePeer.protobufOk(head.substring(head.indexOf("/k") + 1, head.indexOf(" HTTP")).getBytes(StandardCharsets.US_ASCII));
    })) {
      PeerClient client = transport(b -> b.maxConnectionsPerPeer(1).maxPendingFetchesPerPeer(2)).client(peer.url());
      List<CompletableFuture<PeerValue>> fs = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        fs.add(client.fetch("scores", "k" + i)); // one on the connection, two in line
      }
      Throwable fourth = failureOf(client.fetch("scores", "k4"));
      assertThat(fourth).isInstanceOf(PeerFetchException.class).hasMessageContaining("too many fetches waiting")
          .extracting(e -> ((PeerFetchException) e).reason()).isEqualTo(PeerFetchException.Reason.TOO_MANY_WAITING);
      assertThat(fs).noneMatch(CompletableFuture::isDone);
      answer.countDown();
      for (int i = 0; i < 3; i++) {
        assertThat(fs.get(i).get(10, TimeUnit.SECONDS).value().toString()).isEqualTo("k" + (i + 1));
      }
      assertThat(peer.connections.get()).as("the waiting fetches took the one connection in turn").isEqualTo(1);
      assertThat(peer.requests).hasSize(3);
    }
  }

  @Test
  void failPendingReleasesEveryWaitingFetchAtOnceAndLeavesLaterOnesAlone() throws Exception {
    try (FakePeer peer = new FakePeer((c, r, head) -> head.contains("/hang")
        ? FakePeer.SILENCE : FakePeer.protobufOk("v".getBytes(StandardCharsets.US_ASCII)))) {
      HttpPeerTransport t = transport(b -> b.eventLoopThreads(2).maxConnectionsPerPeer(2).responseTimeout(Duration.ofSeconds(60)));
      PeerClient client = t.client(peer.url());
      List<CompletableFuture<PeerValue>> hung = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        hung.add(client.fetch("scores", "hang" + i)); // two on the connections, three in line
      }
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> peer.requests.size() == 2);
      IOException down = new IOException("peer judged down: 3 probes unanswered");
      assertThat(t.failPending(peer.url(), down).get(5, TimeUnit.SECONDS)).isEqualTo(5);
      for (CompletableFuture<PeerValue> f : hung) {
        Throwable e = failureOf(f);
        assertThat(e).isInstanceOf(PeerFetchException.class).hasCause(down)
            .hasMessageContaining("released before its answer: peer judged down");
        assertThat(((PeerFetchException) e).reason()).isEqualTo(PeerFetchException.Reason.RELEASED);
      }
      assertThat(t.failPending(peer.url(), down).get(5, TimeUnit.SECONDS)).as("nothing left to release").isZero();
      assertThat(client.fetch("scores", "later").get(10, TimeUnit.SECONDS).value().toString()).isEqualTo("v");
      assertThat(t.failPending("http://127.0.0.1:1", down).get(5, TimeUnit.SECONDS)).as("another peer").isZero();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
