package org.groupcache4j.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.groupcache4j.http.internal.security.TlsContexts;
import org.groupcache4j.http.tls.TestCerts;

/**
 * TLS engines side by side on loopback, with mutual TLS and EC P-256 certificates as the peer
 * transport uses them: the JDK's {@code SSLEngine} against OpenSSL (BoringSSL, netty-tcnative),
 * and plain TCP as the floor. Per engine, in alternating rounds: new connections per second
 * (connect + handshake, sessions resumed as a reconnecting peer would), and request/answer round
 * trips per second on 32 open connections (a 60-byte request, a 120-byte answer: a peer fetch of
 * a small value).
 *
 * <pre>java -cp groupcache4j-bench/target/benchmarks.jar org.groupcache4j.bench.TlsEngines [seconds] [rounds]</pre>
 */
public final class TlsEngines {
  private static final int CONNECTIONS = 32;
  private static final int REQUEST = 60;
  private static final int ANSWER = 120;

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path dir = Files.createTempDirectory("tls-engines");
    TestCerts.Ca ca = TestCerts.newCa(dir, "bench CA");
    TestCerts.Cert server = ca.issue("server", TestCerts.KeyType.EC, "127.0.0.1");
    TestCerts.Cert client = ca.issue("client", TestCerts.KeyType.EC, "127.0.0.1");
    System.out.println("java " + System.getProperty("java.version") + ", OpenSSL available: " + OpenSsl.isAvailable()
        + (OpenSsl.isAvailable() ? " (" + OpenSsl.versionString() + ")" : ""));
    System.out.println("engine\tround\tconnections/s\tround trips/s");
    for (int r = 1; r <= rounds; r++) {
      for (String engine : new String[] {"plain", "JDK", "OPENSSL"}) {
        if (engine.equals("OPENSSL") && !OpenSsl.isAvailable()) {
          continue;
        }
        TlsContexts s = engine.equals("plain") ? null : TlsContexts.load(settings(server, ca), SslProvider.valueOf(engine));
        TlsContexts c = engine.equals("plain") ? null : TlsContexts.load(settings(client, ca), SslProvider.valueOf(engine));
        double conns = connections(s, c, Duration.ofSeconds(seconds));
        double trips = roundTrips(s, c, Duration.ofSeconds(seconds));
        System.out.printf("%s\t%d\t%.0f\t%.0f%n", engine, r, conns, trips);
      }
    }
  }

  private static TlsContexts.Settings settings(TestCerts.Cert cert, TestCerts.Ca ca) {
    return new TlsContexts.Settings(cert.certFile(), cert.keyFile(), ca.certFile(), true, true,
        Duration.ofSeconds(5), Duration.ofSeconds(60));
  }

  /** A server answering every {@value REQUEST}-byte request with {@value ANSWER} bytes. */
  private static Channel server(NioEventLoopGroup group, TlsContexts tls) {
    return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            if (tls != null) {
              ch.pipeline().addLast(tls.newServerHandler(ch.alloc()));
            }
            ch.pipeline().addLast(new Exchange(REQUEST, ANSWER, null, null));
          }
        }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
  }

  /** Counts {@code need} bytes in, then writes {@code reply} bytes; on the client side counts a round trip. */
  private static final class Exchange extends ChannelInboundHandlerAdapter {
    private final int need;
    private final int reply;
    private final LongAdder done;
    private final AtomicBoolean stop;
    private int got;

    Exchange(int need, int reply, LongAdder done, AtomicBoolean stop) {
      this.need = need;
      this.reply = reply;
      this.done = done;
      this.stop = stop;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = (ByteBuf) msg;
      got += b.readableBytes();
      b.release();
      while (got >= need) {
        got -= need;
        if (done != null) {
          done.increment();
          if (stop.get()) {
            ctx.close();
            return;
          }
        }
        ctx.writeAndFlush(ctx.alloc().buffer(reply).writeZero(reply));
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private static double roundTrips(TlsContexts s, TlsContexts c, Duration d) throws Exception {
    NioEventLoopGroup serverLoops = new NioEventLoopGroup(1);
    NioEventLoopGroup clientLoops = new NioEventLoopGroup(1);
    try {
      Channel server = server(serverLoops, s);
      int port = ((InetSocketAddress) server.localAddress()).getPort();
      LongAdder done = new LongAdder();
      AtomicBoolean stop = new AtomicBoolean();
      List<Channel> chans = new ArrayList<>();
      for (int i = 0; i < CONNECTIONS; i++) {
        Channel ch = connect(clientLoops, c, port, new Exchange(ANSWER, REQUEST, done, stop));
        chans.add(ch);
      }
      Thread.sleep(300); // handshakes done and warmed a little
      for (Channel ch : chans) {
        ch.writeAndFlush(ch.alloc().buffer(REQUEST).writeZero(REQUEST));
      }
      Thread.sleep(1000); // warm-up
      long before = done.sum();
      long t0 = System.nanoTime();
      Thread.sleep(d.toMillis());
      long n = done.sum() - before;
      double secs = (System.nanoTime() - t0) / 1e9;
      stop.set(true);
      for (Channel ch : chans) {
        ch.close().syncUninterruptibly();
      }
      server.close().syncUninterruptibly();
      return n / secs;
    } finally {
      serverLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      clientLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private static double connections(TlsContexts s, TlsContexts c, Duration d) throws Exception {
    NioEventLoopGroup serverLoops = new NioEventLoopGroup(1);
    NioEventLoopGroup clientLoops = new NioEventLoopGroup(1);
    try {
      Channel server = server(serverLoops, s);
      int port = ((InetSocketAddress) server.localAddress()).getPort();
      long n = 0;
      long warm = System.nanoTime() + 1_000_000_000L;
      long t0 = 0;
      long end = Long.MAX_VALUE;
      while (System.nanoTime() - end < 0) {
        if (t0 == 0 && System.nanoTime() - warm >= 0) {
          t0 = System.nanoTime();
          end = t0 + d.toNanos();
          n = 0;
        }
        Channel ch = connect(clientLoops, c, port, new ChannelInboundHandlerAdapter());
        ch.close().syncUninterruptibly();
        n++;
      }
      server.close().syncUninterruptibly();
      return n / ((System.nanoTime() - t0) / 1e9);
    } finally {
      serverLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      clientLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private static Channel connect(NioEventLoopGroup group, TlsContexts tls, int port,
      ChannelInboundHandlerAdapter handler) throws Exception {
    SslHandler[] ssl = new SslHandler[1];
    Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel c) {
            if (tls != null) {
              ssl[0] = tls.newClientHandler(c.alloc(), "127.0.0.1", port);
              c.pipeline().addLast(ssl[0]);
            }
            c.pipeline().addLast(handler);
          }
        }).connect("127.0.0.1", port).syncUninterruptibly().channel();
    if (ssl[0] != null) {
      ssl[0].handshakeFuture().get(10, TimeUnit.SECONDS);
    }
    return ch;
  }
}
