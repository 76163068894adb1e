package org.groupcache4j.http.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.groupcache4j.ByteView;
import org.groupcache4j.peer.PeerRequestHandler;

/**
 * Serves {@code GET {basePath}{group}/{key}} from a {@link PeerRequestHandler}, as
 * golang/groupcache's {@code HTTPPool.ServeHTTP}, inside an application's Netty pipeline (see
 * {@code HttpPeerTransport#newServerHandler}): it sits after an {@code HttpServerCodec} and an
 * {@code HttpObjectAggregator} and passes other requests on. The transport's own server uses the
 * leaner {@link PeerConnectionHandler}; both answer alike ({@link PeerAnswer}).
 *
 * <p>The event loop never waits for a load: the handler's future is completed later (on a loader
 * thread) and the answer is written from the channel's event loop. Answers leave in the order
 * the requests came (HTTP/1.1 pipelining): each request takes a slot in a per-connection queue,
 * and the queue is written from its head as slots complete. Requests outside the base path are
 * passed to the next handler in the pipeline in their turn; their answer (seen as it is written
 * back through this handler, up to its {@code LastHttpContent}) ends their slot. A connection
 * with too many unanswered requests stops reading until answers drain.
 *
 * <p>Answers: {@code 200 application/x-protobuf} with a {@code GetResponse}; {@code 400} for a
 * malformed path, bad percent-escape, or too long key; {@code 404} for an unknown group;
 * {@code 405} for any method but GET; {@code 414}/{@code 431} for a too long request line or
 * headers; {@code 500} when the loader failed, with {@link Wire#ERROR_HEADER} naming the kind of
 * failure. Error bodies are one line of text. A request the HTTP decoder cannot parse is answered
 * with a 4xx and the connection is closed.
 */
@ChannelHandler.Sharable
public final class PeerServerHandler extends ChannelDuplexHandler {
  private static final AttributeKey<Conn> CONN = AttributeKey.valueOf(PeerServerHandler.class, "conn");
  private static final int MAX_QUEUED = 64;

  private final String basePath;
  private final PeerRequestHandler handler;
  private final InFlight inFlight;
  private final AtomicLong nextUnexpectedLog = new AtomicLong(Long.MIN_VALUE);

  /**
   * @param basePath the path prefix served, starting and ending with {@code /}
   * @param inFlight counts requests whose answer is not there yet; its {@code draining} flag makes
   *     this handler answer new requests with 503 (used while the transport closes)
   */
  public PeerServerHandler(String basePath, PeerRequestHandler handler, InFlight inFlight) {
    this.basePath = basePath;
    this.handler = handler;
    this.inFlight = inFlight;
  }

  /** The state of one connection; touched only on its event loop. */
  private static final class Conn {
    final ArrayDeque<Slot> queue = new ArrayDeque<>();
    boolean closing; // no more requests are read: a close is on its way
    boolean readPaused;
  }

  /** One request's place in the answer order. */
  private static final class Slot {
    final boolean keepAlive;
    FullHttpRequest passThrough; // a request for the next handler, until fired
    boolean passThroughFired;
    PeerAnswer answer; // null until known

    Slot(boolean keepAlive) {
      this.keepAlive = keepAlive;
    }

    boolean done() {
      return answer != null;
    }
  }

  private static Conn conn(ChannelHandlerContext ctx) {
    Conn c = ctx.channel().attr(CONN).get();
    if (c == null) {
      c = new Conn();
      ctx.channel().attr(CONN).set(c);
    }
    return c;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest req)) {
      ctx.fireChannelRead(msg);
      return;
    }
    Conn c = conn(ctx);
    if (c.closing) {
      req.release();
      return;
    }
    if (req.decoderResult().isFailure()) {
      Slot s = new Slot(false);
      Throwable cause = req.decoderResult().cause();
      if (cause instanceof TooLongHttpLineException) {
        s.answer = PeerAnswer.error(414, "request line too long");
      } else if (cause instanceof TooLongHttpHeaderException) {
        s.answer = PeerAnswer.error(431, "request headers too large");
      } else if (cause instanceof TooLongFrameException) {
        s.answer = PeerAnswer.error(413, "request too large");
      } else {
        s.answer = PeerAnswer.error(400, "malformed HTTP request: " + PeerAnswer.oneLine(String.valueOf(cause.getMessage())));
      }
      req.release();
      c.closing = true;
      c.queue.add(s);
      drain(ctx, c);
      return;
    }
    PeerPaths.Route route = PeerPaths.route(req.uri(), basePath);
    if (route.notOurs()) {
      Slot s = new Slot(true);
      s.passThrough = req;
      c.queue.add(s);
      pauseIfFull(ctx, c);
      drain(ctx, c);
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    HttpMethod method = req.method();
    HttpVersion version = req.protocolVersion();
    req.release();
    PeerAnswer refusal = PeerAnswer.refusal(method, version, route, inFlight.draining());
    if (refusal != null && refusal.status == 503) {
      keepAlive = false;
    }
    Slot s = new Slot(keepAlive);
    c.queue.add(s);
    if (!keepAlive) {
      c.closing = true;
    }
    s.answer = refusal;
    if (refusal == null) {
      serve(ctx, c, s, route.group(), route.key());
      if (!s.done()) {
        pauseIfFull(ctx, c);
        return;
      }
    }
    drain(ctx, c);
  }

  private void serve(ChannelHandlerContext ctx, Conn c, Slot s, String group, String key) {
    CompletableFuture<ByteView> f = PeerAnswer.ask(handler, group, key);
    PeerAnswer now = PeerAnswer.ifDone(f, group, key, nextUnexpectedLog);
    if (now != null) { // a cache hit or a non-blocking load: answer in this turn
      s.answer = now;
      return;
    }
    PeerAnswer.whenDone(f, group, key, nextUnexpectedLog, inFlight, ctx.executor(), a -> {
      s.answer = a;
      drain(ctx, c);
    });
  }

  /** Writes the completed answers at the head of the queue, in order. */
  private void drain(ChannelHandlerContext ctx, Conn c) {
    boolean wrote = false;
    Slot s;
    while ((s = c.queue.peek()) != null) {
      if (s.passThrough != null || s.passThroughFired) {
        if (!s.passThroughFired) {
          if (wrote) {
            ctx.flush();
            wrote = false;
          }
          FullHttpRequest req = s.passThrough;
          s.passThrough = null;
          s.passThroughFired = true;
          ctx.fireChannelRead(req); // its answer, written back through write(), ends the slot
        }
        break;
      }
      if (!s.done()) {
        break;
      }
      c.queue.poll();
      ChannelFuture written = ctx.write(response(ctx, s));
      wrote = true;
      if (!s.keepAlive) {
        c.closing = true;
        written.addListener(ChannelFutureListener.CLOSE);
        releaseQueue(c);
        break;
      }
    }
    if (wrote) {
      ctx.flush();
    }
    if (c.readPaused && c.queue.size() <= MAX_QUEUED / 2 && !c.closing) {
      c.readPaused = false;
      ctx.channel().config().setAutoRead(true);
    }
    if (c.queue.isEmpty() && inFlight.draining() && ctx.channel().isActive()) {
      ctx.close();
    }
  }

  private static void pauseIfFull(ChannelHandlerContext ctx, Conn c) {
    if (!c.readPaused && c.queue.size() >= MAX_QUEUED) {
      c.readPaused = true;
      ctx.channel().config().setAutoRead(false);
    }
  }

  private static FullHttpResponse response(ChannelHandlerContext ctx, Slot s) {
    PeerAnswer a = s.answer;
    FullHttpResponse r;
    if (a.status == 200) {
      ByteBuf body = Wire.encodeResponse(ctx.alloc(), a.value);
      r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body, false);
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, Wire.CONTENT_TYPE_PROTOBUF);
    } else {
      ByteBuf body = ByteBufUtil.writeUtf8(ctx.alloc(), a.text + "\n");
      r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(a.status), body, false);
      HttpHeaders h = r.headers();
      h.set(HttpHeaderNames.CONTENT_TYPE, Wire.CONTENT_TYPE_TEXT);
      h.set(Wire.NOSNIFF_HEADER, Wire.NOSNIFF);
      if (a.errorKind != null) {
        h.set(Wire.ERROR_HEADER, a.errorKind);
      }
      if (a.allowGet) {
        h.set(HttpHeaderNames.ALLOW, "GET");
      }
    }
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
    if (!s.keepAlive) {
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return r;
  }

  /** Answers of the next handler (for requests outside the base path) pass here on their way out. */
  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    boolean ended = msg instanceof LastHttpContent;
    ctx.write(msg, promise);
    if (ended) {
      Conn c = ctx.channel().attr(CONN).get();
      if (c != null) {
        Slot head = c.queue.peek();
        if (head != null && head.passThroughFired) {
          c.queue.poll();
          drain(ctx, c);
        }
      }
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Conn c = ctx.channel().attr(CONN).get();
    if (c != null) {
      c.closing = true;
      releaseQueue(c);
    }
    ctx.fireChannelInactive();
  }

  private static void releaseQueue(Conn c) {
    for (Slot s : c.queue) {
      if (s.passThrough != null) {
        ReferenceCountUtil.release(s.passThrough);
        s.passThrough = null;
      }
    }
    c.queue.clear();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      Conn c = ctx.channel().attr(CONN).get();
      if (c == null || c.queue.isEmpty()) {
        ctx.close(); // nothing sent, nothing owed: an idle or stuck client
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    PeerConnectionHandler.closeAfterError(ctx, cause);
  }
}
