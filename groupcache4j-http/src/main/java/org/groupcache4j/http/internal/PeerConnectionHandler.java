package org.groupcache4j.http.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.groupcache4j.ByteView;
import org.groupcache4j.peer.PeerRequestHandler;

/**
 * One connection of the standalone peer server; sits right after an {@code HttpRequestDecoder}
 * (no aggregator, no response encoder). Answers are written as bytes ({@link PeerResponses}).
 *
 * <p>A request whose answer is ready at once (a cache hit, a non-blocking load, an error) and
 * that has nothing queued before it is written in the same turn, and the connection is flushed
 * once per read batch, so pipelined requests leave in one write. Other answers wait in the
 * connection's queue, in request order (HTTP/1.1 pipelining), and are written from the
 * connection's event loop when the value arrives. A connection with too many unanswered
 * requests stops reading until answers drain. Request bodies are not used: they are read and
 * dropped, and one over {@link #MAX_REQUEST_BODY} bytes is answered with {@code 413} and the
 * connection closed. A request the decoder cannot parse gets a 4xx and the connection is closed.
 *
 * <p>Touched only on the connection's event loop; not sharable.
 */
final class PeerConnectionHandler extends ChannelInboundHandlerAdapter {
  private static final System.Logger LOG = System.getLogger("org.groupcache4j.http");
  /** Requests to the peer endpoint carry no body; a small bound is plenty. */
  static final int MAX_REQUEST_BODY = 8192;
  private static final int MAX_QUEUED = 64;

  private final String basePath;
  private final PeerRequestHandler handler;
  private final InFlight inFlight;
  private final AtomicLong nextUnexpectedLog;
  private final ArrayDeque<Slot> queue = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private boolean closing; // no more requests are read (the body of the last one still is): a close is on its way
  private boolean readPaused;
  private boolean needsFlush;
  private long bodyBytes; // of the request being read
  private Slot readingBody; // the request whose body is being read, or null

  PeerConnectionHandler(String basePath, PeerRequestHandler handler, InFlight inFlight, AtomicLong nextUnexpectedLog) {
    this.basePath = basePath;
    this.handler = handler;
    this.inFlight = inFlight;
    this.nextUnexpectedLog = nextUnexpectedLog;
  }

  /** One request's place in the answer order. */
  private static final class Slot {
    boolean keepAlive;
    final boolean keepAlive10; // an HTTP/1.0 client asked to keep the connection
    final boolean head;
    PeerAnswer answer; // null until known
    boolean bodyPending; // its body is still arriving: no answer before it is read (or refused)

    Slot(boolean keepAlive, boolean keepAlive10, boolean head) {
      this.keepAlive = keepAlive;
      this.keepAlive10 = keepAlive10;
      this.head = head;
    }

    boolean ready() {
      return answer != null && !bodyPending;
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof HttpRequest req && !closing) {
        onRequest(req);
      }
      // A request's body is read even when no request may follow it (it still has to be answered).
      if (msg instanceof HttpContent c && (readingBody != null || !closing)) {
        onBody(c);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (needsFlush) {
      needsFlush = false;
      ctx.flush();
    }
  }

  private void onRequest(HttpRequest req) {
    bodyBytes = 0;
    readingBody = null;
    DecoderResult dr = req.decoderResult();
    if (dr.isFailure()) {
      Throwable cause = dr.cause();
      String text = cause instanceof TooLongHttpLineException ? "request line too long"
          : cause instanceof TooLongHttpHeaderException ? "request headers too large"
          : cause instanceof TooLongFrameException ? "request too large"
          : "malformed HTTP request: " + PeerAnswer.oneLine(String.valueOf(cause.getMessage()));
      int status = cause instanceof TooLongHttpLineException ? 414
          : cause instanceof TooLongHttpHeaderException ? 431
          : cause instanceof TooLongFrameException ? 413 : 400;
      closeWith(status, text, false);
      return;
    }
    if (HttpUtil.getContentLength(req, 0L) > MAX_REQUEST_BODY) {
      closeWith(413, "request body too large: the peer endpoint takes GET requests without a body", false);
      return;
    }
    HttpVersion version = req.protocolVersion();
    HttpMethod method = req.method();
    PeerPaths.Route route = PeerPaths.route(req.uri(), basePath);
    PeerAnswer refusal = route.notOurs()
        ? PeerAnswer.error(404, "not found: this port serves peer requests under " + basePath + "{group}/{key} only")
        : PeerAnswer.refusal(method, version, route, inFlight.draining());
    // A node shutting down answers and closes; so does every answer to a client that asks it.
    boolean keepAlive = HttpUtil.isKeepAlive(req) && (refusal == null || refusal.status != 503);
    Slot s = new Slot(keepAlive, keepAlive && version == HttpVersion.HTTP_1_0, method == HttpMethod.HEAD);
    if (!keepAlive) {
      closing = true;
    }
    s.answer = refusal;
    if (HttpUtil.isTransferEncodingChunked(req) || HttpUtil.getContentLength(req, 0L) > 0) {
      s.bodyPending = true; // answered once the body is read: one answer per request, whatever comes
      readingBody = s;
    }
    if (refusal == null) {
      serve(s, route.group(), route.key());
    }
    submit(s);
  }

  private void onBody(HttpContent c) {
    Slot s = readingBody;
    if (c.decoderResult().isFailure()) {
      refuseBody(s, 400, "malformed HTTP request: " + PeerAnswer.oneLine(String.valueOf(c.decoderResult().cause().getMessage())));
      return;
    }
    bodyBytes += c.content().readableBytes();
    if (bodyBytes > MAX_REQUEST_BODY) {
      refuseBody(s, 413, "request body too large: the peer endpoint takes GET requests without a body");
      return;
    }
    if (c instanceof LastHttpContent && s != null) {
      readingBody = null;
      s.bodyPending = false;
      drain();
    }
  }

  /** The body of request {@code s} is refused: that is its answer, and the connection ends with it. */
  private void refuseBody(Slot s, int status, String text) {
    readingBody = null;
    if (s == null) {
      closeWith(status, text, false);
      return;
    }
    s.answer = PeerAnswer.error(status, text);
    s.keepAlive = false;
    s.bodyPending = false;
    closing = true;
    drain();
  }

  /** Answers with an error after the answers owed before it, then closes the connection. */
  private void closeWith(int status, String text, boolean head) {
    Slot s = new Slot(false, false, head);
    s.answer = PeerAnswer.error(status, text);
    closing = true;
    submit(s);
  }

  private void serve(Slot s, String group, String key) {
    CompletableFuture<ByteView> f = PeerAnswer.ask(handler, group, key);
    PeerAnswer now = PeerAnswer.ifDone(f, group, key, nextUnexpectedLog);
    if (now != null) { // a cache hit or a non-blocking load: answer in this turn
      s.answer = now;
      return;
    }
    PeerAnswer.whenDone(f, group, key, nextUnexpectedLog, inFlight, ctx.executor(), a -> {
      if (s.answer == null) { // else its body was refused meanwhile: that stays the answer
        s.answer = a;
      }
      drain();
    });
  }

  private void submit(Slot s) {
    if (queue.isEmpty() && s.ready()) {
      write(s);
      if (s.keepAlive) {
        needsFlush = true;
      }
      return;
    }
    queue.add(s);
    if (!readPaused && queue.size() >= MAX_QUEUED) {
      readPaused = true;
      ctx.channel().config().setAutoRead(false);
    }
  }

  /** Writes the answers at the head of the queue that are ready, in order. */
  private void drain() {
    boolean wrote = false;
    Slot s;
    while ((s = queue.peek()) != null && s.ready()) {
      queue.poll();
      wrote = true;
      if (!write(s)) {
        queue.clear();
        return;
      }
    }
    if (wrote) {
      ctx.flush();
    }
    if (readPaused && queue.size() <= MAX_QUEUED / 2 && !closing) {
      readPaused = false;
      ctx.channel().config().setAutoRead(true);
    }
    if (queue.isEmpty() && inFlight.draining() && ctx.channel().isActive()) {
      ctx.close();
    }
  }

  /** Writes one answer; returns false when the connection ends with it. */
  private boolean write(Slot s) {
    if (!ctx.channel().isActive()) {
      return false;
    }
    ByteBuf bytes = PeerResponses.encode(ctx.alloc(), s.answer, !s.keepAlive, s.keepAlive10, s.head);
    if (s.keepAlive) {
      ctx.write(bytes, ctx.voidPromise());
      return true;
    }
    closing = true;
    ctx.writeAndFlush(bytes).addListener(ChannelFutureListener.CLOSE);
    return false;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    queue.clear();
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      if (queue.isEmpty()) {
        ctx.close(); // nothing sent for the idle timeout, nothing owed: an idle or stuck client
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    closeAfterError(ctx, cause);
  }

  /** Closes a peer connection after {@code cause}; logs it (at debug) unless it is the socket's own I/O error. */
  static void closeAfterError(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof IOException)) {
      LOG.log(Level.DEBUG, () -> "closing peer connection " + ctx.channel() + " after: " + cause);
    }
    ctx.close();
  }
}
