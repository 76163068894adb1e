package org.groupcache4j.http.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
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
 * run in the Go anchor measurements). Here every connection returns to its pool after its answer,
 * with no separate idle limit: up to {@code maxConnectionsPerPeer} connections are opened once
 * and then reused. When all are busy a fetch waits for the next free one (bounded by its
 * deadline) instead of opening another. A pool hands out the most recently used connection
 * first, so a quiet period leaves the others unused, and they are closed after the client idle
 * timeout (shorter than the server's, so a server rarely closes a connection the pool is about
 * to use). A fetch that fails on a reused connection before any answer byte arrived (the peer
 * closed it meanwhile) is retried on another connection, as Go's transport does for idempotent
 * requests.
 *
 * <p><b>One pool per event loop.</b> The connections are split over the transport's event loops
 * ({@code maxConnectionsPerPeer} in all), each loop with its own pool touched only by that loop:
 * no locks, and a fetch started on an event loop (a client API request, when the API shares the
 * transport's loops) runs on that thread from the request it writes to the answer it completes
 * with. Fetches from other threads are handed to the loops in turn.
 *
 * <p><b>Lean exchange.</b> A request is written as bytes ({@code GET path HTTP/1.1} and a
 * {@code host} header) and the answer is read by Netty's {@code HttpResponseDecoder} (chunked and
 * close-delimited bodies included) with no aggregator: the {@code GetResponse} is parsed straight
 * from the body buffer, copying the value once, into the array the {@link ByteView} owns.
 *
 * <p><b>Deadlines.</b> Connecting is bounded by the connect timeout; the whole fetch (waiting for
 * a connection, sending, answering) by the response timeout; the answer body by
 * {@code maxResponseBytes}. A fetch past its deadline fails and its connection is closed. All
 * fetches of a loop share one timer: they have the same timeout, so their deadlines come in the
 * order they started.
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
  private static final int MAX_ATTEMPTS = 3;

  private final String url;
  private final TransportConfig cfg;
  private final String invalid; // why the URL cannot be used, or null
  private final byte[] requestHead; // "GET " + peer URL path + base path
  private final byte[] requestTail; // " HTTP/1.1\r\nhost: ...\r\n\r\n"
  private final long timeoutNanos;
  private final LoopPool[] pools;
  private final AtomicInteger nextPool = new AtomicInteger();
  private final Consumer<PeerHttpClient> onClose;
  private volatile boolean closed;
  private volatile EscapedGroup lastGroup; // group names are few: remember the last one's escaped bytes

  /** @param onClose told once when this client is closed */
  public PeerHttpClient(String url, TransportConfig cfg, IoResources io, Consumer<PeerHttpClient> onClose) {
    this.url = url;
    this.onClose = onClose;
    this.cfg = cfg;
    this.timeoutNanos = cfg.responseTimeout().toNanos();
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
    this.requestHead = ("GET " + prefix).getBytes(StandardCharsets.UTF_8);
    this.requestTail = (" HTTP/1.1\r\nhost: " + host + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    if (problem != null) {
      this.pools = new LoopPool[0];
      return;
    }
    EventLoop[] loops = io.loops();
    int n = Math.min(loops.length, cfg.maxConnectionsPerPeer());
    this.pools = new LoopPool[n];
    for (int i = 0; i < n; i++) {
      int connections = cfg.maxConnectionsPerPeer() / n + (i < cfg.maxConnectionsPerPeer() % n ? 1 : 0);
      int pending = Math.max(1, cfg.maxPendingFetchesPerPeer() / n + (i < cfg.maxPendingFetchesPerPeer() % n ? 1 : 0));
      pools[i] = new LoopPool(loops[i], io, remote, connections, pending);
    }
    for (LoopPool p : pools) {
      try {
        p.loop.execute(() -> p.preconnect(0));
      } catch (RejectedExecutionException e) {
        break; // the event loops are shut down: fetches will say so
      }
    }
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
    Exchange ex = new Exchange(group, key);
    for (LoopPool p : pools) {
      if (p.loop.inEventLoop()) {
        p.start(ex); // the common case with shared loops: no hand-over at all
        return ex.result;
      }
    }
    LoopPool p = pools[Math.floorMod(nextPool.getAndIncrement(), pools.length)];
    try {
      p.loop.execute(() -> p.start(ex));
    } catch (RejectedExecutionException e) {
      ex.result.completeExceptionally(new PeerFetchException(url, group, key,
          "the transport's event loops are shut down (is the node closing?)", e));
    }
    return ex.result;
  }

  /** Closes the pools; fetches under way fail, later fetches fail at once. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    onClose.accept(this);
    for (LoopPool p : pools) {
      try {
        p.loop.execute(p::close);
      } catch (RejectedExecutionException e) {
        // the event loops are gone, and with them every connection
      }
    }
  }

  @Override
  public String toString() {
    return "PeerHttpClient[" + url + "]";
  }

  private PeerFetchException failure(Exchange ex, String what, Throwable cause) {
    return new PeerFetchException(url, ex.group, ex.key, what, cause);
  }

  /**
   * Sends {@code rounds} requests for the base path alone, one after the other, and completes when
   * their answers are in (a {@code 400} from a groupcache server: no group, no key, no load).
   * Run against a node's own server at start, it loads and exercises the classes and code of both
   * ends of a fetch, so that the first real fetch of a fresh node does not pay for that.
   */
  public CompletableFuture<Void> warmUp(int rounds) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    probe(rounds, done);
    return done;
  }

  private void probe(int left, CompletableFuture<Void> done) {
    if (left <= 0 || closed || invalid != null) {
      done.complete(null);
      return;
    }
    Exchange ex = new Exchange("", "");
    ex.probe = true;
    LoopPool p = pools[Math.floorMod(nextPool.getAndIncrement(), pools.length)];
    try {
      p.loop.execute(() -> p.start(ex));
    } catch (RejectedExecutionException e) {
      done.complete(null);
      return;
    }
    ex.result.whenComplete((v, e) -> probe(left - 1, done));
  }

  /** {@code GET {prefix}{group}/{key} HTTP/1.1} and the host header, percent-encoded as {@link PeerPaths#escape}. */
  private ByteBuf encodeRequest(ByteBufAllocator alloc, String group, String key) {
    EscapedGroup g = lastGroup;
    if (g == null || !g.name().equals(group)) {
      g = new EscapedGroup(group, PeerPaths.escape(group).getBytes(StandardCharsets.US_ASCII));
      lastGroup = g;
    }
    String k = PeerPaths.escape(key); // the key itself when nothing needs escaping
    ByteBuf buf = alloc.ioBuffer(requestHead.length + g.escaped().length + 1 + k.length() + requestTail.length);
    buf.writeBytes(requestHead).writeBytes(g.escaped()).writeByte('/');
    ByteBufUtil.writeAscii(buf, k);
    return buf.writeBytes(requestTail);
  }

  private record EscapedGroup(String name, byte[] escaped) {}

  /** One fetch; may use several connections in turn (retries on stale connections). Touched on one loop. */
  private static final class Exchange {
    final String group;
    final String key;
    boolean probe; // asks for the base path itself (see warmUp), not a key
    final CompletableFuture<ByteView> result = new CompletableFuture<>();
    long deadline; // System.nanoTime() value
    Exchange prev; // in the loop's deadline list
    Exchange next;
    boolean listed;
    Conn conn; // the connection carrying it now, or null
    boolean waiting; // in the loop's queue for a free connection
    boolean reused;
    int attempts;

    Exchange(String group, String key) {
      this.group = group;
      this.key = key;
    }
  }

  /**
   * The connections to this peer on one event loop, the fetches waiting for one, and the deadline
   * list of every fetch started here. Touched only on {@link #loop}.
   */
  private final class LoopPool {
    final EventLoop loop;
    final Bootstrap bootstrap;
    final int maxConnections;
    final int maxWaiting;
    final ArrayDeque<Conn> idle = new ArrayDeque<>(); // most recently used first
    final ArrayDeque<Exchange> waiting = new ArrayDeque<>();
    final List<Conn> all = new ArrayList<>();
    int open; // connections open or being opened
    Exchange oldest; // deadline list, oldest first
    Exchange newest;
    ScheduledFuture<?> timer;
    boolean poolClosed;
    boolean preconnecting;
    Exchange afterPreconnect; // the first fetch that came while the first connection was opening

    LoopPool(EventLoop loop, IoResources io, InetSocketAddress remote, int maxConnections, int maxWaiting) {
      this.loop = loop;
      this.maxConnections = maxConnections;
      this.maxWaiting = maxWaiting;
      long idleMillis = cfg.clientIdleTimeout().toMillis();
      HttpDecoderConfig decoder = new HttpDecoderConfig()
          .setMaxInitialLineLength(4096)
          .setMaxHeaderSize(16384)
          .setMaxChunkSize(65536);
      this.bootstrap = new Bootstrap()
          .group(loop)
          .channel(io.clientChannel())
          .remoteAddress(remote)
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, cfg.connectTimeout().toMillis()))
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.SO_KEEPALIVE, true)
          .handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              Conn c = new Conn(LoopPool.this);
              ch.pipeline()
                  .addLast("idle", new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS))
                  .addLast("decoder", new AnswerDecoder(decoder, c))
                  .addLast("groupcache", c);
            }
          });
    }

    void start(Exchange ex) {
      if (closed || poolClosed) {
        ex.result.completeExceptionally(failure(ex, "the client of this peer is closed (the peer left the peer list or the node is closing)", null));
        return;
      }
      ex.deadline = System.nanoTime() + timeoutNanos;
      list(ex);
      acquire(ex);
    }

    void acquire(Exchange ex) {
      ex.attempts++;
      Conn c;
      while ((c = idle.pollFirst()) != null) {
        if (c.channel.isActive()) {
          send(c, ex);
          return;
        }
      }
      if (preconnecting && afterPreconnect == null) {
        afterPreconnect = ex; // it takes the connection being opened
        return;
      }
      if (open < maxConnections) {
        connect(ex);
        return;
      }
      if (waiting.size() >= maxWaiting) {
        fail(ex, "too many fetches waiting for a connection (" + waiting.size() + "; all "
            + cfg.maxConnectionsPerPeer() + " pooled connections busy; raise maxConnectionsPerPeer)", null);
        return;
      }
      ex.waiting = true;
      waiting.add(ex);
    }

    /**
     * Opens the first connection before any fetch needs it (a new peer, a fresh node), so that
     * the first fetch does not wait for a connect. A peer that is not up yet (nodes of a cluster
     * start together) is tried again a few times, after 0.1, 0.2, 0.4 ... 3.2 s.
     */
    void preconnect(int attempt) {
      if (poolClosed || closed || open > 0 || !idle.isEmpty()) {
        return;
      }
      open++;
      preconnecting = true;
      ChannelFuture cf;
      try {
        cf = bootstrap.connect();
      } catch (RuntimeException e) {
        open--;
        preconnecting = false;
        return;
      }
      cf.addListener(f -> {
        preconnecting = false;
        Exchange first = afterPreconnect;
        afterPreconnect = null;
        if (!f.isSuccess()) {
          open--;
          if (first != null && !first.result.isDone()) {
            connect(first); // its own attempt, with its own error if the peer is still down
          }
          if (attempt < 5 && open == 0) {
            loop.schedule(() -> preconnect(attempt + 1), 100L << attempt, TimeUnit.MILLISECONDS);
          }
          return;
        }
        Conn conn = adopt(cf.channel());
        if (conn == null) {
          return;
        }
        if (first != null && !first.result.isDone()) {
          send(conn, first);
        } else {
          release(conn);
        }
      });
    }

    /** Takes a newly connected channel into the pool; null if the pool closed meanwhile. */
    private Conn adopt(Channel ch) {
      Conn conn = (Conn) ch.pipeline().get("groupcache");
      all.add(conn);
      ch.closeFuture().addListener(x -> closed(conn));
      if (poolClosed) {
        ch.close();
        return null;
      }
      return conn;
    }

    private void connect(Exchange ex) {
      open++;
      ChannelFuture cf;
      try {
        cf = bootstrap.connect();
      } catch (RuntimeException e) {
        open--;
        fail(ex, "cannot connect: " + e, e);
        return;
      }
      cf.addListener(f -> {
        if (!f.isSuccess()) {
          open--;
          Throwable c = f.cause();
          fail(ex, c instanceof ConnectException || c instanceof ConnectTimeoutException
              ? "cannot connect: " + c.getMessage() : "cannot connect: " + c, c);
          nextWaiterConnects();
          return;
        }
        Conn conn = adopt(cf.channel());
        if (conn == null) {
          return;
        }
        if (ex.result.isDone()) {
          release(conn); // timed out while connecting
        } else {
          send(conn, ex);
        }
      });
    }

    /** A connection ended: make room, and open one for a waiting fetch if there is one. */
    private void closed(Conn c) {
      open--;
      all.remove(c);
      idle.remove(c);
      nextWaiterConnects();
    }

    private void nextWaiterConnects() {
      if (open < maxConnections && !poolClosed) {
        Exchange w = nextWaiter();
        if (w != null) {
          connect(w);
        }
      }
    }

    private Exchange nextWaiter() {
      Exchange w;
      while ((w = waiting.poll()) != null) {
        w.waiting = false;
        if (!w.result.isDone()) {
          return w;
        }
        unlist(w);
      }
      return null;
    }

    private void send(Conn c, Exchange ex) {
      ex.conn = c;
      ex.reused = c.uses++ > 0;
      c.exchange = ex;
      c.bytesSeen = false;
      ByteBuf request = ex.probe
          ? c.channel.alloc().ioBuffer().writeBytes(requestHead).writeBytes(requestTail)
          : encodeRequest(c.channel.alloc(), ex.group, ex.key);
      c.channel.writeAndFlush(request, c.channel.voidPromise());
    }

    /** The connection is free again: hand it to a waiting fetch, or keep it. */
    void release(Conn c) {
      if (poolClosed || !c.channel.isActive()) {
        c.channel.close();
        return;
      }
      Exchange w = nextWaiter();
      if (w != null) {
        send(c, w);
      } else {
        idle.addFirst(c);
      }
    }

    void complete(Exchange ex, Object outcome) {
      unlist(ex);
      if (outcome instanceof ByteView v) {
        ex.result.complete(v);
      } else {
        ex.result.completeExceptionally((Throwable) outcome);
      }
    }

    void fail(Exchange ex, String what, Throwable cause) {
      complete(ex, failure(ex, what, cause));
    }

    /** The connection broke while {@code ex} used it (already detached). */
    void failedOnConnection(Exchange ex, boolean bytesSeen, String what, Throwable cause) {
      ex.conn = null;
      if (ex.reused && !bytesSeen && ex.attempts < MAX_ATTEMPTS && !ex.result.isDone() && !closed && !poolClosed) {
        acquire(ex); // a stale keep-alive connection: nothing was answered, so asking again is safe
        return;
      }
      fail(ex, what, cause);
    }

    private void list(Exchange ex) {
      ex.listed = true;
      ex.prev = newest;
      ex.next = null;
      if (newest == null) {
        oldest = ex;
      } else {
        newest.next = ex;
      }
      newest = ex;
      if (timer == null) {
        timer = loop.schedule(this::expire, Math.max(0, ex.deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    }

    private void unlist(Exchange ex) {
      if (!ex.listed) {
        return;
      }
      ex.listed = false;
      if (ex.prev == null) {
        oldest = ex.next;
      } else {
        ex.prev.next = ex.next;
      }
      if (ex.next == null) {
        newest = ex.prev;
      } else {
        ex.next.prev = ex.prev;
      }
      ex.prev = null;
      ex.next = null;
    }

    /** Fails the fetches past their deadline, then sleeps until the next one's. */
    private void expire() {
      timer = null;
      long now = System.nanoTime();
      Exchange ex;
      while ((ex = oldest) != null && ex.deadline - now <= 0) {
        unlist(ex);
        ex.result.completeExceptionally(failure(ex, "no answer within " + cfg.responseTimeout().toMillis()
            + " ms (the transport's response timeout)", new TimeoutException()));
        if (ex.waiting) {
          waiting.remove(ex);
          ex.waiting = false;
        }
        Conn c = ex.conn;
        if (c != null && c.exchange == ex) {
          c.exchange = null;
          ex.conn = null;
          c.channel.close(); // a late answer would confuse the next user of this connection
        }
      }
      if (oldest != null) {
        timer = loop.schedule(this::expire, Math.max(0, oldest.deadline - now), TimeUnit.NANOSECONDS);
      }
    }

    void close() {
      poolClosed = true;
      if (afterPreconnect != null) {
        fail(afterPreconnect, "the client of this peer is closed (the peer left the peer list or the node is closing)", null);
        afterPreconnect = null;
      }
      Exchange w;
      while ((w = waiting.poll()) != null) {
        w.waiting = false;
        fail(w, "the client of this peer is closed (the peer left the peer list or the node is closing)", null);
      }
      idle.clear();
      for (Conn c : all.toArray(new Conn[0])) {
        c.channel.close(); // fetches on them fail: their connection closed
      }
    }
  }

  /** Notes that answer bytes arrived, so that a broken answer is not retried. */
  private static final class AnswerDecoder extends HttpResponseDecoder {
    private final Conn conn;

    AnswerDecoder(HttpDecoderConfig config, Conn conn) {
      super(config);
      this.conn = conn;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      conn.bytesSeen = true;
      super.channelRead(ctx, msg);
    }
  }

  /** One pooled connection: the fetch it carries and the answer being read. */
  private final class Conn extends ChannelInboundHandlerAdapter {
    final LoopPool pool;
    Channel channel;
    Exchange exchange;
    int uses;
    boolean bytesSeen;
    // the answer being read
    int status;
    String errorKind;
    boolean keepAlive;
    long contentLength;
    ByteBuf body; // accumulated when the body comes in several pieces
    boolean discarding; // the answer failed already: drop the rest of it

    Conn(LoopPool pool) {
      this.pool = pool;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      channel = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof HttpResponse r) {
          onHead(r);
        }
        if (msg instanceof HttpContent c && !discarding) {
          onContent(c);
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void onHead(HttpResponse r) {
      discarding = false;
      releaseBody();
      if (exchange == null) { // an answer nobody asked for (e.g. after a timeout): the stream is unusable
        discarding = true;
        channel.close();
        return;
      }
      if (r.decoderResult().isFailure()) {
        abort("answered something that is not HTTP: " + r.decoderResult().cause(), r.decoderResult().cause());
        return;
      }
      status = r.status().code();
      errorKind = status == 200 ? null : r.headers().get(Wire.ERROR_HEADER);
      keepAlive = HttpUtil.isKeepAlive(r);
      contentLength = HttpUtil.getContentLength(r, -1L);
      if (contentLength > cfg.maxResponseBytes()) {
        tooLarge();
      }
    }

    private void onContent(HttpContent c) {
      if (exchange == null) {
        return;
      }
      if (c.decoderResult().isFailure()) {
        abort("answered something that is not HTTP: " + c.decoderResult().cause(), c.decoderResult().cause());
        return;
      }
      ByteBuf part = c.content();
      boolean last = c instanceof LastHttpContent;
      if (last && body == null) {
        if (part.readableBytes() > cfg.maxResponseBytes()) {
          tooLarge();
          return;
        }
        finish(part); // the whole body in one piece: parsed where it lies
        return;
      }
      if (part.isReadable()) {
        int have = body == null ? 0 : body.readableBytes();
        if ((long) have + part.readableBytes() > cfg.maxResponseBytes()) {
          tooLarge();
          return;
        }
        if (body == null) {
          int expected = contentLength > 0 ? (int) contentLength : part.readableBytes() * 2;
          body = channel.alloc().heapBuffer(Math.max(expected, part.readableBytes()));
        }
        body.writeBytes(part);
      }
      if (last) {
        ByteBuf b = body;
        body = null;
        try {
          finish(b == null ? part : b);
        } finally {
          if (b != null) {
            b.release();
          }
        }
      }
    }

    private void finish(ByteBuf content) {
      Exchange ex = exchange;
      exchange = null;
      ex.conn = null;
      Object outcome = interpret(ex, content);
      if (keepAlive) {
        pool.release(this); // before completing, so that the caller's next fetch can use it
      } else {
        channel.close();
      }
      pool.complete(ex, outcome);
    }

    private void tooLarge() {
      abort("the answer is larger than maxResponseBytes (" + cfg.maxResponseBytes()
          + " bytes); raise HttpPeerTransport.builder().maxResponseBytes(...) if values are that large", null);
    }

    private void abort(String what, Throwable cause) {
      Exchange ex = exchange;
      exchange = null;
      discarding = true;
      releaseBody();
      channel.close();
      if (ex != null) {
        ex.conn = null;
        pool.fail(ex, what, cause);
      }
    }

    private void releaseBody() {
      if (body != null) {
        body.release();
        body = null;
      }
    }

    /** Interprets an answer: a ByteView, or the Throwable to fail the fetch with. */
    private Object interpret(Exchange ex, ByteBuf content) {
      if (status == 200) {
        try {
          return Wire.decodeResponse(content);
        } catch (IOException e) {
          return failure(ex, "answered 200 with a body that is not a groupcache GetResponse ("
              + content.readableBytes() + " bytes): " + e.getMessage(), e);
        }
      }
      String text = firstLine(content);
      if (errorKind != null) {
        switch (errorKind) {
          case Wire.NOT_FOUND:
            return new KeyNotFoundException(ex.group, ex.key, url, text);
          case Wire.LOAD_TIMEOUT:
            return LoadTimeoutException.fromOwner(ex.group, ex.key, url, text);
          default:
            return LoadException.fromOwner(ex.group, ex.key, url, text);
        }
      }
      HttpResponseStatus s = HttpResponseStatus.valueOf(status);
      return failure(ex, "answered " + status + " " + s.reasonPhrase() + (text.isEmpty() ? "" : ": " + text), null);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      releaseBody();
      Exchange ex = exchange;
      exchange = null;
      if (ex != null) {
        pool.failedOnConnection(ex, bytesSeen, "the peer closed the connection before answering",
            new ClosedChannelException());
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      Exchange ex = exchange;
      exchange = null;
      ctx.close();
      if (ex != null) {
        pool.failedOnConnection(ex, bytesSeen, "connection failed: " + cause, cause);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof IdleStateEvent) {
        if (exchange == null) {
          ctx.close(); // unused for the idle timeout; the pool drops closed connections
        }
        return;
      }
      ctx.fireUserEventTriggered(evt);
    }
  }

  private static String firstLine(ByteBuf body) {
    int n = Math.min(body.readableBytes(), 1000);
    String s = body.toString(body.readerIndex(), n, StandardCharsets.UTF_8);
    int nl = s.indexOf('\n');
    return (nl >= 0 ? s.substring(0, nl) : s).trim();
  }
}
