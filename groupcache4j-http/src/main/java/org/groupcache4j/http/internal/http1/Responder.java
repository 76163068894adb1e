package org.groupcache4j.http.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import org.groupcache4j.internal.RateLimitedLog;
import org.groupcache4j.internal.Text;

/**
 * The HTTP/1 responder of every server of groupcache4j (the peer port, a mounted peer handler,
 * the node's client API): one per connection, after Netty's request decoder. It
 * <ul>
 *   <li>answers what the decoder refused: 414 (request line), 431 (headers), 413 (body), 400
 *       (anything else malformed, and HTTP versions other than 1.0 and 1.1), closing the connection;
 *   <li>routes each request through its {@link Routes}: 404 (or the next handler, when mounted)
 *       for an unknown path, 405 with {@code Allow} for an undeclared method, 503 and a close while
 *       its {@link InFlight} drains, else the route's endpoint;
 *   <li>writes answers in request order (HTTP/1.1 pipelining): one ready at once with nothing
 *       before it is written in the same turn, and the connection flushed once per read batch;
 *       the others wait in the connection's queue. Back-pressure: at {@value #MAX_QUEUED}
 *       unanswered requests the connection stops reading until half of them are answered;
 *   <li>reads request bodies: collected for methods declared with a body limit, read and dropped
 *       (up to {@value #MAX_DROPPED_BODY} bytes) for the others; one over its limit is a 413 and a close;
 *   <li>closes a connection that stays idle with nothing owed (on an {@code IdleStateEvent}).
 * </ul>
 *
 * <p>Its own servers ({@link HttpServer}) put it right after an {@code HttpRequestDecoder}, with
 * no response encoder: answers leave as bytes ({@link Response#encode}). Mounted in an
 * application's pipeline ({@link #mounted}) it sits after that pipeline's {@code HttpServerCodec}
 * and {@code HttpObjectAggregator}, writes {@code FullHttpResponse}s, and passes requests that no
 * route takes to the next handler in their turn: their answer, seen as it is written back through
 * this handler (up to its {@code LastHttpContent}), ends their turn.
 *
 * <p>Touched only on the connection's event loop; not sharable.
 */
public final class Responder extends ChannelDuplexHandler {
  static final int MAX_QUEUED = 64;
  /** The most body bytes read (and dropped) for a method that takes no body. */
  public static final int MAX_DROPPED_BODY = 8192;
  private static final RateLimitedLog ERRORS = new RateLimitedLog("org.groupcache4j.http", Duration.ofSeconds(10));

  private final Routes routes;
  private final InFlight inFlight;
  private final boolean messages; // mounted: answers are FullHttpResponses for the pipeline's encoder
  private final ArrayDeque<Exchange> queue = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private boolean closing; // no more requests are read (the body of the last one still is): a close is on its way
  private boolean readPaused;
  private boolean needsFlush;
  private Exchange readingBody; // the request whose body is being read, or null
  private long bodyBytes; // of that body
  private long bodyLimit;
  private Routes.Handler servesAtEnd; // serves readingBody once its body is read
  private CompositeByteBuf collected; // the body of readingBody, for a method that takes one

  /**
   * A responder for one connection of a server of groupcache4j.
   *
   * @param inFlight counts this connection's unanswered requests; while it drains, new requests get 503
   */
  public Responder(Routes routes, InFlight inFlight) {
    this(routes, inFlight, false);
  }

  private Responder(Routes routes, InFlight inFlight, boolean messages) {
    this.routes = routes;
    this.inFlight = inFlight;
    this.messages = messages;
  }

  /**
   * A responder to mount in an application's pipeline, after its {@code HttpServerCodec} and
   * {@code HttpObjectAggregator}: it answers as {@code FullHttpResponse}s, and passes requests
   * that no route takes to the next handler (so {@code routes} has no {@code notFound} answer).
   */
  public static Responder mounted(Routes routes, InFlight inFlight) {
    return new Responder(routes, inFlight, true);
  }

  String remoteHost() {
    java.net.SocketAddress a = ctx.channel().remoteAddress();
    return a instanceof java.net.InetSocketAddress i && i.getAddress() != null ? i.getAddress().getHostAddress() : String.valueOf(a);
  }

  EventExecutor executor() {
    return ctx.executor();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    boolean passedOn = false;
    try {
      if (msg instanceof HttpRequest req && !closing) {
        passedOn = onRequest(req);
      }
      // A request's body is read even when no request may follow it (it still has to be answered).
      if (!passedOn && msg instanceof HttpContent c && (readingBody != null || !closing)) {
        onBody(c);
      }
    } finally {
      if (!passedOn) {
        ReferenceCountUtil.release(msg);
      }
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (needsFlush) {
      needsFlush = false;
      ctx.flush();
    }
    ctx.fireChannelReadComplete();
  }

  /** Takes one request; returns true when it was queued to be passed on (and so must not be released). */
  private boolean onRequest(HttpRequest req) {
    endBody();
    DecoderResult dr = req.decoderResult();
    if (dr.isFailure()) {
      closeWith(decoderFailure(dr.cause()));
      return false;
    }
    HttpVersion version = req.protocolVersion();
    RequestTarget target = RequestTarget.parse(req.uri());
    Routes.Route route = routes.find(target.rawPath());
    if (route == null && routes.notFound() == null && req instanceof FullHttpRequest) {
      Exchange ex = counted(new Exchange(this, req, target, true, false));
      ex.passThrough = req;
      enqueue(ex);
      drain();
      return true;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    Exchange ex = counted(new Exchange(this, req, target, keepAlive, keepAlive && version == HttpVersion.HTTP_1_0));
    if (routes.accessLog() != null) {
      ex.arrivedNanos = System.nanoTime();
    }
    Routes.Handler handler = route == null ? null : route.handler(req.method());
    Response refusal = refusal(ex, version, route, handler);
    if (refusal != null && refusal.status() == 503) {
      ex.keepAlive = false; // a node shutting down answers and closes
    }
    long limit = refusal == null && handler.maxBody() > 0 ? handler.maxBody() : MAX_DROPPED_BODY;
    long contentLength = HttpUtil.getContentLength(req, 0L);
    if (contentLength > limit) {
      closeWith(Response.text(413, tooLarge(limit)));
      return false;
    }
    if (!ex.keepAlive) {
      closing = true;
    }
    ex.response = refusal;
    if (contentLength > 0 || HttpUtil.isTransferEncodingChunked(req)) {
      ex.bodyPending = true; // answered once the body is read: one answer per request, whatever comes
      readingBody = ex;
      bodyLimit = limit;
      if (refusal == null && handler.maxBody() > 0) {
        servesAtEnd = handler;
        collected = ctx.alloc().compositeBuffer();
      }
    }
    if (refusal == null && servesAtEnd == null) {
      serve(ex, handler);
    }
    submit(ex);
    return false;
  }

  private Response refusal(Exchange ex, HttpVersion v, Routes.Route route, Routes.Handler handler) {
    if (!"HTTP".equals(v.protocolName()) || v.majorVersion() != 1 || v.minorVersion() > 1) {
      return Response.text(400, "bad request: unsupported protocol version " + Text.oneLine(v.text(), 100) + "; use HTTP/1.1");
    }
    if (routes.guard() != null) {
      Response denied = routes.guard().apply(ex);
      if (denied != null) {
        return denied;
      }
    }
    if (route == null) {
      return routes.notFound() != null ? routes.notFound().apply(ex) : Response.text(404, "not found");
    }
    if (handler == null) {
      return Response.text(405, "method " + Text.oneLine(ex.method().name(), 100) + " is not allowed: "
          + route.path + (route.path.endsWith("/") ? "… answers " : " answers ") + route.allow + " only")
          .with(Response.Header.of("allow", route.allow));
    }
    if (inFlight.draining()) {
      return routes.shuttingDown() != null ? routes.shuttingDown().apply(ex) : Response.text(503, "this node is shutting down");
    }
    return null;
  }

  private static Response decoderFailure(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return Response.text(414, "request line too long (keys are limited to 4096 UTF-8 bytes)");
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return Response.text(431, "request headers too large");
    }
    if (cause instanceof TooLongFrameException) {
      return Response.text(413, "request too large");
    }
    return Response.text(400, "malformed HTTP request: " + cause.getMessage());
  }

  private static String tooLarge(long limit) {
    return "request body too large: this request takes at most " + limit + " bytes";
  }

  private void serve(Exchange ex, Routes.Handler handler) {
    try {
      handler.endpoint().serve(ex);
    } catch (Throwable t) {
      ERRORS.log("endpoint", Level.WARNING, () -> "request " + ex.method() + " " + Text.quotable(ex.uri())
          + " failed unexpectedly (answered 500; further such errors are not logged for 10 s)", t);
      if (ex.response == null) {
        ex.response = Response.text(500, "internal error: " + t);
      }
    }
  }

  private void onBody(HttpContent c) {
    Exchange ex = readingBody;
    if (c.decoderResult().isFailure()) {
      refuseBody(ex, Response.text(400, "malformed HTTP request: " + c.decoderResult().cause().getMessage()));
      return;
    }
    int n = c.content().readableBytes();
    bodyBytes += n;
    if (bodyBytes > bodyLimit) {
      refuseBody(ex, Response.text(413, tooLarge(bodyLimit)));
      return;
    }
    if (collected != null && n > 0) {
      collected.addComponent(true, c.content().retain());
    }
    if (c instanceof LastHttpContent && ex != null) {
      Routes.Handler handler = servesAtEnd;
      CompositeByteBuf body = collected;
      collected = null;
      endBody();
      ex.bodyPending = false;
      if (handler != null) {
        ex.body = body;
        try {
          serve(ex, handler);
        } finally {
          ex.body = null;
          body.release();
        }
      }
      drain();
    }
  }

  /** The body of request {@code ex} is refused: that is its answer, and the connection ends with it. */
  private void refuseBody(Exchange ex, Response r) {
    endBody();
    if (ex == null) {
      closeWith(r);
      return;
    }
    ex.response = r;
    ex.keepAlive = false;
    ex.bodyPending = false;
    closing = true;
    drain();
  }

  private void endBody() {
    readingBody = null;
    bodyBytes = 0;
    servesAtEnd = null;
    if (collected != null) {
      collected.release();
      collected = null;
    }
  }

  /** Answers with {@code r} after the answers owed before it, then closes the connection. */
  private void closeWith(Response r) {
    closing = true;
    submit(counted(new Exchange(this, r)));
  }

  /** Called on the event loop when an endpoint answers {@code ex}. */
  void answered(Exchange ex, Response r) {
    if (ex.response != null) {
      return; // answered already (its body was refused meanwhile): that stays the answer
    }
    ex.response = r;
    if (ex.queued) {
      drain();
    }
  }

  /** Counts {@code ex} in flight until its answer is written or dropped (before anything looks at the drain flag). */
  private Exchange counted(Exchange ex) {
    inFlight.enter();
    return ex;
  }

  private void submit(Exchange ex) {
    if (queue.isEmpty() && ex.ready()) {
      boolean keptOpen = write(ex);
      inFlight.exit();
      if (keptOpen) {
        needsFlush = true;
      }
      return;
    }
    enqueue(ex);
  }

  private void enqueue(Exchange ex) {
    queue.add(ex);
    ex.queued = true;
    if (!readPaused && queue.size() >= MAX_QUEUED) {
      readPaused = true;
      ctx.channel().config().setAutoRead(false);
    }
  }

  /** Writes the answers at the head of the queue that are ready, in order; passes on a request whose turn it is. */
  private void drain() {
    boolean wrote = false;
    Exchange ex;
    while ((ex = queue.peek()) != null) {
      if (ex.passThrough != null || ex.passThroughFired) {
        if (!ex.passThroughFired) {
          if (wrote) {
            ctx.flush();
            wrote = false;
          }
          Object req = ex.passThrough;
          ex.passThrough = null;
          ex.passThroughFired = true;
          ctx.fireChannelRead(req); // its answer, written back through write(), ends its turn
        }
        break;
      }
      if (!ex.ready()) {
        break;
      }
      queue.poll();
      inFlight.exit();
      wrote = true;
      if (!write(ex)) {
        clearQueue();
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

  /**
   * Writes one answer; returns false when the connection ends with it (then it is flushed and
   * the connection closes once it is sent). While draining, the last answer owed ends the connection.
   */
  private boolean write(Exchange ex) {
    if (!ctx.channel().isActive()) {
      return false;
    }
    boolean keepAlive = ex.keepAlive && !(inFlight.draining() && queue.isEmpty());
    Object out = messages ? message(ex, keepAlive)
        : ex.response.encode(ctx.alloc(), !keepAlive, keepAlive && ex.keepAlive10, ex.head);
    Routes.AccessLog log = routes.accessLog();
    if (log != null && ex.method() != null) {
      long bytes = out instanceof ByteBuf b ? b.readableBytes() : -1;
      log.answered(ex, ex.response.status(), bytes, System.nanoTime() - ex.arrivedNanos, ctx.channel().remoteAddress());
    }
    if (keepAlive) {
      ctx.write(out, ctx.voidPromise());
      return true;
    }
    closing = true;
    ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
    return false;
  }

  private FullHttpResponse message(Exchange ex, boolean keepAlive) {
    FullHttpResponse m = ex.response.toMessage(ctx.alloc());
    if (!keepAlive) {
      m.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (ex.keepAlive10) {
      m.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    return m;
  }

  /** Answers of the next handler (to requests passed on) pass here on their way out. */
  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    boolean ended = msg instanceof LastHttpContent;
    ctx.write(msg, promise);
    if (ended) {
      Exchange head = queue.peek();
      if (head != null && head.passThroughFired) {
        queue.poll();
        inFlight.exit();
        drain();
      }
    }
  }

  private void clearQueue() {
    Exchange ex;
    while ((ex = queue.poll()) != null) {
      inFlight.exit();
      if (ex.passThrough != null) {
        ReferenceCountUtil.release(ex.passThrough);
        ex.passThrough = null;
      }
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    clearQueue(); // answers still coming are dropped: their requests are done as far as draining is concerned
    endBody();
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      if (queue.isEmpty()) {
        ctx.close(); // nothing received for the idle timeout, nothing owed: an idle or stuck client
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof IOException)) {
      ERRORS.log("connection", Level.DEBUG, () -> "closing HTTP connection " + ctx.channel() + " after: " + cause, null);
    }
    ctx.close();
  }
}
