package org.groupcache4j.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.groupcache4j.ByteView;
import org.groupcache4j.http.internal.client.PeerHttpClient;
import org.groupcache4j.peer.PeerClient;
import org.groupcache4j.peer.PeerRequestHandler;
import org.groupcache4j.peer.PeerValue;
import org.groupcache4j.testing.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Where fetches run and what a transport does before the first one: event loops shared with the
 * application, a fetch staying on the loop that started it, the first connection opened ahead,
 * and the probe that touches no group.
 */
class TransportEventLoopsTest {
  @RegisterExtension final Closer closer = new Closer();

  @Test
  void aTransportOnTheApplicationsEventLoopsServesFetchesAndLeavesThemRunning() throws Exception {
    NioEventLoopGroup loops = new NioEventLoopGroup(2);
    try {
      TestNode owner = closer.open(TestNode.start(b -> b.eventLoopGroup(loops), TestNode::goValue));
      TestNode asker = closer.open(TestNode.start(b -> b.eventLoopGroup(loops), TestNode::goValue));
      TestNodes.setPeers(List.of(owner, asker));
      String key = keyOwnedBy(owner, asker);
      assertThat(asker.group.get(key).toByteArray()).isEqualTo(TestNode.goValue(key));
      assertThat(owner.loadsOf(key)).isEqualTo(1);
      assertThat(asker.loads.get()).isZero();

      owner.close();
      asker.close();
      assertThat(loops.isShuttingDown()).as("the application's loops are the application's to stop").isFalse();
      assertThat(loops.submit(() -> "still running").get(5, TimeUnit.SECONDS)).isEqualTo("still running");
    } finally {
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void anEventLoopGroupOfAnotherKindIsRefusedWithAReason() throws Exception {
    DefaultEventLoopGroup local = new DefaultEventLoopGroup(1);
    try {
      assertThatThrownBy(() -> HttpPeerTransport.builder().eventLoopGroup(local))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("EpollEventLoopGroup or a NioEventLoopGroup");
    } finally {
      local.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void aFetchStartedOnAnEventLoopIsAnsweredOnThatSameThread() throws Exception {
    NioEventLoopGroup loops = new NioEventLoopGroup(2);
    try (FakePeer peer = new FakePeer((c, r, head) -> FakePeer.protobufOk("v".getBytes(StandardCharsets.US_ASCII)))) {
      HttpPeerTransport t = closer.open(HttpPeerTransport.builder().eventLoopGroup(loops).build());
      PeerClient client = t.client(peer.url());
      for (io.netty.util.concurrent.EventExecutor e : loops) {
        EventLoop loop = (EventLoop) e;
        AtomicReference<Thread> answeredOn = new AtomicReference<>();
        Thread loopThread = loop.submit(Thread::currentThread).get(5, TimeUnit.SECONDS);
        // the callback is registered on the loop, before the loop can read the answer
        CompletableFuture<PeerValue> f = loop.submit(() -> client.fetch("scores", "k")
            .whenComplete((v, err) -> answeredOn.set(Thread.currentThread()))).get(5, TimeUnit.SECONDS);
        assertThat(f.get(5, TimeUnit.SECONDS).value().toString()).isEqualTo("v");
        assertThat(answeredOn.get()).as("no hand-over to another thread").isSameAs(loopThread);
      }
      // one pool per loop: each loop opened its own connection, and reused it
      assertThat(peer.connections.get()).isEqualTo(2);
    } finally {
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void theFirstConnectionIsOpenedBeforeTheFirstFetchAndThenUsed() throws Exception {
    try (FakePeer peer = new FakePeer((c, r, head) -> FakePeer.protobufOk(("conn" + c).getBytes(StandardCharsets.US_ASCII)))) {
      HttpPeerTransport t = closer.open(HttpPeerTransport.builder().eventLoopThreads(1).build());
      PeerClient client = t.client(peer.url());
      await().atMost(Duration.ofSeconds(5)).until(() -> peer.connections.get() == 1);
      assertThat(peer.requests).isEmpty();
      assertThat(client.fetch("scores", "k").get(5, TimeUnit.SECONDS).value().toString()).isEqualTo("conn1");
      assertThat(peer.connections.get()).isEqualTo(1);
    }
  }

  @Test
  void aPeerThatComesUpLaterIsConnectedAheadToo() throws Exception {
    int port = FreePorts.port();
    HttpPeerTransport t = closer.open(HttpPeerTransport.builder().eventLoopThreads(1).build());
    PeerClient client = t.client("http://127.0.0.1:" + port); // nothing listens yet
    AtomicInteger served = new AtomicInteger();
    PeerRequestHandler handler = (group, key) -> {
      served.incrementAndGet();
      return CompletableFuture.completedFuture(PeerValue.of(ByteView.of(key), 0));
    };
    HttpPeerTransport peer = closer.open(HttpPeerTransport.builder().eventLoopThreads(1)
        .bindAddress(new InetSocketAddress("127.0.0.1", port)).build());
    peer.start("http://127.0.0.1:" + port, handler);
    assertThat(client.fetch("g", "k").get(5, TimeUnit.SECONDS).value().toString()).isEqualTo("k");
    assertThat(served.get()).isEqualTo(1);
  }

  @Test
  void aProbeAsksForTheBasePathOnlyAndAnyAnswerCounts() throws Exception {
    try (FakePeer peer = new FakePeer((c, r, head) -> FakePeer.response(400, "Bad Request", "text/plain",
        "bad request\n".getBytes(StandardCharsets.US_ASCII)))) {
      HttpPeerTransport t = closer.open(HttpPeerTransport.builder().eventLoopThreads(1).build());
      PeerHttpClient client = (PeerHttpClient) t.client(peer.url());
      for (int i = 0; i < 3; i++) {
        client.probe(Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS); // answered: completes normally
      }
      assertThat(peer.requests).hasSize(3)
          .allSatisfy(r -> assertThat(r).startsWith("GET /_groupcache/ HTTP/1.1\r\n"));
    }
    try (FakePeer rude = new FakePeer((c, r, head) -> FakePeer.CLOSE)) {
      HttpPeerTransport t = closer.open(HttpPeerTransport.builder().eventLoopThreads(1).build());
      assertThatThrownBy(() -> ((PeerHttpClient) t.client(rude.url())).probe(Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS))
          .hasCauseInstanceOf(PeerFetchException.class).hasMessageContaining("closed the connection before answering");
    }
  }

  @Test
  void aProbeDoesNotWaitBehindBusyConnectionsAndHasItsOwnTimeout() throws Exception {
    try (FakePeer peer = new FakePeer((c, r, head) -> head.startsWith("GET /_groupcache/ ")
        ? FakePeer.response(400, "Bad Request", "text/plain", "bad request\n".getBytes(StandardCharsets.US_ASCII))
        : FakePeer.SILENCE)) { // a fetch hangs, as behind a slow load
      HttpPeerTransport t = closer.open(HttpPeerTransport.builder().eventLoopThreads(1).maxConnectionsPerPeer(1).build());
      PeerHttpClient client = (PeerHttpClient) t.client(peer.url());
      CompletableFuture<PeerValue> busy = client.fetch("scores", "slow");
      await().atMost(Duration.ofSeconds(5)).until(() -> peer.requests.size() == 1);
      client.probe(Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS); // on a connection of its own
      assertThat(peer.connections.get()).isEqualTo(2);
      assertThat(busy).isNotDone();
    }
    try (FakePeer frozen = new FakePeer((c, r, head) -> FakePeer.SILENCE)) {
      HttpPeerTransport t = closer.open(HttpPeerTransport.builder().eventLoopThreads(1).build());
      PeerHttpClient client = (PeerHttpClient) t.client(frozen.url());
      assertThatThrownBy(() -> client.probe(Duration.ofMillis(200)).get(5, TimeUnit.SECONDS))
          .cause().isInstanceOfSatisfying(PeerFetchException.class, e -> {
            assertThat(e.reason()).isEqualTo(PeerFetchException.Reason.TIMED_OUT);
            assertThat(e).hasMessageContaining("no answer within 200 ms (the probe's timeout)");
          });
    }
  }

  private static String keyOwnedBy(TestNode owner, TestNode asker) {
    for (int i = 0; ; i++) {
      if (asker.cache.ownerOf("k" + i).equals(owner.url)) {
        return "k" + i;
      }
    }
  }
}
