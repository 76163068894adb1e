package org.groupcache4j.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.groupcache4j.ByteView;
import org.groupcache4j.GroupCache;
import org.groupcache4j.http.internal.protocol.PeerMessages;
import org.groupcache4j.http.internal.protocol.PeerUrl;
import org.groupcache4j.internal.DaemonThreads;
import org.groupcache4j.peer.PeerRequestHandler;
import org.groupcache4j.peer.PeerValue;
import org.junit.jupiter.api.Test;

/** The transport's lifecycle and serving rules: binding, closing, pipelining, mounting. */
class HttpPeerTransportTest {
  /**
   * For the tests' blocking work (a slow peer's answer, a close that waits for it): a thread each,
   * never the common pool: it has a single thread on 2 cores, and newer JDKs' {@code CompletableFuture}
   * runs async work there even so (JDK 25 does; 17 makes a thread each), where a slow answer
   * blocking it kept the close from running.
   */
  private static final Executor THREAD_PER_TASK = DaemonThreads.perTask("http-peer-transport-test");

  @Test
  void aTakenPortFailsStartWithAClearMessage() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      String self = "http://127.0.0.1:" + taken.getLocalPort();
      HttpPeerTransport t = HttpPeerTransport.builder().eventLoopThreads(1).build();
      assertThatThrownBy(() -> GroupCache.builder().self(self).transport(t).build())
          .isInstanceOf(UncheckedIOException.class)
          .hasMessage("cannot listen on 127.0.0.1:" + taken.getLocalPort() + " for peer URL " + self
              + ": address already in use");
      t.close();
    }
  }

  @Test
  void listensWhereTheSelfUrlSaysOrWhereTold() throws Exception {
    assertThat(PeerUrl.listenAddressOf("http://127.0.0.1:8001")).isEqualTo(new InetSocketAddress("127.0.0.1", 8001));
    assertThat(PeerUrl.listenAddressOf("http://127.0.0.1")).isEqualTo(new InetSocketAddress("127.0.0.1", 80));
    assertThat(PeerUrl.listenAddressOf("http://[::1]:9000/x")).isEqualTo(new InetSocketAddress("::1", 9000));
    assertThat(PeerUrl.listenAddressOf("https://127.0.0.1")).isEqualTo(new InetSocketAddress("127.0.0.1", 443));
    assertThatThrownBy(() -> PeerUrl.listenAddressOf("10.0.0.1:8001"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected http[s]://host[:port]");
    assertThatThrownBy(() -> PeerUrl.listenAddressOf("http://bad host/"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid URL");

    HttpPeerTransport t = HttpPeerTransport.builder().bindAddress(new InetSocketAddress("127.0.0.1", 0)).build();
    assertThat(t.boundAddress()).isNull();
    try (GroupCache cache = GroupCache.builder().self("http://node-a.example:8001").transport(t).build()) {
      cache.newGroup("scores", 1 << 20, TestNode::goValue);
      int port = t.boundAddress().getPort();
      assertThat(port).isPositive();
      assertThat(RawHttp.get(port, "/_groupcache/scores/Tom").body()).isEqualTo(WireFormatTest.GO_TOM);
    }
    assertThatThrownBy(() -> t.client("http://127.0.0.1:1")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void builderRejectsNonsense() {
    assertThatThrownBy(() -> HttpPeerTransport.builder().basePath("_groupcache")).hasMessageContaining("start and end with '/'");
    assertThatThrownBy(() -> HttpPeerTransport.builder().maxConnectionsPerPeer(0)).hasMessageContaining("maxConnectionsPerPeer");
    assertThatThrownBy(() -> HttpPeerTransport.builder().responseTimeout(Duration.ZERO)).hasMessageContaining("responseTimeout");
    assertThatThrownBy(() -> HttpPeerTransport.builder().maxResponseBytes(0)).hasMessageContaining("maxResponseBytes");
    assertThatThrownBy(() -> HttpPeerTransport.builder().idleTimeout(Duration.ofSeconds(-1)))
        .hasMessage("idleTimeout must be positive, was PT-1S");
    assertThatThrownBy(() -> PeerTls.builder().handshakeTimeout(Duration.ZERO))
        .hasMessage("handshakeTimeout must be positive, was PT0S");
    assertThatThrownBy(() -> PeerTls.builder().reloadInterval(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("reloadInterval");
  }

  @Test
  void httpsSelfUrlsAndPeersUseTls() {
    assertThat(PeerUrl.secure("https://10.0.0.1:8443")).isTrue();
    assertThat(PeerUrl.secure("HTTPS://node-a")).isTrue();
    assertThat(PeerUrl.secure("http://10.0.0.1:8001")).isFalse();
    assertThat(PeerUrl.secure("https:")).isFalse();
    assertThat(PeerUrl.secure(null)).isFalse();
    assertThat(PeerUrl.parse("HTTPS://node-a:8443").secure()).isTrue();
    assertThat(PeerUrl.parse("http://node-a:8001").secure()).isFalse();
  }

  @Test
  void closeLetsRequestsInFlightFinish() throws Exception {
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    TestNode asker = TestNode.start();
    TestNode owner = TestNode.start(b -> {}, key -> {
      loading.countDown();
      release.await(20, TimeUnit.SECONDS);
      return TestNode.goValue(key);
    });
    try {
      TestNodes.setPeers(List.of(asker, owner));
      String key = "k0";
      for (int i = 0; !owner.cache.ownerOf(key).equals(owner.url); i++) {
        key = "k" + i;
      }
      CompletableFuture<ByteView> answer = asker.group.getAsync(key);
      assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();

      CompletableFuture<Void> closing = CompletableFuture.runAsync(owner::close, THREAD_PER_TASK);
      // no longer accepting, but still owing the answer
      await().atMost(Duration.ofSeconds(5)).until(() -> {
        try (ServerSocket probe = new ServerSocket()) {
          probe.setReuseAddress(true);
          probe.bind(new InetSocketAddress("127.0.0.1", owner.port()));
          return true;
        } catch (java.io.IOException e) {
          return false;
        }
      });
      assertThat(closing).isNotDone();
      assertThat(answer).isNotDone();
      release.countDown();

      assertThat(answer.get(10, TimeUnit.SECONDS).toByteArray()).isEqualTo(TestNode.goValue(key));
      closing.get(10, TimeUnit.SECONDS);
      assertThat(asker.loads.get()).as("answered by the closing owner, not by a fallback").isZero();
      assertThat(asker.group.stats().peerLoads()).isEqualTo(1);
    } finally {
      release.countDown();
      asker.close();
      owner.close();
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch seen = new CountDownLatch(5);
    PeerRequestHandler handler = (group, key) -> {
      seen.countDown();
      if (key.startsWith("slow")) {
        return CompletableFuture.supplyAsync(() -> {
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return PeerValue.of(ByteView.of("value-" + key), 0);
        }, THREAD_PER_TASK);
      }
      return CompletableFuture.completedFuture(PeerValue.of(ByteView.of("value-" + key), 0));
    };
    HttpPeerTransport t = HttpPeerTransport.builder().eventLoopThreads(1)
        .bindAddress(new InetSocketAddress("127.0.0.1", 0)).build();
    t.start("http://127.0.0.1", handler);
    try (RawHttp c = new RawHttp(t.boundAddress().getPort())) {
      StringBuilder burst = new StringBuilder();
      for (String k : new String[] {"slow1", "fast1", "missing/../x", "slow2", "fast2"}) {
        burst.append("GET /_groupcache/g/").append(k).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
      }
      burst.append("DELETE /_groupcache/g/k HTTP/1.1\r\nHost: x\r\n\r\n");
      c.send(burst.toString());
      assertThat(seen.await(10, TimeUnit.SECONDS)).as("all five requests reached the handler").isTrue();
      release.countDown(); // the fast answers are ready; the slow ones before them are not
      for (String k : new String[] {"slow1", "fast1", "missing/../x", "slow2", "fast2"}) {
        RawHttp.Answer a = c.read();
        assertThat(a.status()).isEqualTo(200);
        assertThat(PeerMessages.decodeGetResponse(Unpooled.wrappedBuffer(a.body())).value().toString())
            .isEqualTo("value-" + k);
      }
      assertThat(c.read().status()).isEqualTo(405);
    } finally {
      t.close();
    }
  }

  @Test
  void theHandlerMountsInALargerNettyServer() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch asked = new CountDownLatch(1);
    HttpPeerTransport t = HttpPeerTransport.builder().build(); // never started: only its handler is used
    PeerRequestHandler peer = slowPeer(asked, release);
    NioEventLoopGroup loop = new NioEventLoopGroup(1);
    try {
      Channel server = mount(loop, t, peer, () -> new SimpleChannelInboundHandler<FullHttpRequest>() {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
          FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
              ByteBufUtil.writeUtf8(ctx.alloc(), "app:" + req.uri()));
          r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
          ctx.writeAndFlush(r);
        }
      });
      int port = ((InetSocketAddress) server.localAddress()).getPort();
      try (RawHttp c = new RawHttp(port)) {
        c.send("GET /app/1 HTTP/1.1\r\n\r\nGET /_groupcache/scores/a%20b HTTP/1.1\r\n\r\nGET /app/2 HTTP/1.1\r\n\r\n");
        assertThat(c.read().text()).isEqualTo("app:/app/1");
        assertThat(asked.await(10, TimeUnit.SECONDS)).isTrue();
        release.countDown(); // the app's /app/2 waits behind the slower peer answer
        RawHttp.Answer peerAnswer = c.read();
        assertThat(peerAnswer.header("Content-Type")).isEqualTo("application/x-protobuf");
        assertThat(new String(peerAnswer.body(), StandardCharsets.UTF_8)).endsWith("scores:a b");
        assertThat(c.read().text()).isEqualTo("app:/app/2");
      }
      server.close().sync();
    } finally {
      release.countDown();
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      t.close();
    }
  }

  /**
   * A node of ours that shuts down answers the requests that come meanwhile 503 as one of ours, with
   * its incarnation and state: a peer that hears it must not take it for another kind of server
   * (which would stop its writes to it, and bring it back into its ring as ready).
   */
  @Test
  void whileItShutsDownItsOwnServerAnswersAsANodeOfOursThatDrains() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch asked = new CountDownLatch(1);
    PeerRequestHandler slow = slowPeer(asked, release);
    PeerRequestHandler draining = new PeerRequestHandler() {
      @Override
      public CompletableFuture<PeerValue> get(String group, String key) {
        return slow.get(group, key);
      }

      @Override
      public long incarnation() {
        return 0x1234;
      }

      @Override
      public org.groupcache4j.peer.OwnershipState ownershipState() {
        return org.groupcache4j.peer.OwnershipState.DRAINING;
      }
    };
    HttpPeerTransport t = HttpPeerTransport.builder().shutdownTimeout(Duration.ofSeconds(20))
        .bindAddress(new InetSocketAddress("127.0.0.1", 0)).build();
    t.start("http://127.0.0.1", draining);
    int port = t.boundAddress().getPort();
    String probe = "GET /_groupcache/ HTTP/1.1\r\n\r\n"; // answered at once (400), loading nothing
    try (RawHttp inFlight = new RawHttp(port); RawHttp open = new RawHttp(port)) {
      assertThat(open.send(probe).read().status()).isEqualTo(400); // a kept-alive connection, as a peer's
      inFlight.send("GET /_groupcache/scores/slow HTTP/1.1\r\n\r\n");
      assertThat(asked.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Void> closed = CompletableFuture.runAsync(t::close, THREAD_PER_TASK);
      RawHttp.Answer refused = await().atMost(Duration.ofSeconds(10)).until(() -> open.send(probe).read(),
          a -> a.status() == 503);
      assertThat(refused.text()).contains("shutting down");
      assertThat(refused.header("x-groupcache4j-node")).isNotNull();
      assertThat(refused.header("x-groupcache4j-incarnation")).isEqualTo("0000000000001234");
      assertThat(refused.header("x-groupcache4j-state")).isEqualTo("draining");
      release.countDown();
      assertThat(inFlight.read().status()).isEqualTo(200);
      closed.get(10, TimeUnit.SECONDS);
    } finally {
      release.countDown();
      t.close();
    }
  }

  @Test
  void theMountedHandlerDrainsWithItsTransport() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch asked = new CountDownLatch(1);
    HttpPeerTransport t = HttpPeerTransport.builder().shutdownTimeout(Duration.ofSeconds(20)).build(); // never started
    PeerRequestHandler peer = slowPeer(asked, release);
    NioEventLoopGroup loop = new NioEventLoopGroup(1);
    try {
      Channel server = mount(loop, t, peer, null);
      int port = ((InetSocketAddress) server.localAddress()).getPort();
      try (RawHttp slow = new RawHttp(port)) {
        slow.send("GET /_groupcache/scores/slow HTTP/1.1\r\n\r\n");
        assertThat(asked.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> closed = CompletableFuture.runAsync(t::close, THREAD_PER_TASK);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
          RawHttp.Answer refused = RawHttp.get(port, "/_groupcache/scores/new");
          assertThat(refused.status()).isEqualTo(503);
          assertThat(refused.text()).contains("shutting down");
        });
        assertThat(closed).as("close waits for the request in flight").isNotDone();
        release.countDown();
        RawHttp.Answer answered = slow.read();
        assertThat(answered.status()).isEqualTo(200);
        assertThat(new String(answered.body(), StandardCharsets.UTF_8)).endsWith("scores:slow");
        assertThat(answered.header("Connection")).isEqualTo("close");
        closed.get(10, TimeUnit.SECONDS);
      }
      server.close().sync();
    } finally {
      release.countDown();
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      t.close();
    }
  }

  /**
   * A Netty HTTP server on an ephemeral loopback port with {@code t}'s peer handler mounted in its
   * pipeline, followed by the application's handler if {@code app} is not null.
   */
  private static Channel mount(NioEventLoopGroup loop, HttpPeerTransport t, PeerRequestHandler peer,
      Supplier<ChannelHandler> app) throws InterruptedException {
    return new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192), t.newServerHandler(peer));
            if (app != null) {
              ch.pipeline().addLast(app.get());
            }
          }
        }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
  }

  /** Answers {@code group + ":" + key} on another thread once {@code release} opens, after counting down {@code asked}. */
  private static PeerRequestHandler slowPeer(CountDownLatch asked, CountDownLatch release) {
    return (group, key) -> CompletableFuture.supplyAsync(() -> {
      asked.countDown();
      try {
        release.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return PeerValue.of(ByteView.of(group + ":" + key), 0);
    }, THREAD_PER_TASK);
  }
}
