package org.groupcache4j.http.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.groupcache4j.ByteView;
import org.groupcache4j.KeyNotFoundException;
import org.groupcache4j.LoadException;
import org.groupcache4j.LoadTimeoutException;
import org.groupcache4j.peer.PeerClient;

/**
 * Fetches keys from one peer over HTTP/1.1 keep-alive connections.
 *
 * <p><b>Connection reuse.</b> golang/groupcache uses {@code http.DefaultTransport}, which keeps
 * only 2 idle connections per host: under concurrent load most fetches find no idle connection,
 * open a new TCP connection and leave it in TIME_WAIT afterwards (about 20k sockets after a 10 s
 * run in the Go anchor measurements). Here every connection returns to a per-peer Netty
 * {@link FixedChannelPool} after its answer, with no separate idle limit: up to
 * {@code maxConnectionsPerPeer} connections are opened once and then reused. When all are busy a
 * fetch waits for the next free one (bounded by its deadline) instead of opening another. The
 * pool hands out the most recently used connection first, so a quiet period leaves the others
 * unused, and they are closed after the client idle timeout (shorter than the server's, so a
 * server rarely closes a connection the pool is about to use). A fetch that fails on a reused
 * connection before any answer byte arrived (the peer closed it meanwhile) is retried on another
 * connection, as Go's transport does for idempotent requests.
 *
 * <p><b>Deadlines.</b> Connecting is bounded by the connect timeout; the whole fetch (waiting for
 * a connection, sending, answering) by the response timeout; the answer body by
 * {@code maxResponseBytes}. A fetch past its deadline fails and its connection is closed.
 *
 * <p><b>Outcomes</b> follow {@link PeerClient}'s contract: 200 gives the value; an error marked
 * with {@link Wire#ERROR_HEADER} by one of our nodes becomes the owner's {@link LoadException},
 * {@link LoadTimeoutException} or {@link KeyNotFoundException}; everything else (refused, reset,
 * timed out, too large, not protobuf, unknown group, or a plain 500 as golang/groupcache sends for
 * its loader errors) is a transport failure, {@link PeerFetchException}, and the group falls back
 * to a local load. Futures complete on the transport's I/O threads: callers should not block in
 * their callbacks.
 */
public final class PeerHttpClient implements PeerClient {
  private static final AttributeKey<Exchange> EXCHANGE = AttributeKey.valueOf(PeerHttpClient.class, "exchange");
  private static final AttributeKey<ConnState> STATE = AttributeKey.valueOf(PeerHttpClient.class, "state");
  private static final int MAX_ATTEMPTS = 3;

  private final String url;
  private final TransportConfig cfg;
  private final String pathPrefix; // peer URL path + base path
  private final String hostHeader;
  private final String invalid; // why the URL cannot be used, or null
  private final FixedChannelPool pool;
  private final EventExecutor timer;
  private final ResponseHandler responseHandler = new ResponseHandler();
  private final Consumer<PeerHttpClient> onClose;
  private volatile boolean closed;

  /** @param onClose told once when this client is closed */
  public PeerHttpClient(String url, TransportConfig cfg, IoResources io, Consumer<PeerHttpClient> onClose) {
    this.url = url;
    this.onClose = onClose;
    this.cfg = cfg;
    this.timer = io.group().next();
    String problem = null;
    String prefix = cfg.basePath();
    String host = null;
    InetSocketAddress remote = null;
    try {
      URI u = new URI(url);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http")) {
        problem = "peer URL " + url + " is not an http:// URL (this transport speaks plain HTTP only)";
      } else if (u.getHost() == null) {
        problem = "peer URL " + url + " has no host; expected e.g. http://10.0.0.2:8001";
      } else {
        int port = u.getPort() < 0 ? 80 : u.getPort();
        String h = u.getHost();
        boolean bracketed = h.startsWith("[") && h.endsWith("]"); // an IPv6 literal
        remote = InetSocketAddress.createUnresolved(bracketed ? h.substring(1, h.length() - 1) : h, port);
        host = u.getPort() < 0 ? u.getHost() : u.getHost() + ":" + port;
        String rawPath = u.getRawPath() == null ? "" : u.getRawPath();
        prefix = rawPath + cfg.basePath(); // concatenated as golang/groupcache does
      }
    } catch (URISyntaxException e) {
      problem = "peer URL " + url + " is not a valid URL: " + e.getMessage();
    }
    this.invalid = problem;
    this.pathPrefix = prefix;
    this.hostHeader = host;
    if (problem != null) {
      this.pool = null;
      return;
    }
    Bootstrap b = new Bootstrap()
        .group(io.group())
        .channel(io.clientChannel())
        .remoteAddress(remote)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, cfg.connectTimeout().toMillis()))
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true);
    long idleMillis = cfg.clientIdleTimeout().toMillis();
    this.pool = new FixedChannelPool(b, new AbstractChannelPoolHandler() {
      @Override
      public void channelCreated(Channel ch) {
        ch.attr(STATE).set(new ConnState());
        ch.pipeline()
            .addLast("bytes", BytesSeen.INSTANCE)
            .addLast("codec", new HttpClientCodec(4096, 16384, 16384))
            .addLast("aggregator", new HttpObjectAggregator(cfg.maxResponseBytes()))
            .addLast("idle", new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS))
            .addLast("groupcache", responseHandler);
      }
    }, ChannelHealthChecker.ACTIVE, FixedChannelPool.AcquireTimeoutAction.FAIL,
        Math.max(1, cfg.responseTimeout().toMillis()), cfg.maxConnectionsPerPeer(),
        cfg.maxPendingFetchesPerPeer(), true, true);
  }

  @Override
  public String url() {
    return url;
  }

  @Override
  public CompletableFuture<ByteView> fetch(String group, String key) {
    if (invalid != null) {
      return CompletableFuture.failedFuture(new PeerFetchException(url, group, key, invalid, null));
    }
    if (closed) {
      return CompletableFuture.failedFuture(new PeerFetchException(url, group, key,
          "the client of this peer is closed (the peer left the peer list or the node is closing)", null));
    }
    Exchange ex = new Exchange(group, key, PeerPaths.requestPath(pathPrefix, group, key));
    long timeoutNanos = cfg.responseTimeout().toNanos();
    ex.deadline = timer.schedule(() -> timedOut(ex), timeoutNanos, TimeUnit.NANOSECONDS);
    attempt(ex);
    return ex.result;
  }

  private void attempt(Exchange ex) {
    ex.attempts++;
    Future<Channel> acquired;
    try {
      acquired = pool.acquire();
    } catch (RuntimeException e) { // the pool is closed
      fail(ex, "cannot get a connection: " + e.getMessage(), e);
      return;
    }
    acquired.addListener(f -> {
      if (!f.isSuccess()) {
        Throwable c = f.cause();
        String what = c instanceof TimeoutException
            ? "no free connection within " + cfg.responseTimeout().toMillis() + " ms (all "
                + cfg.maxConnectionsPerPeer() + " pooled connections busy; raise maxConnectionsPerPeer)"
            : c instanceof ConnectException || c instanceof io.netty.channel.ConnectTimeoutException
                ? "cannot connect: " + c.getMessage()
                : "cannot get a connection: " + c;
        fail(ex, what, c);
        return;
      }
      Channel ch = (Channel) f.getNow();
      if (ex.result.isDone()) { // timed out while waiting for the connection
        pool.release(ch);
        return;
      }
      ConnState st = ch.attr(STATE).get();
      ex.reused = st.uses++ > 0;
      st.bytesSeen = false;
      ex.channel = ch;
      ch.attr(EXCHANGE).set(ex);
      if (ex.result.isDone() && ch.attr(EXCHANGE).compareAndSet(ex, null)) {
        pool.release(ch); // the deadline passed in between: do not send
        return;
      }
      FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, ex.path,
          Unpooled.EMPTY_BUFFER, false);
      req.headers().set(HttpHeaderNames.HOST, hostHeader);
      ch.writeAndFlush(req).addListener(w -> {
        if (!w.isSuccess() && ch.attr(EXCHANGE).compareAndSet(ex, null)) {
          ch.close();
          pool.release(ch);
          failedOnConnection(ex, st, "cannot send the request: " + w.cause(), w.cause());
        }
      });
    });
  }

  /** The connection broke while {@code ex} used it (already detached and released). */
  private void failedOnConnection(Exchange ex, ConnState st, String what, Throwable cause) {
    if (ex.reused && !st.bytesSeen && ex.attempts < MAX_ATTEMPTS && !ex.result.isDone() && !closed) {
      attempt(ex); // a stale keep-alive connection: nothing was answered, so asking again is safe
      return;
    }
    fail(ex, what, cause);
  }

  private void timedOut(Exchange ex) {
    if (ex.result.completeExceptionally(new PeerFetchException(url, ex.group, ex.key,
        "no answer within " + cfg.responseTimeout().toMillis() + " ms (the transport's response timeout)",
        new TimeoutException()))) {
      Channel ch = ex.channel;
      if (ch != null && ch.attr(EXCHANGE).compareAndSet(ex, null)) {
        ch.close(); // a late answer would confuse the next user of this connection
        pool.release(ch);
      }
    }
  }

  private void fail(Exchange ex, String what, Throwable cause) {
    if (ex.result.completeExceptionally(new PeerFetchException(url, ex.group, ex.key, what, cause))) {
      ex.deadline.cancel(false);
    }
  }

  private void succeed(Exchange ex, Object outcome) {
    boolean changed = outcome instanceof ByteView v
        ? ex.result.complete(v)
        : ex.result.completeExceptionally((Throwable) outcome);
    if (changed) {
      ex.deadline.cancel(false);
    }
  }

  /** Interprets an answer: a ByteView, or the Throwable to fail the fetch with. */
  private Object interpret(Exchange ex, FullHttpResponse resp) {
    if (resp.decoderResult().isFailure()) {
      return new PeerFetchException(url, ex.group, ex.key, "answered something that is not HTTP: "
          + resp.decoderResult().cause(), resp.decoderResult().cause());
    }
    HttpResponseStatus status = resp.status();
    ByteBuf body = resp.content();
    if (status.code() == 200) {
      try {
        return Wire.decodeResponse(body);
      } catch (IOException e) {
        return new PeerFetchException(url, ex.group, ex.key, "answered 200 with a body that is not a groupcache "
            + "GetResponse (" + body.readableBytes() + " bytes): " + e.getMessage(), e);
      }
    }
    String kind = resp.headers().get(Wire.ERROR_HEADER);
    String text = firstLine(body);
    if (kind != null) {
      switch (kind) {
        case Wire.NOT_FOUND:
          return new KeyNotFoundException(ex.group, ex.key, url, text);
        case Wire.LOAD_TIMEOUT:
          return LoadTimeoutException.fromOwner(ex.group, ex.key, url, text);
        default:
          return LoadException.fromOwner(ex.group, ex.key, url, text);
      }
    }
    return new PeerFetchException(url, ex.group, ex.key, "answered " + status.code() + " "
        + status.reasonPhrase() + (text.isEmpty() ? "" : ": " + text), null);
  }

  private static String firstLine(ByteBuf body) {
    int n = Math.min(body.readableBytes(), 1000);
    String s = body.toString(body.readerIndex(), n, StandardCharsets.UTF_8);
    int nl = s.indexOf('\n');
    return (nl >= 0 ? s.substring(0, nl) : s).trim();
  }

  /** Closes the pool; fetches under way fail, later fetches fail at once. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    onClose.accept(this);
    if (pool != null) {
      try {
        pool.closeAsync();
      } catch (RuntimeException e) {
        // already closed, or the event loops are gone
      }
    }
  }

  @Override
  public String toString() {
    return "PeerHttpClient[" + url + "]";
  }

  /** One fetch; may use several connections in turn (retries on stale connections). */
  private static final class Exchange {
    final String group;
    final String key;
    final String path;
    final CompletableFuture<ByteView> result = new CompletableFuture<>();
    volatile ScheduledFuture<?> deadline;
    volatile Channel channel;
    volatile boolean reused;
    int attempts;

    Exchange(String group, String key, String path) {
      this.group = group;
      this.key = key;
      this.path = path;
    }
  }

  /** Per connection: how often it was used, and whether the current exchange saw any answer byte. */
  private static final class ConnState {
    int uses;
    volatile boolean bytesSeen;
  }

  /** Notes that answer bytes arrived, so that a broken answer is not retried. */
  @ChannelHandler.Sharable
  private static final class BytesSeen extends ChannelInboundHandlerAdapter {
    static final BytesSeen INSTANCE = new BytesSeen();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ConnState st = ctx.channel().attr(STATE).get();
      if (st != null && !st.bytesSeen) {
        st.bytesSeen = true;
      }
      ctx.fireChannelRead(msg);
    }
  }

  @ChannelHandler.Sharable
  private final class ResponseHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      Channel ch = ctx.channel();
      if (!(msg instanceof FullHttpResponse resp)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      Exchange ex = ch.attr(EXCHANGE).getAndSet(null);
      if (ex == null) { // an answer nobody asked for (e.g. after a timeout): the stream is unusable
        resp.release();
        ch.close();
        return;
      }
      Object outcome;
      boolean reusable;
      try {
        outcome = interpret(ex, resp);
        reusable = HttpUtil.isKeepAlive(resp) && !resp.decoderResult().isFailure();
      } finally {
        resp.release();
      }
      if (!reusable) {
        ch.close();
      }
      pool.release(ch); // before completing, so that the caller's next fetch can use it
      succeed(ex, outcome);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      Channel ch = ctx.channel();
      Exchange ex = ch.attr(EXCHANGE).getAndSet(null);
      if (ex != null) {
        pool.release(ch);
        failedOnConnection(ex, ch.attr(STATE).get(), "the peer closed the connection before answering",
            new ClosedChannelException());
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      Channel ch = ctx.channel();
      Exchange ex = ch.attr(EXCHANGE).getAndSet(null);
      ch.close();
      if (ex != null) {
        pool.release(ch);
        String what = cause instanceof TooLongFrameException
            ? "the answer is larger than maxResponseBytes (" + cfg.maxResponseBytes()
                + " bytes); raise HttpPeerTransport.builder().maxResponseBytes(...) if values are that large"
            : "connection failed: " + cause;
        if (cause instanceof TooLongFrameException) {
          fail(ex, what, cause);
        } else {
          failedOnConnection(ex, ch.attr(STATE).get(), what, cause);
        }
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof IdleStateEvent) {
        if (ctx.channel().attr(EXCHANGE).get() == null) {
          ctx.close(); // unused for the idle timeout; the pool drops closed connections
        }
        return;
      }
      ctx.fireUserEventTriggered(evt);
    }
  }
}
