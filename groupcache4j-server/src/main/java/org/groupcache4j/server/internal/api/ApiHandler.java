package org.groupcache4j.server.internal.api;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.groupcache4j.ByteView;
import org.groupcache4j.Group;
import org.groupcache4j.GroupCacheException;
import org.groupcache4j.KeyNotFoundException;
import org.groupcache4j.LoadException;
import org.groupcache4j.LoadTimeoutException;
import org.groupcache4j.UnknownGroupException;
import org.groupcache4j.internal.ByteViews;
import org.groupcache4j.server.internal.api.Responses.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of the {@link ApiServer}. Not shared: it keeps the connection's queue of
 * pipelined requests, answered strictly in order. A request whose answer is ready at once (a
 * cache hit, an error) and that has nothing queued before it is written in the same turn and
 * flushed once per read batch; other answers wait in the queue until their value arrives, and
 * are then written on the connection's event loop.
 */
final class ApiHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);
  /** Long enough for a 4096-byte key percent-encoded (3 chars a byte) and the rest of the line. */
  static final int MAX_REQUEST_LINE = 16 * 1024;
  static final int MAX_HEADERS = 8192;
  private static final int MAX_QUEUED = 64;
  private static final String HELP = "groupcache4j node: GET /api?key=K, GET /api/{group}/{key}, GET /stats, GET /healthz";

  private final ApiServer server;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private boolean needsFlush;
  private Group defaultGroup; // looked up once per connection

  /** A request whose answer is not written yet: a ready reply, or a value still loading. */
  private static final class Pending {
    final boolean keepAlive;
    final boolean http10;
    final CompletableFuture<ByteView> value;
    final Reply reply;

    Pending(boolean keepAlive, boolean http10, CompletableFuture<ByteView> value, Reply reply) {
      this.keepAlive = keepAlive;
      this.http10 = http10;
      this.value = value;
      this.reply = reply;
    }

    boolean ready() {
      return reply != null || value.isDone();
    }
  }

  ApiHandler(ApiServer server) {
    this.server = server;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof HttpRequest req) {
        onRequest(req);
      }
      // Request bodies (HttpContent) are not used by any endpoint: dropped as they arrive.
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

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent && queue.isEmpty()) {
      ctx.close();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("client API connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // Answers still loading are dropped; their requests are done as far as shutdown is concerned.
    while (queue.poll() != null) {
      server.requestDone();
    }
    ctx.fireChannelInactive();
  }

  private void onRequest(HttpRequest req) {
    server.inFlight.incrementAndGet();
    boolean http10 = req.protocolVersion() == HttpVersion.HTTP_1_0;
    DecoderResult dr = req.decoderResult();
    if (dr.isFailure()) {
      Throwable c = dr.cause();
      Reply r = c instanceof TooLongHttpLineException
          ? Reply.text(414, "request line longer than " + MAX_REQUEST_LINE + " bytes (keys are limited to 4096 UTF-8 bytes)")
          : c instanceof TooLongHttpHeaderException
              ? Reply.text(431, "request headers larger than " + MAX_HEADERS + " bytes")
              : Reply.text(400, "malformed HTTP request: " + c.getMessage());
      submit(new Pending(false, http10, null, r));
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(req) && !server.draining;
    if (req.method() != HttpMethod.GET) {
      Reply r = new Reply(405, Responses.TEXT, Responses.ALLOW_GET,
          ("method " + req.method() + " is not allowed; use GET\n").getBytes(StandardCharsets.UTF_8));
      submit(new Pending(keepAlive, http10, null, r));
      return;
    }
    route(req.uri(), keepAlive, http10);
  }

  private void route(String uri, boolean keepAlive, boolean http10) {
    int start = pathStart(uri);
    if (uri.startsWith("/api", start)) {
      int after = start + 4;
      if (after == uri.length() || uri.charAt(after) == '?' || uri.charAt(after) == '#') {
        String raw = Urls.queryParam(uri, after, "key");
        if (raw == null || raw.isEmpty()) {
          reply(keepAlive, http10, 400, "missing key: use /api?key=K or /api/{group}/{key}");
          return;
        }
        String key = Urls.decode(raw, true);
        if (key == null) {
          reply(keepAlive, http10, 400, "the key is not valid percent-encoded UTF-8");
          return;
        }
        Group g = defaultGroup;
        if (g == null) {
          g = defaultGroup = server.cache.group(server.defaultGroup).orElse(null);
        }
        get(g, server.defaultGroup, key, keepAlive, http10);
        return;
      }
      if (uri.charAt(after) == '/') {
        int end = Urls.pathEnd(uri, after + 1);
        int slash = uri.indexOf('/', after + 1);
        if (slash < 0 || slash >= end) {
          reply(keepAlive, http10, 400, "missing key: use /api/{group}/{key}");
          return;
        }
        String group = Urls.decode(uri.substring(after + 1, slash), false);
        String key = Urls.decode(uri.substring(slash + 1, end), false);
        if (group == null || key == null) {
          reply(keepAlive, http10, 400, "the path is not valid percent-encoded UTF-8");
          return;
        }
        if (group.isEmpty() || key.isEmpty()) {
          reply(keepAlive, http10, 400,
              group.isEmpty() ? "missing group: use /api/{group}/{key}" : "missing key: use /api/{group}/{key}");
          return;
        }
        get(server.cache.group(group).orElse(null), group, key, keepAlive, http10);
        return;
      }
    }
    String path = uri.substring(start, Urls.pathEnd(uri, start));
    switch (path) {
      case "/stats" -> submit(new Pending(keepAlive, http10, null,
          new Reply(200, Responses.JSON, null, server.stats.get().getBytes(StandardCharsets.UTF_8))));
      case "/healthz" -> {
        String problem = server.draining ? "shutting down" : server.healthProblem.get();
        if (problem != null) {
          reply(keepAlive, http10, 503, problem);
        } else {
          reply(keepAlive, http10, 200, "ok");
        }
      }
      case "/" -> reply(keepAlive, http10, 200, HELP);
      default -> reply(keepAlive, http10, 404, "no such endpoint: " + Urls.printable(path) + "; " + HELP);
    }
  }

  private void get(Group group, String groupName, String key, boolean keepAlive, boolean http10) {
    if (group == null) {
      reply(keepAlive, http10, 404, "no such group: '" + Urls.printable(groupName)
          + "' (this node has " + groupNames() + ")");
      return;
    }
    String refused = server.keyPolicy.refuse(groupName, key);
    if (refused != null) {
      reply(keepAlive, http10, 400, "key '" + Urls.printable(key) + "' of group '"
          + Urls.printable(groupName) + "' is refused: " + refused);
      return;
    }
    CompletableFuture<ByteView> f;
    try {
      f = group.getAsync(key);
    } catch (IllegalArgumentException e) {
      reply(keepAlive, http10, 400, e.getMessage());
      return;
    }
    submit(new Pending(keepAlive, http10, f, null));
  }

  private String groupNames() {
    StringBuilder sb = new StringBuilder();
    server.cache.groups().forEach(g -> sb.append(sb.length() == 0 ? "" : ", ").append('\'').append(g.name()).append('\''));
    return sb.length() == 0 ? "no groups" : "groups " + sb;
  }

  private void reply(boolean keepAlive, boolean http10, int status, String message) {
    submit(new Pending(keepAlive, http10, null, Reply.text(status, message)));
  }

  private void submit(Pending p) {
    if (queue.isEmpty() && p.ready()) {
      write(p, false);
      return;
    }
    queue.add(p);
    if (p.value != null) {
      // Always, even if the value has arrived since the check above (then this drains at once):
      // asking ready() again here would leave an answer that arrives between the two checks
      // queued with nothing to write it, and its client waiting forever.
      p.value.whenComplete((v, e) -> {
        if (ctx.executor().inEventLoop()) {
          drain();
        } else {
          ctx.executor().execute(this::drain);
        }
      });
    }
    if (queue.size() >= MAX_QUEUED) {
      ctx.channel().config().setAutoRead(false);
    }
  }

  private void drain() {
    boolean wrote = false;
    while (!queue.isEmpty() && queue.peek().ready()) {
      write(queue.poll(), true);
      wrote = true;
    }
    if (wrote) {
      ctx.flush();
    }
    if (queue.size() < MAX_QUEUED / 2 && !ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  private void write(Pending p, boolean batch) {
    if (!ctx.channel().isActive()) {
      server.requestDone();
      return;
    }
    boolean keepAlive = p.keepAlive && !server.draining;
    ByteBuf[] bytes = Responses.encode(ctx.alloc(), p.reply != null ? p.reply : answer(p.value), !keepAlive,
        keepAlive && p.http10);
    if (keepAlive) {
      for (ByteBuf b : bytes) {
        ctx.write(b, ctx.voidPromise());
      }
      if (!batch) {
        needsFlush = true;
      }
      server.requestDone();
      return;
    }
    for (int i = 0; i < bytes.length - 1; i++) {
      ctx.write(bytes[i], ctx.voidPromise());
    }
    while (queue.poll() != null) { // the connection ends with this answer
      server.requestDone();
    }
    ctx.writeAndFlush(bytes[bytes.length - 1]).addListener((ChannelFutureListener) f -> {
      server.requestDone();
      f.channel().close();
    });
  }

  private static Reply answer(CompletableFuture<ByteView> f) {
    ByteView v;
    try {
      v = f.join();
    } catch (CompletionException | CancellationException e) {
      Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      return Reply.text(statusOf(c), messageOf(c));
    }
    return new Reply(200, Responses.OCTET_STREAM, null, ByteViews.array(v)); // read only: written, never changed
  }

  static int statusOf(Throwable t) {
    if (t instanceof KeyNotFoundException || t instanceof UnknownGroupException) {
      return 404;
    }
    if (t instanceof LoadTimeoutException) {
      return 504;
    }
    if (t instanceof LoadException || t instanceof GroupCacheException) {
      return 502;
    }
    if (t instanceof IllegalArgumentException) {
      return 400;
    }
    return 500;
  }

  private static String messageOf(Throwable t) {
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      m = t.toString();
    }
    if (!(t instanceof GroupCacheException) && !(t instanceof IllegalArgumentException)) {
      log.warn("client API request failed unexpectedly", t);
      m = "internal error: " + m;
    }
    return m;
  }

  /** Where the path starts: 0, or after the authority of an absolute-form request target. */
  private static int pathStart(String uri) {
    if (uri.startsWith("http://") || uri.startsWith("https://")) {
      int slash = uri.indexOf('/', uri.indexOf("//") + 2);
      return slash < 0 ? uri.length() : slash;
    }
    return 0;
  }
}
