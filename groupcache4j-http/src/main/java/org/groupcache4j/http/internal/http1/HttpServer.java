package org.groupcache4j.http.internal.http1;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.groupcache4j.http.internal.http1.IoResources;

/**
 * A listening HTTP/1 server of groupcache4j (the peer port, the client API): sockets on the given
 * event loops, and per connection the pipeline
 * <pre>
 *   "idle"      IdleStateHandler     reader idleness: the responder closes a connection idle with nothing owed
 *   "decoder"   HttpRequestDecoder   bounded request line and headers (414 / 431 beyond)
 *   "responder" {@link Responder}    limits, routes ({@link Routes}), order, back-pressure, draining; answers as bytes
 * </pre>
 * A TLS handler goes first, before {@code "idle"} (see {@link Builder#pipeline}).
 *
 * <p>Shutdown: {@link #stopAccepting} closes the listeners and starts draining (new requests get
 * 503, each connection closes after the last answer it owes); {@link #awaitIdle} waits for the
 * requests in flight; {@link #close} closes every connection.
 */
public final class HttpServer {
  private final Builder cfg;
  private final ServerBootstrap bootstrap;
  private final ChannelGroup connections = new DefaultChannelGroup("groupcache4j-http", GlobalEventExecutor.INSTANCE);
  private final List<Channel> listeners = new ArrayList<>();
  private final AtomicInteger open = new AtomicInteger();

  private HttpServer(Builder b) {
    this.cfg = b;
    Class<? extends ServerChannel> channelType = IoResources.isEpoll(b.workers)
        ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    HttpDecoderConfig decoder = new HttpDecoderConfig()
        .setMaxInitialLineLength(b.maxRequestLineBytes)
        .setMaxHeaderSize(b.maxHeaderBytes)
        .setMaxChunkSize(8192);
    long idleMillis = b.idleTimeout.toMillis();
    this.bootstrap = new ServerBootstrap()
        .group(b.acceptors, b.workers)
        .channel(channelType)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            if (open.incrementAndGet() > b.maxConnections || b.inFlight.draining()) {
              open.decrementAndGet();
              b.onRefused.accept(b.inFlight.draining() ? "shutting down"
                  : "already " + b.maxConnections + " connections open");
              ch.close();
              return;
            }
            ch.closeFuture().addListener(f -> open.decrementAndGet());
            connections.add(ch);
            ch.pipeline()
                // Reader idleness only: watching writes would cost a promise and a listener per answer.
                .addLast("idle", new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS))
                .addLast("decoder", new HttpRequestDecoder(decoder))
                .addLast("responder", new Responder(b.routes, b.inFlight));
            b.pipeline.accept(ch);
          }
        });
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Listens on {@code address} as well; returns the address bound (the real port when 0 was asked).
   *
   * @throws BindFailure with a short reason ("address already in use", ...) if it cannot
   */
  public synchronized InetSocketAddress bind(InetSocketAddress address) {
    try {
      Channel ch = bootstrap.bind(address).syncUninterruptibly().channel();
      listeners.add(ch);
      return (InetSocketAddress) ch.localAddress();
    } catch (Exception e) { // bind failures arrive as checked exceptions thrown sneakily
      throw new BindFailure(reason(e), e);
    }
  }

  /** A socket that could not listen; the message is a short reason, e.g. "address already in use". */
  public static final class BindFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BindFailure(String reason, Throwable cause) {
      super(reason, cause);
    }
  }

  private static String reason(Throwable e) {
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

  /** The addresses listened on, in the order bound. */
  public synchronized List<InetSocketAddress> boundAddresses() {
    List<InetSocketAddress> out = new ArrayList<>();
    for (Channel c : listeners) {
      out.add((InetSocketAddress) c.localAddress());
    }
    return out;
  }

  /** The counter of unanswered requests, which also says whether this server drains. */
  public InFlight inFlight() {
    return cfg.inFlight;
  }

  /** Closes the listeners and starts draining: new requests get 503, open connections end after their last answer. */
  public synchronized void stopAccepting() {
    cfg.inFlight.startDraining();
    for (Channel c : listeners) {
      c.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
  }

  /** Waits up to {@code wait} for the requests in flight; returns whether none is left. */
  public boolean awaitIdle(Duration wait) throws InterruptedException {
    return cfg.inFlight.awaitIdle(wait);
  }

  /**
   * {@link #stopAccepting}, waits up to {@code wait} for the requests in flight, then closes
   * every connection (answers already handed to the event loops are written first).
   */
  public void close(Duration wait) {
    stopAccepting();
    cfg.inFlight.drain(wait);
    connections.close().awaitUninterruptibly(Math.max(1000, wait.toMillis()));
  }

  /** Configures an {@link HttpServer}; routes and event loops are required. */
  public static final class Builder {
    private Routes routes;
    private EventLoopGroup acceptors;
    private EventLoopGroup workers;
    private InFlight inFlight = new InFlight();
    private int maxRequestLineBytes = 16 * 1024;
    private int maxHeaderBytes = 8 * 1024;
    private Duration idleTimeout = Duration.ofSeconds(120);
    private int maxConnections = Integer.MAX_VALUE;
    private Consumer<String> onRefused = why -> {};
    private Consumer<Channel> pipeline = ch -> {};

    private Builder() {}

    public Builder routes(Routes routes) {
      this.routes = Objects.requireNonNull(routes, "routes");
      return this;
    }

    /** Accepts on {@code acceptors} and serves connections on {@code workers} (epoll or NIO; may be the same group). */
    public Builder eventLoops(EventLoopGroup acceptors, EventLoopGroup workers) {
      this.acceptors = Objects.requireNonNull(acceptors, "acceptors");
      this.workers = Objects.requireNonNull(workers, "workers");
      return this;
    }

    /** The counter to count unanswered requests in (shared with mounted handlers of the same transport). */
    public Builder inFlight(InFlight inFlight) {
      this.inFlight = Objects.requireNonNull(inFlight, "inFlight");
      return this;
    }

    /** The longest request line (414 beyond); default 16 KiB. */
    public Builder maxRequestLineBytes(int bytes) {
      this.maxRequestLineBytes = bytes;
      return this;
    }

    /** The most header bytes of a request (431 beyond); default 8 KiB. */
    public Builder maxHeaderBytes(int bytes) {
      this.maxHeaderBytes = bytes;
      return this;
    }

    /** A connection that sends nothing for this long, with nothing owed to it, is closed; default 120 s. */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = Objects.requireNonNull(timeout, "idleTimeout");
      return this;
    }

    /** Connections beyond this many are closed as they arrive, telling {@code onRefused} why; default no limit. */
    public Builder maxConnections(int max, Consumer<String> onRefused) {
      this.maxConnections = max;
      this.onRefused = Objects.requireNonNull(onRefused, "onRefused");
      return this;
    }

    /**
     * Called with each new connection once its pipeline ({@code "idle"}, {@code "decoder"},
     * {@code "responder"}) is set up, to add handlers: e.g. {@code ch.pipeline().addFirst("tls", sslHandler)}.
     */
    public Builder pipeline(Consumer<Channel> customizer) {
      this.pipeline = Objects.requireNonNull(customizer, "pipeline");
      return this;
    }

    public HttpServer build() {
      Objects.requireNonNull(routes, "routes");
      Objects.requireNonNull(workers, "eventLoops");
      return new HttpServer(this);
    }
  }
}
