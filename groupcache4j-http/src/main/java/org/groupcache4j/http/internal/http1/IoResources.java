package org.groupcache4j.http.internal.http1;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The event loops of one transport, shared by its peer server (accepting and serving) and its
 * peer clients. Uses epoll where Netty's native library loads (Linux x86_64 / aarch64), NIO
 * elsewhere. Threads are daemons, so a transport that is never closed does not keep a JVM alive.
 *
 * <p>The loops may also come from the application ({@code HttpPeerTransport.Builder#eventLoopGroup}),
 * so that a node's client API and its peer transport share threads: a request then runs start to
 * end on one thread (API read, peer fetch, answer) with no hand-over between thread pools. Such
 * loops belong to the application and are not shut down here.
 */
public final class IoResources {
  private final EventLoopGroup group;
  private final boolean owned;
  private final Class<? extends ServerChannel> serverChannel;
  private final Class<? extends Channel> clientChannel;
  private final EventLoop[] loops;

  /** Creates {@code threads} event loops of its own. */
  public IoResources(int threads, boolean preferNative) {
    this(newGroup(threads, "groupcache4j-http", preferNative), true);
  }

  /**
   * Uses the application's {@code group} (an epoll or NIO group), which it keeps owning.
   *
   * @throws IllegalArgumentException for any other kind of event loop group
   */
  public IoResources(EventLoopGroup group) {
    this(group, false);
  }

  private IoResources(EventLoopGroup group, boolean owned) {
    this.group = group;
    this.owned = owned;
    this.loops = loopsOf(group);
    if (isEpoll(group)) {
      serverChannel = EpollServerSocketChannel.class;
      clientChannel = EpollSocketChannel.class;
    } else if (group instanceof NioEventLoopGroup || loops[0] instanceof NioEventLoop) {
      serverChannel = NioServerSocketChannel.class;
      clientChannel = NioSocketChannel.class;
    } else {
      throw new IllegalArgumentException("unsupported event loop group " + group.getClass().getName()
          + ": pass an EpollEventLoopGroup or a NioEventLoopGroup");
    }
  }

  /**
   * {@code threads} event loops on daemon threads named after {@code name}: epoll where Netty's
   * native library loads and {@code preferNative}, NIO elsewhere.
   */
  public static EventLoopGroup newGroup(int threads, String name, boolean preferNative) {
    DefaultThreadFactory tf = new DefaultThreadFactory(name, true);
    return preferNative && Epoll.isAvailable() ? new EpollEventLoopGroup(threads, tf) : new NioEventLoopGroup(threads, tf);
  }

  /** Whether {@code group} runs epoll event loops (else it is taken for NIO). */
  public static boolean isEpoll(EventLoopGroup group) {
    if (group instanceof EpollEventLoopGroup) {
      return true;
    }
    // A single epoll loop (its class is not public) also serves as a group.
    return group.next().getClass().getName().startsWith("io.netty.channel.epoll.");
  }

  private static EventLoop[] loopsOf(EventLoopGroup group) {
    List<EventLoop> out = new ArrayList<>();
    for (EventExecutor e : group) {
      if (e instanceof EventLoop l) {
        out.add(l);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("the event loop group " + group + " has no event loops");
    }
    return out.toArray(new EventLoop[0]);
  }

  public EventLoopGroup group() {
    return group;
  }

  /** The group's event loops, in a fixed order. */
  public EventLoop[] loops() {
    return loops.clone();
  }

  public Class<? extends ServerChannel> serverChannel() {
    return serverChannel;
  }

  public Class<? extends Channel> clientChannel() {
    return clientChannel;
  }

  /** Stops the event loops if they are this transport's own, waiting at most {@code wait} for them to end. */
  public void shutdown(Duration wait) {
    if (!owned) {
      return;
    }
    group.shutdownGracefully(0, wait.toMillis(), TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(wait.toMillis() + 1000, TimeUnit.MILLISECONDS);
  }
}
