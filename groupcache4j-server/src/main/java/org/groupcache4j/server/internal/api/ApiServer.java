package org.groupcache4j.server.internal.api;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.groupcache4j.GroupCache;
import org.groupcache4j.http.internal.IoResources;
import org.groupcache4j.server.internal.cli.Values;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client API of a node, on Netty: {@code GET /api?key=K} (default group),
 * {@code GET /api/{group}/{key}}, {@code GET /stats}, {@code GET /healthz}.
 *
 * <p>Requests never block an event loop: values come from {@link org.groupcache4j.Group#getAsync},
 * which completes at once on a cache hit (the response is written in the same turn, wrapping the
 * value's bytes without copying) and later, on a loader or peer thread, for a miss (the response is
 * then handed back to the connection's event loop). Pipelined requests are answered in order.
 *
 * <p>Shutdown is graceful: {@link #stopAccepting()} closes the listeners and makes every further
 * response close its connection, {@link #awaitIdle} waits for the requests in flight, and
 * {@link #close()} closes what is left.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

  final GroupCache cache;
  final String defaultGroup;
  final KeyPolicy keyPolicy;
  final Supplier<String> stats;
  volatile Supplier<String> healthProblem = () -> null;
  final AtomicInteger inFlight = new AtomicInteger();
  volatile boolean draining;

  private final List<InetSocketAddress> binds;
  private final int threads;
  private final int maxConnections;
  private final Duration idleTimeout;
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final List<Channel> listeners = new ArrayList<>();
  private final AtomicInteger open = new AtomicInteger();
  private final EventLoopGroup shared; // the node's event loops (shared with the peer transport), or null
  private EventLoopGroup boss; // own loops, when none are shared
  private EventLoopGroup workers;

  /** Why a key of a group is refused before loading (e.g. a path leaving a directory), or null. */
  @FunctionalInterface
  public interface KeyPolicy {
    String refuse(String group, String key);
  }

  public ApiServer(GroupCache cache, String defaultGroup, KeyPolicy keyPolicy, Supplier<String> stats,
      List<InetSocketAddress> binds, int threads, int maxConnections, Duration idleTimeout) {
    this(cache, defaultGroup, keyPolicy, stats, binds, threads, maxConnections, idleTimeout, null);
  }

  /**
   * @param shared event loops to accept and serve on (an epoll or NIO group that the caller keeps
   *     owning and shuts down after {@link #close()}), or null for loops of its own, {@code threads}
   *     of them
   */
  public ApiServer(GroupCache cache, String defaultGroup, KeyPolicy keyPolicy, Supplier<String> stats,
      List<InetSocketAddress> binds, int threads, int maxConnections, Duration idleTimeout, EventLoopGroup shared) {
    this.shared = shared;
    this.cache = Objects.requireNonNull(cache, "cache");
    this.defaultGroup = Objects.requireNonNull(defaultGroup, "defaultGroup");
    this.keyPolicy = keyPolicy != null ? keyPolicy : (g, k) -> null;
    this.stats = Objects.requireNonNull(stats, "stats");
    this.binds = List.copyOf(binds);
    this.threads = threads;
    this.maxConnections = maxConnections;
    this.idleTimeout = idleTimeout;
  }

  /**
   * What makes the node unhealthy: {@code GET /healthz} answers 503 with the supplied text while
   * it is not null (and 200 "ok" otherwise).
   */
  public ApiServer healthProblem(Supplier<String> problem) {
    this.healthProblem = Objects.requireNonNull(problem, "problem");
    return this;
  }

  /**
   * Listens on every address.
   *
   * @throws IOException naming the address that cannot be bound (e.g. already in use)
   */
  public synchronized ApiServer start() throws IOException {
    EventLoopGroup acceptors;
    EventLoopGroup servers;
    if (shared != null) {
      acceptors = shared;
      servers = shared;
    } else {
      acceptors = boss = IoResources.newGroup(1, "api-accept", true);
      servers = workers = IoResources.newGroup(threads, "api", true);
    }
    boolean epoll = IoResources.isEpoll(servers);
    Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    ServerBootstrap b = new ServerBootstrap()
        .group(acceptors, servers)
        .channel(channelType)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (open.incrementAndGet() > maxConnections || draining) {
              open.decrementAndGet();
              log.warn("client API refused a connection from {}: {}", ch.remoteAddress(),
                  draining ? "shutting down" : "already " + maxConnections + " open (--api-max-connections)");
              ch.close();
              return;
            }
            ch.closeFuture().addListener(f -> open.decrementAndGet());
            channels.add(ch);
            ch.pipeline()
                // Reader idleness only: watching writes would cost a promise and a listener per response.
                .addLast(new IdleStateHandler(idleTimeout.toMillis(), 0, 0, TimeUnit.MILLISECONDS))
                // Requests are decoded by Netty; responses are written as bytes (see Responses).
                .addLast(new HttpRequestDecoder(new HttpDecoderConfig()
                    .setMaxInitialLineLength(ApiHandler.MAX_REQUEST_LINE)
                    .setMaxHeaderSize(ApiHandler.MAX_HEADERS)
                    .setMaxChunkSize(8192)))
                .addLast(new ApiHandler(ApiServer.this));
          }
        });
    for (InetSocketAddress a : binds) {
      InetSocketAddress resolved = a.isUnresolved() ? new InetSocketAddress(a.getHostString(), a.getPort()) : a;
      if (resolved.isUnresolved()) {
        close();
        throw new IOException("--api " + a.getHostString() + ":" + a.getPort() + ": unknown host "
            + a.getHostString());
      }
      try {
        Channel ch = b.bind(resolved).sync().channel();
        listeners.add(ch);
      } catch (Exception e) {
        close();
        String why = e.getMessage() == null ? e.toString() : e.getMessage();
        throw new IOException("--api " + a.getHostString() + ":" + a.getPort() + ": cannot listen: " + why
            + (why.contains("in use") ? " (another process has this port; pick another or stop it)" : ""), e);
      }
    }
    StringBuilder where = new StringBuilder();
    for (InetSocketAddress a : boundAddresses()) {
      where.append(where.length() == 0 ? "" : ", ").append("http://").append(Values.format(a));
    }
    int n = 0;
    for (var ignored : servers) {
      n++;
    }
    log.info("client API on {} ({}, {} thread{}{})", where, epoll ? "epoll" : "nio", n, n == 1 ? "" : "s",
        shared != null ? ", shared with the peer transport" : "");
    return this;
  }

  /** The addresses listened on, in the order given (ports resolved when 0 was asked). */
  public synchronized List<InetSocketAddress> boundAddresses() {
    List<InetSocketAddress> out = new ArrayList<>();
    for (Channel c : listeners) {
      out.add((InetSocketAddress) c.localAddress());
    }
    return out;
  }

  /** Stops accepting connections; requests on open connections are still answered, each closing its connection. */
  public synchronized void stopAccepting() {
    draining = true;
    for (Channel c : listeners) {
      c.close().syncUninterruptibly();
    }
  }

  /** Waits until no request is in flight, at most {@code timeout}; returns whether none is. */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (inFlight.get() > 0) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      synchronized (inFlight) {
        inFlight.wait(20);
      }
    }
    return true;
  }

  /** Requests being answered now. */
  public int inFlight() {
    return inFlight.get();
  }

  void requestDone() {
    if (inFlight.decrementAndGet() == 0 && draining) {
      synchronized (inFlight) {
        inFlight.notifyAll();
      }
    }
  }

  /** Closes every connection (after what was written to it is sent) and the event loops. */
  @Override
  public synchronized void close() {
    draining = true;
    for (Channel c : listeners) {
      c.close();
    }
    listeners.clear();
    for (Channel c : channels) {
      c.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
    if (workers != null) {
      workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
    if (boss != null) {
      boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
