package org.groupcache4j.http.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.groupcache4j.peer.PeerRequestHandler;

/**
 * The listening side of a transport: a Netty server whose pipeline is
 * idle timeout → HTTP codec (bounded request line and headers) → aggregator (bounded body) →
 * {@link PeerServerHandler} → 404 for paths outside the base path.
 */
public final class PeerServer {
  /** Requests to the peer endpoint carry no body; a small bound is plenty. */
  private static final int MAX_REQUEST_BODY = 8192;

  private final Channel serverChannel;
  private final ChannelGroup connections;
  private final InFlight inFlight;

  private PeerServer(Channel serverChannel, ChannelGroup connections, InFlight inFlight) {
    this.serverChannel = serverChannel;
    this.connections = connections;
    this.inFlight = inFlight;
  }

  /**
   * Binds {@code address} and serves; returns once listening.
   *
   * @throws UncheckedIOException naming the address and peer URL if it cannot listen
   */
  public static PeerServer start(TransportConfig cfg, IoResources io, InetSocketAddress address,
      String selfUrl, PeerRequestHandler handler) {
    InFlight inFlight = new InFlight();
    ChannelGroup connections = new DefaultChannelGroup("groupcache4j-peer-connections", GlobalEventExecutor.INSTANCE);
    PeerServerHandler peerHandler = new PeerServerHandler(cfg.basePath(), handler, inFlight);
    ChannelHandler notFound = new NotFoundHandler(cfg.basePath());
    long idleMillis = cfg.idleTimeout().toMillis();
    ServerBootstrap b = new ServerBootstrap()
        .group(io.group())
        .channel(io.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            connections.add(ch);
            ch.pipeline()
                .addLast("idle", new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS))
                .addLast("codec", new HttpServerCodec(cfg.maxRequestLineBytes(), cfg.maxHeaderBytes(), 8192))
                .addLast("aggregator", new BoundedAggregator(MAX_REQUEST_BODY))
                .addLast("groupcache", peerHandler)
                .addLast("not-found", notFound);
          }
        });
    try {
      Channel ch = b.bind(address).syncUninterruptibly().channel();
      return new PeerServer(ch, connections, inFlight);
    } catch (Exception e) { // bind failures arrive as checked exceptions thrown sneakily
      String reason = bindFailure(e);
      throw new UncheckedIOException("cannot listen on " + hostPort(address) + " for peer URL " + selfUrl
          + ": " + reason, e instanceof java.io.IOException io2 ? io2 : new java.io.IOException(e));
    }
  }

  private static String bindFailure(Throwable e) {
    String m = String.valueOf(e.getMessage());
    String lower = m.toLowerCase(Locale.ROOT);
    if (lower.contains("address already in use")) {
      return "address already in use";
    }
    if (lower.contains("cannot assign requested address")) {
      return "cannot assign requested address (is it an address of this machine?)";
    }
    if (lower.contains("permission denied")) {
      return "permission denied (ports below 1024 need privileges)";
    }
    if (e instanceof BindException || e instanceof SocketException) {
      return m.replaceFirst("^bind\\(\\.\\.\\) failed: ", "").toLowerCase(Locale.ROOT);
    }
    return e.toString();
  }

  static String hostPort(InetSocketAddress a) {
    String host = a.getHostString();
    if (host.indexOf(':') >= 0) {
      host = "[" + host + "]";
    }
    return host + ":" + a.getPort();
  }

  /** The address actually bound (with the real port when port 0 was asked). */
  public InetSocketAddress boundAddress() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /** Requests being answered now. */
  public int inFlight() {
    return inFlight.count();
  }

  /**
   * Stops accepting, answers new requests on open connections with 503, waits up to
   * {@code waitMillis} for the requests being computed, then closes every connection.
   */
  public void close(long waitMillis) {
    serverChannel.close().awaitUninterruptibly(waitMillis);
    inFlight.drain(java.time.Duration.ofMillis(waitMillis));
    // Idle keep-alive connections are closed now; answers already handed to the event loops are
    // queued before these close tasks and so are written first.
    connections.close().awaitUninterruptibly(Math.max(1000, waitMillis));
  }

  /** Refuses a request body over the bound with 413 and a one-line reason, then closes. */
  static final class BoundedAggregator extends HttpObjectAggregator {
    BoundedAggregator(int maxContentLength) {
      super(maxContentLength);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, io.netty.handler.codec.http.HttpMessage oversized) {
      ByteBuf body = ByteBufUtil.writeUtf8(ctx.alloc(),
          "request body too large: the peer endpoint takes GET requests without a body\n");
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, body, false);
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, Wire.CONTENT_TYPE_TEXT)
          .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
          .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Answers requests that no handler before it took: 404, one line. */
  @ChannelHandler.Sharable
  static final class NotFoundHandler extends ChannelInboundHandlerAdapter {
    private final String basePath;

    NotFoundHandler(String basePath) {
      this.basePath = basePath;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof FullHttpRequest req)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      req.release();
      ByteBuf body = ByteBufUtil.writeUtf8(ctx.alloc(),
          "not found: this port serves peer requests under " + basePath + "{group}/{key} only\n");
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND, body, false);
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, Wire.CONTENT_TYPE_TEXT)
          .set(Wire.NOSNIFF_HEADER, Wire.NOSNIFF)
          .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
      if (!keepAlive) {
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
      } else {
        ctx.writeAndFlush(r);
      }
    }
  }
}
