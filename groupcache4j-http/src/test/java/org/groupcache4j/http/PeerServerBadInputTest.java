package org.groupcache4j.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whatever a client sends to the peer endpoint gets a 4xx with a one-line reason or a closed
 * connection: never a 5xx for a parse error, never an uncaught exception, and the node keeps
 * serving (checked by a good request after each bad one). Every case runs against the
 * transport's own server and against the handler mounted in an application's Netty server
 * ({@link HttpPeerTransport#newServerHandler}, after an {@code HttpServerCodec} with the same
 * limits and an {@code HttpObjectAggregator}; the application answers other paths with 404).
 */
class PeerServerBadInputTest {
  private static TestNode node;
  private static LogCapture logs;
  private static NioEventLoopGroup appLoop;
  private static Channel app;

  /** Where the peer endpoint is served. */
  enum Server {
    STANDALONE, MOUNTED;

    int port() {
      return this == STANDALONE ? node.port() : ((InetSocketAddress) app.localAddress()).getPort();
    }
  }

  @BeforeAll
  static void start() {
    logs = new LogCapture();
    node = TestNode.start(b -> b.idleTimeout(Duration.ofMillis(500)), TestNode::goValue);
    appLoop = new NioEventLoopGroup(1);
    app = new ServerBootstrap().group(appLoop).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new IdleStateHandler(500, 0, 0, TimeUnit.MILLISECONDS),
                new HttpServerCodec(new HttpDecoderConfig().setMaxInitialLineLength(16 * 1024).setMaxHeaderSize(8 * 1024)),
                new HttpObjectAggregator(1 << 20),
                node.transport.newServerHandler(node.cache.peerRequestHandler()),
                new SimpleChannelInboundHandler<FullHttpRequest>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND,
                        ByteBufUtil.writeUtf8(ctx.alloc(), "not found: the application has no " + req.uri() + "\n"));
                    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
                    ctx.writeAndFlush(r);
                  }
                });
          }
        }).bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
  }

  @AfterAll
  static void stop() {
    app.close().syncUninterruptibly();
    appLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    node.close();
    logs.close();
  }

  @AfterEach
  void stillServingAndNothingLogged() throws IOException {
    for (Server s : Server.values()) {
      assertStillServing(s);
    }
  }

  private static void assertStillServing(Server s) throws IOException {
    RawHttp.Answer ok = RawHttp.get(s.port(), "/_groupcache/scores/Tom");
    assertThat(ok.status()).as("%s", s).isEqualTo(200);
    assertThat(ok.body()).isEqualTo(WireFormatTest.GO_TOM);
    assertThat(logs.messages()).isEmpty();
  }

  static Stream<Arguments> badRequests() {
    String longKey = "k".repeat(4097);
    String hugeHeader = "X-Big: " + "h".repeat(20_000) + "\r\n";
    String manyHeaders = "X-Many: 1234567890\r\n".repeat(2000);
    return Stream.of(
        Arguments.of("no key part", "GET /_groupcache/scores HTTP/1.1\r\nHost: x\r\n\r\n", 400, "{group}/{key}"),
        Arguments.of("no group part", "GET /_groupcache/ HTTP/1.1\r\nHost: x\r\n\r\n", 400, "{group}/{key}"),
        Arguments.of("bad escape", "GET /_groupcache/scores/%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400, "percent-escape"),
        Arguments.of("cut escape", "GET /_groupcache/scores/a%4 HTTP/1.1\r\nHost: x\r\n\r\n", 400, "percent-escape"),
        Arguments.of("escape at end", "GET /_groupcache/scores/a% HTTP/1.1\r\nHost: x\r\n\r\n", 400, "percent-escape"),
        Arguments.of("not UTF-8", "GET /_groupcache/scores/%ff%fe HTTP/1.1\r\nHost: x\r\n\r\n", 400, "UTF-8"),
        Arguments.of("unknown group", "GET /_groupcache/nosuch/k HTTP/1.1\r\nHost: x\r\n\r\n", 404, "no such group: nosuch"),
        Arguments.of("empty group", "GET /_groupcache//k HTTP/1.1\r\nHost: x\r\n\r\n", 404, "no such group"),
        Arguments.of("other path", "GET /favicon.ico HTTP/1.1\r\nHost: x\r\n\r\n", 404, "not found"),
        Arguments.of("root", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 404, "not found"),
        Arguments.of("POST not to _remove-keys/", "POST /_groupcache/scores/k HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc", 405, "POST is only for"),
        Arguments.of("POST a body that is not the keys", "POST /_groupcache/scores/_remove-keys/ HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc", 400, "not JSON"),
        Arguments.of("PUT without a SetRequest", "PUT /_groupcache/scores/k HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 400, "SetRequest"),
        Arguments.of("PUT to an unknown group", "PUT /_groupcache/nosuch/k HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 400, "SetRequest"),
        Arguments.of("DELETE in an unknown group", "DELETE /_groupcache/nosuch/k HTTP/1.1\r\nHost: x\r\n\r\n", 404, "no such group: nosuch"),
        Arguments.of("made-up method", "BREW /_groupcache/scores/k HTTP/1.1\r\nHost: x\r\n\r\n", 405, "GET, PUT, DELETE, POST only"),
        Arguments.of("key over 4096 bytes", "GET /_groupcache/scores/" + longKey + " HTTP/1.1\r\nHost: x\r\n\r\n", 400, "longer than the limit"),
        Arguments.of("huge URL", "GET /_groupcache/scores/" + "%41".repeat(40_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414, "too long"),
        Arguments.of("huge header", "GET /_groupcache/scores/k HTTP/1.1\r\nHost: x\r\n" + hugeHeader + "\r\n", 431, "too large"),
        Arguments.of("many headers", "GET /_groupcache/scores/k HTTP/1.1\r\nHost: x\r\n" + manyHeaders + "\r\n", 431, "too large"),
        Arguments.of("large body", "GET /_groupcache/scores/k HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + "b".repeat(100_000), 413, "too large"),
        Arguments.of("HTTP/9.9", "GET /_groupcache/scores/k HTTP/9.9\r\nHost: x\r\n\r\n", 400, "unsupported protocol version"),
        Arguments.of("not HTTP", "GET /_groupcache/scores/k FOO/1.1\r\nHost: x\r\n\r\n", 400, "version"),
        Arguments.of("no version", "GET /_groupcache/scores/k\r\n\r\n", 400, ""),
        Arguments.of("text garbage", "hello there\r\n\r\n", 400, ""),
        Arguments.of("bad content length", "GET /_groupcache/scores/k HTTP/1.1\r\nContent-Length: -5\r\n\r\n", 400, ""),
        Arguments.of("space in header name", "GET /_groupcache/scores/k HTTP/1.1\r\nBad Header: 1\r\n\r\n", 400, ""));
  }

  static Stream<Arguments> badRequestsToEachServer() {
    return badRequests().flatMap(a -> Arrays.stream(Server.values()).map(s -> {
      Object[] args = Arrays.copyOf(a.get(), a.get().length + 1);
      args[args.length - 1] = s;
      return Arguments.of(args);
    }));
  }

  @ParameterizedTest(name = "{4}: {0}")
  @MethodSource("badRequestsToEachServer")
  void badRequestGetsA4xxOrAClosedConnection(String what, String request, int status, String reason, Server server)
      throws IOException {
    try (RawHttp c = new RawHttp(server.port())) {
      c.send(request);
      RawHttp.Answer a = c.read();
      assertThat(a).as("an answer to: %s", what).isNotNull();
      assertThat(a.status()).as("status for: %s (%s)", what, a.text()).isEqualTo(status);
      assertThat(a.text()).contains(reason).endsWith("\n");
      assertThat(a.text().strip()).doesNotContain("\n");
    }
  }

  @ParameterizedTest
  @EnumSource(Server.class)
  void theLongestKeyFitsEvenFullyPercentEncoded(Server server) throws IOException {
    String key = "é".repeat(2048); // 4096 UTF-8 bytes, 12288 characters once encoded
    RawHttp.Answer a = RawHttp.get(server.port(), "/_groupcache/scores/" + org.groupcache4j.http.internal.protocol.PeerPaths.escape(key));
    assertThat(a.status()).isEqualTo(200);
  }

  @ParameterizedTest
  @EnumSource(Server.class)
  void headRequestIs405WithoutBody(Server server) throws IOException {
    try (RawHttp c = new RawHttp(server.port())) {
      RawHttp.Answer a = c.send("HEAD /_groupcache/scores/k HTTP/1.1\r\nHost: x\r\n\r\n").read(true);
      assertThat(a.status()).isEqualTo(405);
      assertThat(a.header("Allow")).isEqualTo("GET, PUT, DELETE, POST");
    }
  }

  @ParameterizedTest
  @EnumSource(Server.class)
  void binaryGarbageIsRefusedAndTheConnectionClosed(Server server) throws IOException {
    byte[] junk = new byte[4096];
    new java.util.Random(42).nextBytes(junk);
    junk[0] = 0x16; // looks like a TLS handshake
    try (RawHttp c = new RawHttp(server.port())) {
      c.send(junk);
      RawHttp.Answer a;
      try {
        a = c.read();
      } catch (IOException e) {
        a = null; // reset: closed
      }
      if (a != null) {
        assertThat(a.status()).isBetween(400, 499);
        assertThat(c.closedByServer()).isTrue();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Server.class)
  void aClientThatSendsNothingIsDisconnected(Server server) throws IOException {
    try (RawHttp c = new RawHttp(server.port())) {
      assertThat(c.closedByServer()).as("closed after the 500 ms idle timeout").isTrue();
    }
    try (RawHttp c = new RawHttp(server.port())) {
      c.send("GET /_groupcache/scores/k HTTP/1.1\r\nHo"); // and then nothing
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Server.class)
  void http10AndConnectionCloseAreHonoured(Server server) throws IOException {
    try (RawHttp c = new RawHttp(server.port())) {
      RawHttp.Answer a = c.send("GET /_groupcache/scores/Tom HTTP/1.0\r\n\r\n").read();
      assertThat(a.status()).isEqualTo(200);
      assertThat(c.closedByServer()).isTrue();
    }
    try (RawHttp c = new RawHttp(server.port())) {
      RawHttp.Answer a = c.send("GET /_groupcache/scores/Tom HTTP/1.1\r\nConnection: close\r\n\r\n").read();
      assertThat(a.header("Connection")).isEqualTo("close");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Server.class)
  void http10KeepAliveIsConfirmedAndTheConnectionKept(Server server) throws IOException {
    try (RawHttp c = new RawHttp(server.port())) {
      for (int i = 0; i < 3; i++) {
        RawHttp.Answer a = c.send("GET /_groupcache/scores/Tom HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.header("Connection")).isEqualTo("keep-alive");
        assertThat(a.body()).isEqualTo(WireFormatTest.GO_TOM);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Server.class)
  void aRequestWithABodyIsAnsweredOnceAfterItsBody(Server server) throws IOException {
    try (RawHttp c = new RawHttp(server.port())) {
      c.send("GET /_groupcache/scores/Tom HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "3\r\nabc\r\n0\r\n\r\n"
          + "GET /_groupcache/scores/Tom HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi");
      assertThat(c.read().body()).isEqualTo(WireFormatTest.GO_TOM);
      assertThat(c.read().body()).isEqualTo(WireFormatTest.GO_TOM);
      assertThat(c.send("GET /_groupcache/scores/Tom HTTP/1.1\r\n\r\n").read().status()).isEqualTo(200);
    }
  }

  @ParameterizedTest
  @EnumSource(Server.class)
  void aChunkedBodyOverTheLimitIsOne413AndTheConnectionClosed(Server server) throws IOException {
    try (RawHttp c = new RawHttp(server.port())) {
      StringBuilder req = new StringBuilder("GET /_groupcache/scores/Tom HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
      for (int i = 0; i < 4; i++) {
        req.append("1000\r\n").append("b".repeat(4096)).append("\r\n");
      }
      c.send(req.append("0\r\n\r\n").toString());
      RawHttp.Answer a = c.read();
      assertThat(a.status()).as("the only answer to the one request: %s", a.text()).isEqualTo(413);
      assertThat(a.text()).contains("request body too large");
      assertThat(a.header("Connection")).isEqualTo("close");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Server.class)
  void pipelinedRequestsInOneWriteAreAllAnsweredInOrder(Server server) throws IOException {
    try (RawHttp c = new RawHttp(server.port())) {
      c.send("GET /_groupcache/scores/Tom HTTP/1.1\r\n\r\n".repeat(100)
          + "GET /_groupcache/nosuch/k HTTP/1.1\r\n\r\n"
          + "GET /_groupcache/scores/Tom HTTP/1.1\r\nConnection: close\r\n\r\n"
          + "GET /_groupcache/scores/Tom HTTP/1.1\r\n\r\n");
      for (int i = 0; i < 100; i++) {
        assertThat(c.read().body()).isEqualTo(WireFormatTest.GO_TOM);
      }
      assertThat(c.read().status()).isEqualTo(404);
      RawHttp.Answer last = c.read();
      assertThat(last.status()).isEqualTo(200);
      assertThat(last.header("Connection")).isEqualTo("close");
      assertThat(c.read()).as("nothing after the answer that closes").isNull();
    }
  }

  @ParameterizedTest
  @EnumSource(Server.class)
  void keepAliveServesManyRequestsOnOneConnectionAndAbsoluteUris(Server server) throws IOException {
    try (RawHttp c = new RawHttp(server.port())) {
      for (int i = 0; i < 20; i++) {
        String target = i % 2 == 0 ? "/_groupcache/scores/Tom" : "http://127.0.0.1/_groupcache/scores/Tom";
        RawHttp.Answer a = c.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n").read();
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body()).isEqualTo(WireFormatTest.GO_TOM);
      }
      // a bad request on a keep-alive connection does not end it when it was well-formed HTTP
      assertThat(c.send("GET /_groupcache/nosuch/k HTTP/1.1\r\n\r\n").read().status()).isEqualTo(404);
      assertThat(c.send("GET /_groupcache/scores/Tom HTTP/1.1\r\n\r\n").read().status()).isEqualTo(200);
    }
  }

  @ParameterizedTest
  @EnumSource(Server.class)
  void manyConnectionsOpenedAndDroppedAtOnce(Server server) throws IOException {
    for (int i = 0; i < 200; i++) {
      RawHttp c = new RawHttp(server.port());
      c.send("GET /_groupcache/scores/" + "x".repeat(i) + " HTTP/1.1\r\n".substring(0, i % 12));
      c.socket.setSoLinger(true, 0); // reset rather than close
      c.close();
    }
    assertStillServing(server);
  }
}
