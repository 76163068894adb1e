package org.groupcache4j.http.tls;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.groupcache4j.http.internal.security.TlsContexts;
import org.groupcache4j.http.internal.security.TlsFailureLog;
import org.groupcache4j.http.internal.security.TlsPortGuard;
import org.groupcache4j.internal.RateLimitedLog;

/** A TLS echo server and client on loopback, to check what two {@link TlsContexts} agree on. */
public final class TlsEcho implements AutoCloseable {
  private final NioEventLoopGroup group = new NioEventLoopGroup(1);
  private final Channel server;

  /** Serves with {@code contexts} on {@code host}, port 0. */
  public TlsEcho(TlsContexts contexts, String host) {
    this(contexts::newServerHandler, host);
  }

  /** Serves with {@code contexts} behind the port guard and the failure log, as a node's TLS port does. */
  public static TlsEcho guarded(TlsContexts contexts, String host, RateLimitedLog log) {
    return new TlsEcho(contexts::newServerHandler, host, log);
  }

  /** Serves with the handlers {@code ssl} makes on {@code host}, port 0. */
  public TlsEcho(java.util.function.Function<io.netty.buffer.ByteBufAllocator, SslHandler> ssl, String host) {
    this(ssl, host, null);
  }

  private TlsEcho(java.util.function.Function<io.netty.buffer.ByteBufAllocator, SslHandler> ssl, String host,
      RateLimitedLog log) {
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            if (log != null) {
              ch.pipeline().addLast(new TlsPortGuard("test port", log));
            }
            ch.pipeline().addLast(ssl.apply(ch.alloc()));
            if (log != null) {
              ch.pipeline().addLast(new TlsFailureLog("test port", log, new LongAdder()));
            }
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ctx.writeAndFlush(msg);
              }

              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
              }
            });
          }
        }).bind(host, 0).syncUninterruptibly().channel();
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** One connection of a client made from {@code contexts}. */
  public final class Conn implements AutoCloseable {
    final Channel ch;
    final SslHandler ssl;

    Conn(Channel ch, SslHandler ssl) {
      this.ch = ch;
      this.ssl = ssl;
    }

    /** The certificate the server presented. */
    public X509Certificate serverCertificate() throws Exception {
      return (X509Certificate) ssl.engine().getSession().getPeerCertificates()[0];
    }

    /** Whether the session was resumed (same session id as {@code other}'s). */
    public byte[] sessionId() {
      return ssl.engine().getSession().getId();
    }

    /** Sends {@code text} and returns what came back. */
    public String echo(String text) throws Exception {
      CompletableFuture<String> got = new CompletableFuture<>();
      ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          ByteBuf b = (ByteBuf) msg;
          got.complete(b.toString(StandardCharsets.UTF_8));
          b.release();
          ctx.pipeline().remove(this);
        }
      });
      // A server that refuses the client after the handshake (TLS 1.3 checks client certificates then) closes.
      ch.closeFuture().addListener(f -> got.completeExceptionally(
          new java.nio.channels.ClosedChannelException()));
      ch.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
      return got.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
      ch.close().syncUninterruptibly();
    }
  }

  /**
   * Connects to this server's {@code port()} at {@code host} with a client of {@code contexts}
   * and waits for the handshake; throws its failure (an {@code SSLException}, say).
   */
  public Conn connect(TlsContexts contexts, String host) throws Exception {
    return connect(alloc -> contexts.newClientHandler(alloc, host, port()), host);
  }

  /** Like {@link #connect(TlsContexts, String)} with a bare Netty client context (one our loader would refuse). */
  public Conn connect(io.netty.handler.ssl.SslContext context, String host) throws Exception {
    return connect(alloc -> context.newHandler(alloc, host, port()), host);
  }

  private Conn connect(java.util.function.Function<io.netty.buffer.ByteBufAllocator, SslHandler> handler, String host)
      throws Exception {
    SslHandler[] ssl = new SslHandler[1];
    Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel c) {
        ssl[0] = handler.apply(c.alloc());
        c.pipeline().addLast(ssl[0]);
      }
    }).connect(host, port()).syncUninterruptibly().channel();
    try {
      ssl[0].handshakeFuture().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      ch.close();
      throw (Exception) e.getCause();
    }
    return new Conn(ch, ssl[0]);
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
