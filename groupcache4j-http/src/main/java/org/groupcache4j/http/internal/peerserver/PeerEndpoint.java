package org.groupcache4j.http.internal.peerserver;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.groupcache4j.http.internal.http1.Exchange;
import org.groupcache4j.http.internal.http1.InFlight;
import org.groupcache4j.http.internal.http1.Responder;
import org.groupcache4j.http.internal.http1.Response;
import org.groupcache4j.http.internal.http1.Routes;
import org.groupcache4j.http.internal.protocol.CallerLoadedWire;
import org.groupcache4j.http.internal.protocol.Forwarder;
import org.groupcache4j.http.internal.protocol.NodeIdentity;
import org.groupcache4j.http.internal.protocol.PeerErrors;
import org.groupcache4j.http.internal.protocol.PeerHeaders;
import org.groupcache4j.http.internal.protocol.WriteIds;
import org.groupcache4j.http.internal.protocol.PeerMessages;
import org.groupcache4j.http.internal.protocol.PeerPaths;
import org.groupcache4j.http.internal.protocol.PeerPaths.GroupKey;
import org.groupcache4j.http.internal.protocol.RingCheck;
import org.groupcache4j.internal.Failures;
import org.groupcache4j.internal.RateLimitedLog;
import org.groupcache4j.internal.Text;
import org.groupcache4j.peer.HandoffHandler;
import org.groupcache4j.peer.HintAck;
import org.groupcache4j.peer.HintDelivery;
import org.groupcache4j.peer.PeerRequestHandler;
import org.groupcache4j.peer.PeerValue;

/**
 * The peer endpoint, as golang/groupcache's {@code HTTPPool.ServeHTTP}: {@code GET
 * {basePath}{group}/{key}} answered from a {@link PeerRequestHandler}, and the route table of the
 * peer port ({@link #routes}). Served by the transport's own server and by the handler an
 * application mounts ({@link #mountable}) alike.
 *
 * <p>The path is percent-decoded with {@code +} kept as {@code +}; the group is the first segment
 * after the base path and the key everything after the next {@code /}. Answers:
 * {@code 200 application/x-protobuf} with a {@code GetResponse} ({@link ValueResponse}); {@code 400}
 * for a malformed path, a bad percent-escape or a too long key; errors of the handler as
 * {@link PeerErrors#answerFor} says (404 unknown group, 500 with {@link PeerHeaders#ERROR} for the
 * loader's). Error bodies are one line of text. The writes of groupcache-go
 * ({@link PeerMessages}): {@code PUT} with a {@code SetRequest}, {@code DELETE},
 * {@code POST {group}/_remove-keys/}, answered 200, 400 (bad body), 404 (unknown group) or 405 (any
 * other method, or POST elsewhere). Every answer carries {@link PeerHeaders#NODE}, so that our
 * clients know this node takes writes, and the node's incarnation and ownership state
 * ({@link NodeIdentity}); a node that does not own keys now answers a GET of a key 503. A
 * {@code PUT} without that header (ours send it) came from a node of another lineage, and goes to
 * {@link PeerRequestHandler#setFromOtherLineage}.
 *
 * <p>Between our nodes only ({@code groupcache.proto}): {@code POST {basePath}_peek} (a key from
 * the stores alone), {@code _hints} (hints pushed to this node), {@code _hints-pull} (a peer asks
 * for the hints this node holds for it) and {@code _hints-ack}; and any request with
 * {@link PeerHeaders#RELAY_TO}, which this node forwards once to that peer, if it reaches it, and
 * answers with that peer's answer (else 502 with {@link PeerHeaders#RELAY_FAILED}).
 */
public final class PeerEndpoint {
  private static final RateLimitedLog UNEXPECTED = new RateLimitedLog("org.groupcache4j.http", Duration.ofSeconds(10));
  private static final Response.Header NOT_FOUND = errorHeader(PeerHeaders.NOT_FOUND);
  private static final Response.Header LOAD_FAILED = errorHeader(PeerHeaders.LOAD_FAILED);
  private static final Response.Header LOAD_TIMEOUT = errorHeader(PeerHeaders.LOAD_TIMEOUT);
  /** On every answer: this is one of our nodes, which takes writes. */
  private static final Response.Header NODE =
      Response.Header.of(PeerHeaders.NODE.toString(), PeerHeaders.NODE_WRITES.toString());
  /** The largest write body read: a SetRequest with its value, or a _remove-keys list. */
  static final int MAX_WRITE_BODY = 64 << 20;

  private final String basePath;
  private final PeerRequestHandler handler;
  private final RingCheck ring;
  private final NodeIdentity identity; // null: the handler is no node of ours
  private final Response.Header[][] identityHeaders; // by state: incarnation and state headers
  private final Forwarder forwarder;
  private volatile RingHeader lastRingHeader;

  private PeerEndpoint(String basePath, PeerRequestHandler handler, Forwarder forwarder) {
    this.basePath = basePath;
    this.handler = handler;
    this.ring = new RingCheck(handler);
    this.identity = NodeIdentity.of(handler);
    this.forwarder = forwarder;
    org.groupcache4j.peer.OwnershipState[] states = org.groupcache4j.peer.OwnershipState.values();
    this.identityHeaders = new Response.Header[states.length][];
    if (identity != null) {
      for (org.groupcache4j.peer.OwnershipState st : states) {
        identityHeaders[st.ordinal()] = new Response.Header[] {
            Response.Header.of(PeerHeaders.INCARNATION.toString(), identity.incarnation()),
            Response.Header.of(PeerHeaders.STATE.toString(), st.wireName())};
      }
    }
  }

  /** {@code r} as an answer of this node: {@link PeerHeaders#NODE}, its incarnation and state, and {@code more}. */
  private Response.Simple ours(Response.Simple r, Response.Header... more) {
    Response.Simple a = r.with(NODE);
    if (identity != null) {
      a = a.with(identityHeaders[handler.ownershipState().ordinal()]);
    }
    return more.length == 0 ? a : a.with(more);
  }

  /**
   * The routes of the transport's own peer port: the endpoint, 404 for every other path, and
   * {@code GET {basePath}}{@value PeerPaths#STATUS} answering {@code status} (a JSON document; 503 while it
   * is null) when {@code status} is not null.
   */
  public static Routes routes(String basePath, PeerRequestHandler handler, Supplier<String> status, Forwarder forwarder) {
    return routes(basePath, handler, true, status, forwarder);
  }

  private static Routes routes(String basePath, PeerRequestHandler handler, boolean own, Supplier<String> status,
      Forwarder forwarder) {
    PeerEndpoint peer = new PeerEndpoint(basePath, handler, forwarder);
    Routes.Builder b = Routes.builder().prefix(basePath, r -> r.get(peer::get)
        .put(MAX_WRITE_BODY, peer::put).delete(peer::delete).post(MAX_WRITE_BODY, peer::post));
    b.exact(basePath + PeerPaths.PEEK, r -> r.post(MAX_WRITE_BODY, peer::peek));
    b.exact(basePath + PeerPaths.HINTS, r -> r.post(MAX_WRITE_BODY, peer::hints));
    b.exact(basePath + PeerPaths.HINTS_PULL, r -> r.post(MAX_WRITE_BODY, peer::hintsPull));
    b.exact(basePath + PeerPaths.HINTS_ACK, r -> r.post(MAX_WRITE_BODY, peer::hintsAck));
    if (status != null) {
      b.exact(basePath + PeerPaths.STATUS, r -> r.get(ex -> {
        String doc = status.get();
        ex.respond(doc == null ? Response.text(503, "this node is starting")
            : Response.of(200, Response.JSON, doc.getBytes(StandardCharsets.UTF_8)));
      }));
    }
    if (handler instanceof HandoffHandler h) {
      b.exact(basePath + PeerPaths.HANDOFF, r -> r.post(MAX_WRITE_BODY, ex -> HandoffEndpoint.serve(ex, h, peer::ours)));
      b.exact(basePath + PeerPaths.TAKE_BACK, r -> r.post(MAX_WRITE_BODY,
          ex -> HandoffEndpoint.serveTakeBack(ex, h, peer::ours)));
    }
    if (own) {
      b.notFound(ex -> Response.text(404, "not found: this port serves peer requests under " + basePath
          + "{group}/{key} only").with(NODE));
      // Ours, with the node's state (draining by now): a peer that hears it keeps the node out of its
      // ring and keeps sending it what only our nodes take, rather than take it for another server.
      b.shuttingDown(ex -> peer.ours(Response.text(503, "this node is shutting down")));
    }
    return b.build();
  }

  /**
   * A sharable handler serving the endpoint inside an application's pipeline, after its
   * {@code HttpServerCodec} and {@code HttpObjectAggregator}: added to a connection, it puts that
   * connection's own {@link Responder} in its place. Other paths go to the next handler.
   */
  public static ChannelHandler mountable(String basePath, PeerRequestHandler handler, InFlight inFlight,
      Forwarder forwarder) {
    Routes routes = routes(basePath, handler, false, null, forwarder);
    return new Mount(routes, inFlight);
  }

  @ChannelHandler.Sharable
  private static final class Mount extends ChannelInboundHandlerAdapter {
    private final Routes routes;
    private final InFlight inFlight;

    Mount(Routes routes, InFlight inFlight) {
      this.routes = routes;
      this.inFlight = inFlight;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      ctx.pipeline().replace(this, ctx.name(), Responder.mounted(routes, inFlight));
    }
  }

  private void get(Exchange ex) {
    if (relayed(ex)) {
      return;
    }
    GroupKey gk = groupAndKey(ex);
    if (gk != null) {
      String theirs = ex.headers().get(PeerHeaders.RING);
      if (ring.differs(theirs)) {
        ring.mismatch("at " + ex.remoteHost() + " (it asked this node)", theirs);
      }
      long[] after = WriteIds.parseAfter(ex.headers().get(PeerHeaders.AFTER));
      ex.respondWhenDone(ask(gk.group(), gk.key(), after), (v, err) -> answer(v, err, gk.group(), gk.key()));
    }
  }

  /** The request's group and key; {@code null} once it was answered 400. */
  private GroupKey groupAndKey(Exchange ex) {
    try {
      return PeerPaths.groupAndKey(ex.target().rawPath(), basePath);
    } catch (IllegalArgumentException e) {
      ex.respond(ours(Response.text(400, e.getMessage()))); // a probe's answer too: it carries the node's state
      return null;
    }
  }

  /**
   * Whether {@code ex} asks this node to carry it to another peer ({@link PeerHeaders#RELAY_TO}); if
   * so it is forwarded once, as it came, and that peer's answer passed back, or answered 502.
   */
  private boolean relayed(Exchange ex) {
    String target = ex.headers().get(PeerHeaders.RELAY_TO);
    if (target == null) {
      return false;
    }
    if (!handler.relaysTo(target)) {
      relayMissed(ex, target, body(ex));
      ex.respond(relayFailed("this node does not reach " + target + " directly now"));
      return true;
    }
    String raw = ex.target().rawPath();
    String tail = raw.startsWith(basePath) ? raw.substring(basePath.length()) : "";
    String query = ex.target().rawQuery();
    if (query != null) {
      tail = tail + "?" + query;
    }
    byte[] body = new byte[ex.body() == null ? 0 : ex.body().readableBytes()];
    if (body.length > 0) {
      ex.body().getBytes(ex.body().readerIndex(), body);
    }
    CompletableFuture<Forwarder.Answer> f;
    try {
      String write = ex.headers().get(PeerHeaders.WRITE);
      String after = ex.headers().get(PeerHeaders.AFTER);
      String extra = write != null ? WriteIds.writeLine(WriteIds.parseWrite(write)) : WriteIds.afterLine(WriteIds.parseAfter(after));
      f = forwarder.forward(target, ex.method().name(), tail, ex.headers().get("content-type"), extra, body);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    ex.respondWhenDone(f, (a, err) -> {
      if (err != null || a.status() / 100 != 2) {
        relayMissed(ex, target, io.netty.buffer.Unpooled.wrappedBuffer(body));
      }
      if (err != null) {
        return relayFailed("could not carry the request to " + target + ": " + err.getMessage());
      }
      Response.Header type = null;
      Response.Simple r = null;
      for (Map.Entry<String, String> h : a.headers()) {
        if (h.getKey().equalsIgnoreCase("content-type")) {
          type = Response.Header.of("content-type", h.getValue());
        }
      }
      r = Response.of(a.status(), type == null ? Response.OCTET_STREAM : type, a.body());
      for (Map.Entry<String, String> h : a.headers()) {
        if (!h.getKey().equalsIgnoreCase("content-type")) {
          r = r.with(Response.Header.of(h.getKey(), h.getValue()));
        }
      }
      return r;
    });
    return true;
  }

  /**
   * A relayed request did not reach {@code target}: if it is a write (a set, a remove, a removal of
   * keys, a clear), the node keeps its drop for {@code target} ({@link PeerRequestHandler#relayMissed}).
   * A request it cannot read is not a write it applied: nothing is kept.
   */
  private void relayMissed(Exchange ex, String target, ByteBuf body) {
    GroupKey gk;
    try {
      gk = PeerPaths.groupAndKey(ex.target().rawPath(), basePath);
    } catch (IllegalArgumentException e) {
      return;
    }
    List<String> keys;
    String method = ex.method().name();
    if (method.equals("PUT") || method.equals("DELETE")) {
      keys = List.of(gk.key());
    } else if (!method.equals("POST")) {
      return;
    } else if (gk.key().equals(CallerLoadedWire.CLEAR)) {
      keys = null;
    } else if (gk.key().equals(PeerPaths.REMOVE_KEYS)) {
      try {
        keys = PeerMessages.decodeRemoveKeys(body.duplicate()).keys();
      } catch (IllegalArgumentException e) {
        return;
      }
    } else {
      return; // a lease, its completion, a put-if-absent: the writer learns of the failure, nothing was applied
    }
    try {
      handler.relayMissed(target, gk.group(), keys);
    } catch (RuntimeException e) {
      // the relay's answer says the write did not reach the target; the writer keeps its own hint
    }
  }

  /** A relay's answer when it could not carry a request: 502, ours, but without this node's identity (it is not the answer of the peer asked). */
  private static Response.Simple relayFailed(String why) {
    return Response.text(502, why).with(NODE, Response.Header.of(PeerHeaders.RELAY_FAILED.toString(),
        Text.oneLine(why, 300).replaceAll("[^\\x20-\\x7e]", "?")));
  }

  // ---- between our nodes only: peeks and hints

  /** {@code POST {base}_peek} with a {@code PeekRequest}: the key from the stores alone. */
  private void peek(Exchange ex) {
    if (relayed(ex)) {
      return;
    }
    PeerMessages.PeekRequestBody req;
    try {
      req = PeerMessages.decodePeekRequest(body(ex));
    } catch (IllegalArgumentException e) {
      ex.respond(ours(Response.text(400, "bad request: " + e.getMessage())));
      return;
    }
    CompletableFuture<java.util.Optional<PeerValue>> f;
    try {
      long[] after = WriteIds.parseAfter(ex.headers().get(PeerHeaders.AFTER));
      f = after.length == 0 ? handler.peek(req.group(), req.key()) : handler.peek(req.group(), req.key(), after);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    ex.respondWhenDone(f, (found, err) -> {
      if (err != null) {
        return ours(failure(err, req.group(), req.key()));
      }
      return ours(Response.of(200, PROTOBUF, PeerMessages.encodePeekResponse(found == null ? null : found.orElse(null))));
    });
  }

  /** {@code POST {base}_hints} with a {@code HintDelivery}: applied here, answered with a {@code HintAck}. */
  private void hints(Exchange ex) {
    if (relayed(ex)) {
      return;
    }
    HintDelivery d;
    try {
      d = PeerMessages.decodeHintDelivery(body(ex));
    } catch (IllegalArgumentException e) {
      ex.respond(ours(Response.text(400, "bad request: " + e.getMessage())));
      return;
    }
    Response.Simple r;
    try {
      HintAck ack = handler.hints(d);
      r = Response.of(200, PROTOBUF, PeerMessages.encodeHintAck(ack));
    } catch (RuntimeException e) {
      r = failure(e, "", PeerPaths.HINTS);
    }
    ex.respond(ours(r));
  }

  /** {@code POST {base}_hints-pull} with a {@code HintPull}: answered with the {@code HintDelivery} held for the asker. */
  private void hintsPull(Exchange ex) {
    if (relayed(ex)) {
      return;
    }
    PeerMessages.HintPullBody pull;
    try {
      pull = PeerMessages.decodeHintPull(body(ex));
    } catch (IllegalArgumentException e) {
      ex.respond(ours(Response.text(400, "bad request: " + e.getMessage())));
      return;
    }
    Response.Simple r;
    try {
      r = Response.of(200, PROTOBUF, PeerMessages.encodeHintDelivery(handler.hintsFor(pull.from(), pull.incarnation())));
    } catch (RuntimeException e) {
      r = failure(e, "", PeerPaths.HINTS_PULL);
    }
    ex.respond(ours(r));
  }

  /** {@code POST {base}_hints-ack} with a {@code HintAck}: the pulled hints are forgotten. */
  private void hintsAck(Exchange ex) {
    if (relayed(ex)) {
      return;
    }
    Response.Simple r;
    try {
      handler.hintsAcked(PeerMessages.decodeHintAck(body(ex)));
      r = Response.text(200, "ok");
    } catch (IllegalArgumentException e) {
      r = Response.text(400, "bad request: " + e.getMessage());
    } catch (RuntimeException e) {
      r = failure(e, "", PeerPaths.HINTS_ACK);
    }
    ex.respond(ours(r));
  }

  private static final Response.Header PROTOBUF = Response.Header.of("content-type", PeerHeaders.CONTENT_TYPE_PROTOBUF.toString());

  /** The answer to a request between our nodes that failed with {@code err}: 405 if the handler has no such thing, else as {@link PeerErrors} says. */
  private static Response.Simple failure(Throwable err, String group, String key) {
    Throwable t = org.groupcache4j.internal.Failures.unwrap(err);
    if (t instanceof UnsupportedOperationException) {
      return Response.text(405, "method not allowed: " + t.getMessage());
    }
    return errorAnswer(t, group, key);
  }

  /** {@code PUT {base}{group}/{key}} with a {@code SetRequest}: store the value here, as its owner. */
  private void put(Exchange ex) {
    if (relayed(ex)) {
      return;
    }
    GroupKey gk = groupAndKey(ex);
    if (gk == null) {
      return;
    }
    PeerMessages.SetRequestBody set;
    try {
      set = PeerMessages.decodeSetRequest(body(ex));
    } catch (IllegalArgumentException e) {
      ex.respond(ours(Response.text(400, "bad request: " + e.getMessage())));
      return;
    }
    if (!set.group().equals(gk.group()) || !set.key().equals(gk.key())) {
      ex.respond(ours(Response.text(400, "bad request: the SetRequest names group '" + Text.quotable(set.group()) + "', key '"
          + Text.quotable(set.key()) + "', the path group '" + Text.quotable(gk.group()) + "', key '"
          + Text.quotable(gk.key()) + "'")));
      return;
    }
    if (ex.headers().contains(PeerHeaders.NODE)) { // one of ours: it tells the other peers itself
      long write = WriteIds.parseWrite(ex.headers().get(PeerHeaders.WRITE));
      write(ex, gk, () -> handler.set(gk.group(), gk.key(), set.value(), set.expireUnixNanos(), write));
      return;
    }
    CompletableFuture<Void> applied; // another lineage's set: mailgun's tells the owner alone
    try {
      applied = handler.setFromOtherLineage(gk.group(), gk.key(), set.value(), set.expireUnixNanos());
    } catch (RuntimeException e) {
      applied = CompletableFuture.failedFuture(e);
    }
    ex.respondWhenDone(applied, (v, err) -> err == null ? Response.text(200, "ok").with(NODE)
        : writeFailure(Failures.unwrap(err), gk).with(NODE));
  }

  /** The request's body; empty when it came without one. */
  private static ByteBuf body(Exchange ex) {
    return ex.body() != null ? ex.body() : io.netty.buffer.Unpooled.EMPTY_BUFFER;
  }

  /** {@code DELETE {base}{group}/{key}}: drop the key here. */
  private void delete(Exchange ex) {
    if (relayed(ex)) {
      return;
    }
    GroupKey gk = groupAndKey(ex);
    if (gk != null) {
      long write = WriteIds.parseWrite(ex.headers().get(PeerHeaders.WRITE));
      write(ex, gk, () -> handler.remove(gk.group(), gk.key(), write));
    }
  }

  /** {@code POST {base}{group}/_remove-keys/} with {@code {"group":..,"keys":[..]}}: drop the keys here. */
  private void post(Exchange ex) {
    if (relayed(ex)) {
      return;
    }
    GroupKey gk = groupAndKey(ex);
    if (gk == null) {
      return;
    }
    if (serveCallerLoaded(ex, gk)) {
      return;
    }
    if (!gk.key().equals(PeerPaths.REMOVE_KEYS)) {
      ex.respond(ours(Response.text(405, "method not allowed: POST is only for " + basePath + "{group}/"
          + PeerPaths.REMOVE_KEYS + ", " + CallerLoadedWire.LEASE + "{key}, " + CallerLoadedWire.LEASE_DONE + "{key}, "
          + CallerLoadedWire.PUT_IF_ABSENT + "{key} and " + CallerLoadedWire.CLEAR)));
      return;
    }
    PeerMessages.RemoveKeysBody rk;
    try {
      rk = PeerMessages.decodeRemoveKeys(body(ex));
    } catch (IllegalArgumentException e) {
      ex.respond(ours(Response.text(400, "bad request: " + e.getMessage())));
      return;
    }
    if (rk.group() != null && !rk.group().equals(gk.group())) {
      ex.respond(ours(Response.text(400, "bad request: the body names group '" + Text.quotable(rk.group())
          + "', the path '" + Text.quotable(gk.group()) + "'")));
      return;
    }
    if (ex.headers().contains(PeerHeaders.NODE)) { // one of ours: it tells the other peers itself
      long write = WriteIds.parseWrite(ex.headers().get(PeerHeaders.WRITE));
      write(ex, gk, () -> handler.removeAll(gk.group(), rk.keys(), write));
      return;
    }
    CompletableFuture<Void> applied; // another lineage's: groupcache-go tells each owner only its own keys
    try {
      applied = handler.removeAllFromOtherLineage(gk.group(), rk.keys());
    } catch (RuntimeException e) {
      applied = CompletableFuture.failedFuture(e);
    }
    ex.respondWhenDone(applied, (v, err) -> err == null ? ours(Response.text(200, "ok"))
        : ours(writeFailure(Failures.unwrap(err), gk)));
  }


  /**
   * The requests of {@link CallerLoadedWire} (a load lease, its completion, a put-if-absent, a
   * clear); returns false for another POST.
   */
  private boolean serveCallerLoaded(Exchange ex, GroupKey gk) {
    String tail = gk.key();
    if (tail.equals(CallerLoadedWire.CLEAR)) {
      write(ex, gk, () -> handler.clear(gk.group()));
      return true;
    }
    String key;
    if (tail.startsWith(CallerLoadedWire.LEASE)) {
      key = tail.substring(CallerLoadedWire.LEASE.length());
      org.groupcache4j.http.internal.protocol.pb.GroupcachePb.LeaseRequest lr;
      try {
        lr = CallerLoadedWire.decodeLeaseRequest(body(ex));
      } catch (IllegalArgumentException e) {
        ex.respond(ours(Response.text(400, "bad request: " + e.getMessage())));
        return true;
      }
      CompletableFuture<org.groupcache4j.peer.LeaseAnswer> answer;
      try {
        answer = handler.lease(gk.group(), key, lr.hasAsker() ? lr.getAsker() : ex.remoteHost(),
            Duration.ofMillis(Math.max(0, lr.getWaitMillis())));
      } catch (RuntimeException e) {
        answer = CompletableFuture.failedFuture(e);
      }
      ex.respondWhenDone(answer, (a, err) -> err != null || a == null
          ? ours(errorAnswer(err != null ? err : new IllegalStateException("no lease answer"), gk.group(), key))
          : ours(Response.of(200, PROTOBUF, CallerLoadedWire.encodeLeaseAnswer(a))));
      return true;
    }
    if (tail.startsWith(CallerLoadedWire.LEASE_DONE)) {
      key = tail.substring(CallerLoadedWire.LEASE_DONE.length());
      org.groupcache4j.http.internal.protocol.pb.GroupcachePb.LeaseCompletion c;
      try {
        c = CallerLoadedWire.decodeLeaseCompletion(body(ex));
      } catch (IllegalArgumentException e) {
        ex.respond(ours(Response.text(400, "bad request: " + e.getMessage())));
        return true;
      }
      Response.Simple r;
      try {
        boolean taken = handler.completeLease(gk.group(), key, c.getLeaseId(), CallerLoadedWire.value(c), c.getExpire(),
            c.hasFailure() ? c.getFailure() : null);
        r = taken ? Response.text(200, "taken") : Response.text(409, "not taken: the lease passed to another caller, "
            + "or a write replaced the key meanwhile");
      } catch (UnsupportedOperationException e) {
        r = Response.text(405, "method not allowed: " + e.getMessage());
      } catch (RuntimeException e) {
        r = errorAnswer(e, gk.group(), key);
      }
      ex.respond(ours(r));
      return true;
    }
    if (tail.startsWith(CallerLoadedWire.PUT_IF_ABSENT)) {
      key = tail.substring(CallerLoadedWire.PUT_IF_ABSENT.length());
      PeerMessages.SetRequestBody set;
      try {
        set = PeerMessages.decodeSetRequest(body(ex));
      } catch (IllegalArgumentException e) {
        ex.respond(ours(Response.text(400, "bad request: " + e.getMessage())));
        return true;
      }
      if (!set.group().equals(gk.group()) || !set.key().equals(key)) {
        ex.respond(ours(Response.text(400, "bad request: the SetRequest names group '" + Text.quotable(set.group())
            + "', key '" + Text.quotable(set.key()) + "', the path group '" + Text.quotable(gk.group()) + "', key '"
            + Text.quotable(key) + "'")));
        return true;
      }
      Response r;
      try {
        PeerValue held = handler.putIfAbsent(gk.group(), key, set.value(), set.expireUnixNanos());
        r = held == null ? Response.text(201, "stored") : held.found() ? new ValueResponse(held.value(), held.expireUnixNanos(), ring.ours(),
            identity == null ? null : identity.headLines())
            : Response.text(500, "the owner holds a not-found answer");
      } catch (UnsupportedOperationException e) {
        r = Response.text(405, "method not allowed: " + e.getMessage());
      } catch (RuntimeException e) {
        r = errorAnswer(e, gk.group(), key);
      }
      ex.respond(r instanceof Response.Simple s ? ours(s) : r);
      return true;
    }
    return false;
  }

  /** Applies a write here (quick: it drops or stores entries) and answers 200, or as {@link PeerErrors} says. */
  private void write(Exchange ex, GroupKey gk, Runnable apply) {
    Response.Simple r;
    try {
      apply.run();
      r = Response.text(200, "ok");
    } catch (RuntimeException e) {
      r = writeFailure(e, gk);
    }
    ex.respond(ours(r));
  }

  /** The answer to a write that failed with {@code e}. */
  private static Response.Simple writeFailure(Throwable e, GroupKey gk) {
    return e instanceof UnsupportedOperationException ? Response.text(405, "method not allowed: " + e.getMessage())
        : errorAnswer(e, gk.group(), gk.key());
  }

  /** Asks the handler; one that throws or returns {@code null} becomes a failed future. */
  private CompletableFuture<PeerValue> ask(String group, String key, long[] after) {
    try {
      CompletableFuture<PeerValue> f = after.length == 0 ? handler.get(group, key) : handler.get(group, key, after);
      return f != null ? f : CompletableFuture.failedFuture(new IllegalStateException("the peer request handler returned null"));
    } catch (Throwable t) {
      return CompletableFuture.failedFuture(t);
    }
  }

  /** The answer for the outcome of the request handler: the value, or the error it failed with ({@link PeerErrors}). */
  private Response answer(PeerValue v, Throwable err, String group, String key) {
    String fingerprint = ring.ours();
    if (err == null && v != null && v.found()) {
      return new ValueResponse(v.value(), v.expireUnixNanos(), fingerprint, identity == null ? null : identity.headLines());
    }
    Response.Header ringHeader = fingerprint == null ? null : ringHeader(fingerprint);
    if (err == null && v != null) { // a not-found the owner caches: how long the asker may keep it
      Response.Simple nf = Response.text(500, v.notFoundDetail() != null ? v.notFoundDetail() : "not found");
      Response.Header expire = v.expireUnixNanos() == 0 ? null
          : Response.Header.of(PeerHeaders.EXPIRE.toString(), Long.toString(v.expireUnixNanos()));
      return ours(nf, NOT_FOUND, expire, ringHeader);
    }
    return ours(errorAnswer(err != null ? err : new IllegalStateException("the peer request handler completed with null"),
        group, key), ringHeader);
  }

  /** The ring header of failed answers, made once per fingerprint (a ring change makes a new one). */
  private Response.Header ringHeader(String fingerprint) {
    RingHeader h = lastRingHeader;
    if (h == null || !h.fingerprint().equals(fingerprint)) {
      h = new RingHeader(fingerprint, Response.Header.of(PeerHeaders.RING.toString(), fingerprint));
      lastRingHeader = h;
    }
    return h.header();
  }

  private record RingHeader(String fingerprint, Response.Header header) {}

  private static Response.Simple errorAnswer(Throwable err, String group, String key) {
    PeerErrors.ErrorAnswer e = PeerErrors.answerFor(err, group);
    if (e.unexpected() != null) {
      UNEXPECTED.log("peer request", Level.WARNING, () -> "peer request for group '" + group + "', key '"
          + Text.quotable(key) + "' failed unexpectedly (answered 500; further such errors are not logged for 10 s)",
          e.unexpected());
    }
    Response.Simple r = Response.text(e.status(), e.text());
    return e.errorKind() == null ? r : r.with(errorKind(e.errorKind()));
  }

  private static Response.Header errorKind(String kind) {
    return switch (kind) {
      case PeerHeaders.NOT_FOUND -> NOT_FOUND;
      case PeerHeaders.LOAD_TIMEOUT -> LOAD_TIMEOUT;
      case PeerHeaders.LOAD_FAILED -> LOAD_FAILED;
      default -> errorHeader(kind);
    };
  }

  private static Response.Header errorHeader(String kind) {
    return Response.Header.of(PeerHeaders.ERROR.toString(), kind);
  }
}
