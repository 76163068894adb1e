package org.groupcache4j.http.internal;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.EventExecutor;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.groupcache4j.ByteView;
import org.groupcache4j.peer.PeerRequestHandler;

/**
 * What a request to the peer endpoint is answered with, whichever handler writes it: a value
 * ({@code 200}, a {@code GetResponse}) or an error status with a one-line reason and, for errors
 * of the owner's loader, the kind that goes into {@link Wire#ERROR_HEADER}.
 */
final class PeerAnswer {
  private static final System.Logger LOG = System.getLogger("org.groupcache4j.http");

  final int status;
  final ByteView value; // for 200
  final String text; // error reason (one line, no newline), or null
  final String errorKind; // value of the error header, or null
  final boolean allowGet; // a 405: say which method is allowed

  private PeerAnswer(int status, ByteView value, String text, String errorKind, boolean allowGet) {
    this.status = status;
    this.value = value;
    this.text = text;
    this.errorKind = errorKind;
    this.allowGet = allowGet;
  }

  static PeerAnswer ok(ByteView value) {
    return new PeerAnswer(200, value, null, null, false);
  }

  static PeerAnswer error(int status, String text) {
    return new PeerAnswer(status, null, text, null, false);
  }

  /**
   * The answer to a request that is not served: a bad protocol version, another method than GET,
   * a malformed path, or a node shutting down; {@code null} when the request is to be served.
   */
  static PeerAnswer refusal(HttpMethod method, HttpVersion version, PeerPaths.Route route, boolean draining) {
    if (!"HTTP".equals(version.protocolName()) || version.majorVersion() != 1 || version.minorVersion() > 1) {
      return error(400, "bad request: unsupported protocol version " + oneLine(version.text()) + "; use HTTP/1.1");
    }
    if (!HttpMethod.GET.equals(method)) {
      return new PeerAnswer(405, null, "method " + oneLine(method.name())
          + " not allowed: the peer endpoint answers GET only", null, true);
    }
    if (route.error() != null) {
      return error(400, route.error());
    }
    if (draining) {
      return error(503, "this node is shutting down");
    }
    return null;
  }

  /**
   * Hands the answer of {@code f}, a request for {@code key} of {@code group} that was not ready
   * at once ({@link #ifDone}), to {@code later} on {@code loop} once it is known, counting the
   * request in {@code inFlight} meanwhile. If the loop has stopped, so has the connection, and the
   * answer is dropped.
   */
  static void whenDone(CompletableFuture<ByteView> f, String group, String key, AtomicLong nextLog,
      InFlight inFlight, EventExecutor loop, Consumer<PeerAnswer> later) {
    inFlight.enter();
    f.whenComplete((v, err) -> {
      try {
        if (loop.inEventLoop()) {
          later.accept(of(v, err, group, key, nextLog));
        } else {
          loop.execute(() -> later.accept(of(v, err, group, key, nextLog)));
        }
      } catch (RejectedExecutionException e) {
        // the event loop is gone: so is the connection
      } finally {
        inFlight.exit();
      }
    });
  }

  /**
   * Asks {@code handler} for {@code key} of {@code group}; a handler that throws or returns
   * {@code null} becomes a failed future, so callers have one outcome to handle.
   */
  static CompletableFuture<ByteView> ask(PeerRequestHandler handler, String group, String key) {
    try {
      CompletableFuture<ByteView> f = handler.handle(group, key);
      return f != null ? f : CompletableFuture.failedFuture(
          new IllegalStateException("the peer request handler returned null"));
    } catch (Throwable t) {
      return CompletableFuture.failedFuture(t);
    }
  }

  /** The answer of {@code f} if it is already complete (a cache hit or a non-blocking load), else {@code null}. */
  static PeerAnswer ifDone(CompletableFuture<ByteView> f, String group, String key, AtomicLong nextLog) {
    if (!f.isDone()) {
      return null;
    }
    ByteView v = null;
    Throwable err = null;
    try {
      v = f.join();
    } catch (Throwable t) {
      err = t;
    }
    return of(v, err, group, key, nextLog);
  }

  /**
   * The answer for the outcome of the request handler: the value, or the error it failed with.
   * Unexpected failures are logged, at most once per 10 s per {@code nextLog}.
   */
  private static PeerAnswer of(ByteView v, Throwable err, String group, String key, AtomicLong nextLog) {
    if (err == null && v != null) {
      return ok(v);
    }
    PeerErrors.ErrorAnswer e = PeerErrors.answerFor(
        err != null ? err : new IllegalStateException("the peer request handler completed with null"), group);
    if (e.unexpected() != null) {
      logUnexpected(group, key, e.unexpected(), nextLog);
    }
    return new PeerAnswer(e.status(), null, e.text(), e.errorKind(), false);
  }

  private static void logUnexpected(String group, String key, Throwable t, AtomicLong nextLog) {
    long now = System.nanoTime();
    long next = nextLog.get();
    if ((next == Long.MIN_VALUE || now - next >= 0) && nextLog.compareAndSet(next, now + 10_000_000_000L)) {
      LOG.log(Level.WARNING, "peer request for group '" + group + "', key '" + oneLine(key)
          + "' failed unexpectedly (answered 500; further such errors are not logged for 10 s)", t);
    }
  }

  static String oneLine(String s) {
    if (s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return s.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
  }
}
