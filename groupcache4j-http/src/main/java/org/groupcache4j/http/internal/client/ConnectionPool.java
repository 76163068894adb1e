package org.groupcache4j.http.internal.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.ConnectException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.groupcache4j.ByteView;
import org.groupcache4j.http.PeerFetchException.Reason;
import org.groupcache4j.http.internal.TransportConfig;
import org.groupcache4j.http.internal.http1.IoResources;
import org.groupcache4j.http.internal.protocol.PeerUrl;
import org.groupcache4j.http.internal.security.PeerSecurity;

/**
 * The connections to one peer on one event loop, the fetches waiting for a free one, and the
 * {@link Deadlines} of every fetch started here. Touched only on {@link #loop}: no locks.
 *
 * <p>A fetch takes the most recently used idle connection (so that a quiet period leaves the
 * others unused until the idle timeout closes them); else opens a new one while fewer than
 * {@code maxConnections} are open; else waits in line, at most {@code maxWaiting} fetches, for
 * the next connection to come free. A connection whose answer is in goes to the next waiting fetch
 * at once. A probe does not wait: with no idle connection it opens one beyond the limit, closed
 * once its answer is in. A fetch that fails on a reused connection before any answer byte arrived (the peer
 * closed it meanwhile) is asked again on another connection, as Go's transport does for
 * idempotent requests.
 *
 * <p>The first connection is opened ahead ({@link #preconnect}), before any fetch needs it; a
 * peer that is not up yet (nodes of a cluster start together) is tried again with a back-off.
 */
final class ConnectionPool {
  private static final int MAX_ATTEMPTS = 3;
  /** Retries of the first connection to a peer that is not up: after 0.1, 0.2, 0.4, 0.8, 1.6 s. */
  static final int PRECONNECT_RETRIES = 5;
  static final long PRECONNECT_FIRST_DELAY_MILLIS = 100;

  final EventLoop loop;
  private final TransportConfig cfg;
  private final PeerUrl peer;
  private final PeerSecurity security; // TLS to https peers
  private final PeerRequests requests;
  private final Bootstrap bootstrap;
  private final int maxConnections;
  private final int maxWaiting;
  private final Deadlines deadlines;
  private final ArrayDeque<PeerConnection> idle = new ArrayDeque<>(); // most recently used first
  private final ArrayDeque<Fetch> waiting = new ArrayDeque<>();
  private final List<PeerConnection> all = new ArrayList<>();
  private int open; // connections open or being opened
  private boolean closed;
  private boolean preconnecting;
  private Fetch afterPreconnect; // the first fetch that came while the first connection was opening
  private int preconnectAttempts;

  ConnectionPool(EventLoop loop, IoResources io, PeerUrl peer, TransportConfig cfg, PeerSecurity security,
      PeerRequests requests, int maxConnections, int maxWaiting) {
    this.loop = loop;
    this.peer = peer;
    this.security = security;
    this.cfg = cfg;
    this.requests = requests;
    this.maxConnections = maxConnections;
    this.maxWaiting = maxWaiting;
    this.deadlines = new Deadlines(loop, this::expired);
    this.bootstrap = new Bootstrap()
        .group(loop)
        .channel(io.clientChannel())
        .remoteAddress(peer.connectAddress())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, cfg.connectTimeout().toMillis()))
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            initPipeline(ch);
          }
        });
  }

  /**
   * The pipeline of a new connection: idle close, Netty's response decoder, and the
   * {@link PeerConnection} itself. TLS to an {@code https} peer ({@link PeerUrl#secure}) goes
   * first, as an {@code SslHandler} in front of these.
   */
  private void initPipeline(Channel ch) {
    HttpDecoderConfig decoder = new HttpDecoderConfig()
        .setMaxInitialLineLength(4096)
        .setMaxHeaderSize(16384)
        .setMaxChunkSize(65536);
    PeerConnection c = new PeerConnection(this, new AnswerReader(cfg.maxResponseBytes(), ch.alloc(), requests.ring()));
    if (peer.secure()) {
      security.addClientTls(ch, peer.host(), peer.port());
    }
    ch.pipeline()
        .addLast("idle", new IdleStateHandler(cfg.clientIdleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS))
        .addLast("decoder", new PeerConnection.AnswerDecoder(decoder, c))
        .addLast("groupcache", c);
  }

  /** Starts {@code f}: its deadline runs from now. */
  void start(Fetch f) {
    if (closed) {
      f.result.completeExceptionally(f.failure(Reason.CLIENT_CLOSED, PeerHttpClient.CLOSED, null));
      return;
    }
    f.deadline = System.nanoTime() + f.timeoutNanos;
    deadlines.add(f);
    acquire(f);
  }

  private void acquire(Fetch f) {
    f.attempts++;
    PeerConnection c;
    while ((c = idle.pollFirst()) != null) {
      if (c.channel.isActive()) {
        c.send(f, requests);
        return;
      }
    }
    if (preconnecting && afterPreconnect == null) {
      afterPreconnect = f; // it takes the connection being opened
      return;
    }
    if (open < maxConnections || f.probe || f.status) { // a probe does not wait behind fetches: it opens one more
      connect(f);
      return;
    }
    if (waiting.size() >= maxWaiting) {
      fail(f, Reason.TOO_MANY_WAITING, "too many fetches waiting for a connection (" + waiting.size() + "; all "
          + cfg.maxConnectionsPerPeer() + " pooled connections busy; raise maxConnectionsPerPeer)", null);
      return;
    }
    f.waiting = true;
    waiting.add(f);
  }

  /**
   * Opens the first connection before any fetch needs it (a new peer, a fresh node), so that the
   * first fetch does not wait for a connect. A peer that is not up yet is tried again after
   * {@link #preconnectDelayMillis} of the attempt, {@link #PRECONNECT_RETRIES} times.
   */
  void preconnect(int attempt) {
    if (closed || open > 0 || !idle.isEmpty()) {
      return;
    }
    preconnectAttempts++;
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
    cf.addListener(done -> {
      preconnecting = false;
      Fetch first = afterPreconnect;
      afterPreconnect = null;
      if (!done.isSuccess()) {
        open--;
        if (first != null && !first.isDone()) {
          connect(first); // its own attempt, with its own error if the peer is still down
        }
        if (attempt < PRECONNECT_RETRIES && open == 0 && !closed) {
          loop.schedule(() -> preconnect(attempt + 1), preconnectDelayMillis(attempt), TimeUnit.MILLISECONDS);
        }
        return;
      }
      PeerConnection conn = adopt(cf.channel());
      if (conn == null) {
        return;
      }
      if (first != null && !first.isDone()) {
        conn.send(first, requests);
      } else {
        release(conn);
      }
    });
  }

  /** How long to wait before preconnect attempt {@code attempt + 1}: doubling from 100 ms. */
  static long preconnectDelayMillis(int attempt) {
    return PRECONNECT_FIRST_DELAY_MILLIS << attempt;
  }

  /** How many times the first connection was tried (for tests). */
  int preconnectAttempts() {
    return preconnectAttempts;
  }

  /** Takes a newly connected channel into the pool; {@code null} if the pool closed meanwhile. */
  private PeerConnection adopt(Channel ch) {
    PeerConnection conn = (PeerConnection) ch.pipeline().get("groupcache");
    all.add(conn);
    ch.closeFuture().addListener(x -> closed(conn));
    if (closed) {
      ch.close();
      return null;
    }
    return conn;
  }

  private void connect(Fetch f) {
    open++;
    ChannelFuture cf;
    try {
      cf = bootstrap.connect();
    } catch (RuntimeException e) {
      open--;
      fail(f, Reason.CONNECT_FAILED, "cannot connect: " + e, e);
      return;
    }
    cf.addListener(done -> {
      if (!done.isSuccess()) {
        open--;
        Throwable c = done.cause();
        fail(f, Reason.CONNECT_FAILED, c instanceof ConnectException || c instanceof ConnectTimeoutException
            ? "cannot connect: " + c.getMessage() : "cannot connect: " + c, c);
        nextWaiterConnects();
        return;
      }
      PeerConnection conn = adopt(cf.channel());
      if (conn == null) {
        return;
      }
      if (f.isDone()) {
        release(conn); // timed out or released while connecting
      } else {
        conn.send(f, requests);
      }
    });
  }

  /** A connection ended: make room, and open one for a waiting fetch if there is one. */
  private void closed(PeerConnection c) {
    open--;
    all.remove(c);
    idle.remove(c);
    nextWaiterConnects();
  }

  private void nextWaiterConnects() {
    if (open < maxConnections && !closed) {
      Fetch w = nextWaiter();
      if (w != null) {
        connect(w);
      }
    }
  }

  private Fetch nextWaiter() {
    Fetch w;
    while ((w = waiting.poll()) != null) {
      w.waiting = false;
      if (!w.isDone()) {
        return w;
      }
    }
    return null;
  }

  /** The connection is free again: hand it to a waiting fetch, or keep it (unless a probe opened one too many). */
  void release(PeerConnection c) {
    if (closed || !c.channel.isActive() || open > maxConnections) {
      c.channel.close();
      return;
    }
    Fetch w = nextWaiter();
    if (w != null) {
      c.send(w, requests);
    } else {
      idle.addFirst(c);
    }
  }

  /** Ends {@code f} with {@code outcome}: its result (see {@link Fetch#result}) or the exception it fails with. */
  void complete(Fetch f, Object outcome) {
    deadlines.remove(f);
    if (outcome instanceof Throwable t) {
      f.result.completeExceptionally(t);
    } else {
      f.result.complete(outcome);
    }
  }

  private void fail(Fetch f, Reason reason, String what, Throwable cause) {
    complete(f, f.failure(reason, what, cause));
  }

  /** The connection broke while {@code f} used it (already detached from it). */
  void failedOnConnection(Fetch f, boolean bytesSeen, Reason reason, String what, Throwable cause) {
    f.conn = null;
    if (f.reused && !bytesSeen && f.attempts < MAX_ATTEMPTS && !f.isDone() && !closed) {
      acquire(f); // a stale keep-alive connection: nothing was answered, so asking again is safe
      return;
    }
    fail(f, reason, what, cause);
  }

  private void expired(Fetch f) {
    long ms = TimeUnit.NANOSECONDS.toMillis(f.timeoutNanos);
    abandon(f, f.failure(Reason.TIMED_OUT, "no answer within " + ms + " ms" + (f.probe ? " (the probe's timeout)"
        : f.status ? " (the status request's timeout)" : " (the transport's response timeout)"), new TimeoutException()));
  }

  /** Fails {@code f} with {@code failure} wherever it is: waiting, connecting, or on a connection (closed then). */
  private void abandon(Fetch f, Throwable failure) {
    deadlines.remove(f);
    f.result.completeExceptionally(failure);
    if (f.waiting) {
      waiting.remove(f); // cheap: the oldest fetches expire first, and they wait at the front
      f.waiting = false;
    }
    if (f.conn != null) {
      f.conn.abandon(f);
    }
  }


  /**
   * Fails every fetch of this pool that is not done yet (waiting, connecting, or waiting for its
   * answer) at once with what {@code failure} gives for it; connections that carried one are
   * closed. Later fetches are not affected.
   *
   * @return how many fetches were failed
   */
  int failAll(Function<Fetch, Throwable> failure) {
    return failAll(f -> true, failure);
  }

  /** {@link #failAll(Function)} of the fetches {@code which} picks. */
  int failAll(java.util.function.Predicate<Fetch> which, Function<Fetch, Throwable> failure) {
    List<Fetch> picked = new ArrayList<>();
    for (Fetch f : deadlines.all()) {
      if (which.test(f)) {
        picked.add(f);
      }
    }
    for (Fetch f : picked) {
      if (f.waiting) {
        waiting.remove(f);
        f.waiting = false;
      }
      abandon(f, failure.apply(f));
    }
    return picked.size();
  }

  /** Closes the pool: every fetch not done fails, every connection closes, later fetches fail at once. */
  void close() {
    closed = true;
    afterPreconnect = null;
    failAll(f -> f.failure(Reason.CLIENT_CLOSED, PeerHttpClient.CLOSED, null));
    idle.clear();
    for (PeerConnection c : all.toArray(new PeerConnection[0])) {
      c.channel.close();
    }
  }
}
