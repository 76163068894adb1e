package org.groupcache4j.http.internal.client;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import org.groupcache4j.http.PeerFetchException.Reason;

/**
 * One pooled keep-alive connection to a peer, the last handler of its pipeline: it carries one
 * fetch at a time, sends its request, reads the answer ({@link AnswerReader}), and tells its
 * {@link ConnectionPool} when the answer is in or the connection broke. Touched on its pool's
 * event loop only.
 */
final class PeerConnection extends ChannelInboundHandlerAdapter {
  private final ConnectionPool pool;
  private final AnswerReader reader;
  Channel channel;
  Fetch fetch; // the fetch it carries, or null when free
  private int uses;
  private boolean bytesSeen; // of the current answer: a broken connection is then not retried

  PeerConnection(ConnectionPool pool, AnswerReader reader) {
    this.pool = pool;
    this.reader = reader;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  /** Sends the request of {@code f}, which now rides on this connection. */
  void send(Fetch f, PeerRequests requests) {
    f.conn = this;
    f.reused = uses++ > 0;
    fetch = f;
    bytesSeen = false;
    channel.writeAndFlush(f.probe ? requests.basePath(channel.alloc(), f.relayTo)
        : f.status ? requests.status(channel.alloc())
        : f.write != null ? requests.write(channel.alloc(), f.group, f.write, f.relayTo, f.extraHeader)
        : requests.get(channel.alloc(), f.group, f.key, f.relayTo, f.extraHeader), channel.voidPromise());
  }

  /** Lets go of {@code f} (done elsewhere, e.g. past its deadline) and closes: a late answer would confuse the next fetch. */
  void abandon(Fetch f) {
    if (fetch == f) {
      fetch = null;
      f.conn = null;
      closeNow();
    }
  }

  /**
   * Closes with a reset (no linger): what the peer has not acknowledged yet is thrown away rather
   * than sent on once the peer is reachable again, so that a write given up on here never lands
   * there late (after a newer one).
   */
  void closeNow() {
    try {
      channel.config().setOption(io.netty.channel.ChannelOption.SO_LINGER, 0);
    } catch (RuntimeException e) {
      // a channel that cannot linger-reset closes as usual
    }
    channel.close();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      Fetch f = fetch;
      if (f == null) { // an answer nobody asked for (e.g. after a timeout): the stream is unusable
        reader.reset();
        channel.close();
        return;
      }
      Object outcome = reader.read((HttpObject) msg, f);
      if (outcome == null) {
        return;
      }
      fetch = null;
      f.conn = null;
      if (reader.reusable()) {
        pool.release(this); // before completing, so that the caller's next fetch can use it
      } else {
        channel.close();
      }
      pool.complete(f, outcome);
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    reader.reset();
    Fetch f = fetch;
    fetch = null;
    if (f != null) {
      pool.failedOnConnection(f, bytesSeen, Reason.CONNECTION_LOST, "the peer closed the connection before answering",
          new ClosedChannelException());
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Fetch f = fetch;
    fetch = null;
    ctx.close();
    if (f != null) {
      pool.failedOnConnection(f, bytesSeen, Reason.CONNECTION_LOST, "connection failed: " + cause, cause);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      if (fetch == null) {
        ctx.close(); // unused for the idle timeout; the pool drops closed connections
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  /** Netty's decoder, noting that answer bytes arrived so that a broken answer is not asked again. */
  static final class AnswerDecoder extends HttpResponseDecoder {
    private final PeerConnection conn;

    AnswerDecoder(HttpDecoderConfig config, PeerConnection conn) {
      super(config);
      this.conn = conn;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      conn.bytesSeen = true;
      super.channelRead(ctx, msg);
    }
  }
}
