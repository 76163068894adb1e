package org.groupcache4j.http.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.groupcache4j.peer.PeerRequestHandler;

/**
 * The listening side of a transport: a Netty server whose pipeline is reader-idle timeout →
 * {@code HttpRequestDecoder} (bounded request line and headers) → {@link PeerConnectionHandler},
 * which writes its answers as bytes.
 */
public final class PeerServer {
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
    AtomicLong nextUnexpectedLog = new AtomicLong(Long.MIN_VALUE);
    long idleMillis = cfg.idleTimeout().toMillis();
    HttpDecoderConfig decoder = new HttpDecoderConfig()
        .setMaxInitialLineLength(cfg.maxRequestLineBytes())
        .setMaxHeaderSize(cfg.maxHeaderBytes())
        .setMaxChunkSize(8192);
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
                // Reader idleness only: watching writes would cost a promise and a listener per answer.
                .addLast("idle", new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS))
                .addLast("decoder", new HttpRequestDecoder(decoder))
                .addLast("groupcache", new PeerConnectionHandler(cfg.basePath(), handler, inFlight, nextUnexpectedLog));
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
}
