package org.groupcache4j.http.internal;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The event loops of one transport, shared by its peer server (accepting and serving) and its
 * peer clients. Uses epoll where Netty's native library loads (Linux x86_64 / aarch64), NIO
 * elsewhere. Threads are daemons, so a transport that is never closed does not keep a JVM alive.
 */
public final class IoResources {
  private final EventLoopGroup group;
  private final Class<? extends ServerChannel> serverChannel;
  private final Class<? extends Channel> clientChannel;

  public IoResources(int threads, boolean preferNative) {
    DefaultThreadFactory tf = new DefaultThreadFactory("groupcache4j-http", true);
    if (preferNative && Epoll.isAvailable()) {
      group = new EpollEventLoopGroup(threads, tf);
      serverChannel = EpollServerSocketChannel.class;
      clientChannel = EpollSocketChannel.class;
    } else {
      group = new NioEventLoopGroup(threads, tf);
      serverChannel = NioServerSocketChannel.class;
      clientChannel = NioSocketChannel.class;
    }
  }

  public EventLoopGroup group() {
    return group;
  }

  public Class<? extends ServerChannel> serverChannel() {
    return serverChannel;
  }

  public Class<? extends Channel> clientChannel() {
    return clientChannel;
  }

  /** Stops the event loops, waiting at most {@code wait} for them to end. */
  public void shutdown(Duration wait) {
    group.shutdownGracefully(0, wait.toMillis(), TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(wait.toMillis() + 1000, TimeUnit.MILLISECONDS);
  }
}
