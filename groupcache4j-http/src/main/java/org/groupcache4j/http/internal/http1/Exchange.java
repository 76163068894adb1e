package org.groupcache4j.http.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiFunction;
import org.groupcache4j.internal.Failures;

/**
 * One request and its place in its connection's answer order. An {@link Routes.Endpoint} reads
 * the request from it and answers through it, once: at once, or later from any thread (the
 * answer is handed to the connection's event loop and written when every answer before it is).
 */
public final class Exchange {
  private final Responder responder;
  private final HttpMethod method;
  private final String uri;
  private final HttpHeaders headers;
  private final RequestTarget target;
  // Framing, decided by the responder.
  boolean keepAlive;
  final boolean keepAlive10; // an HTTP/1.0 client asked to keep the connection
  final boolean head;
  // State; touched on the connection's event loop only.
  Response response; // null until answered
  boolean bodyPending; // its body is still arriving: no answer is written before it is read (or refused)
  boolean queued; // waits in the connection's queue
  Object passThrough; // a request for the next handler (mounted), until fired
  boolean passThroughFired;
  ByteBuf body; // the body of a method that takes one, while it is served
  long arrivedNanos; // set only when the routes have an access log

  Exchange(Responder responder, HttpRequest req, RequestTarget target, boolean keepAlive, boolean keepAlive10) {
    this.responder = responder;
    this.method = req.method();
    this.uri = req.uri();
    this.headers = req.headers();
    this.target = target;
    this.keepAlive = keepAlive;
    this.keepAlive10 = keepAlive10;
    this.head = HttpMethod.HEAD.equals(method);
  }

  /** The answer to a request that could not be read, after which the connection closes. */
  Exchange(Responder responder, Response closing) {
    this.responder = responder;
    this.method = null;
    this.uri = null;
    this.headers = null;
    this.target = null;
    this.keepAlive = false;
    this.keepAlive10 = false;
    this.head = false;
    this.response = closing;
  }

  public HttpMethod method() {
    return method;
  }

  /** The request target as sent. */
  public String uri() {
    return uri;
  }

  /** The path and query of the target, still percent-encoded. */
  public RequestTarget target() {
    return target;
  }

  public HttpHeaders headers() {
    return headers;
  }

  /**
   * The request body, for a method declared with a body limit (else empty); valid while
   * {@link Routes.Endpoint#serve} runs: retain or copy it to use it later.
   */
  public ByteBuf body() {
    return body;
  }

  /** The address of the other end of the connection, without its port (for messages). */
  public String remoteHost() {
    return responder.remoteHost();
  }

  /** Answers with {@code r}, from any thread; the first answer counts. */
  public void respond(Response r) {
    EventExecutor loop = responder.executor();
    if (loop.inEventLoop()) {
      responder.answered(this, r);
      return;
    }
    try {
      loop.execute(() -> responder.answered(this, r));
    } catch (RejectedExecutionException e) {
      // the event loop has stopped, and with it the connection: nobody to answer
    }
  }

  /**
   * Answers with {@code answer} of the outcome of {@code f} (its value, or the cause of its
   * failure, unwrapped): in this turn if {@code f} is already complete (a cache hit), else once it
   * completes. {@code answer} runs on the thread that completes {@code f}.
   */
  public <T> void respondWhenDone(CompletableFuture<T> f, BiFunction<? super T, Throwable, Response> answer) {
    if (f.isDone()) {
      T v = null;
      Throwable err = null;
      try {
        v = f.join();
      } catch (Throwable t) {
        err = t;
      }
      respond(answer.apply(v, Failures.unwrap(err)));
      return;
    }
    f.whenComplete((v, err) -> respond(answer.apply(v, Failures.unwrap(err))));
  }

  boolean ready() {
    return response != null && !bodyPending;
  }
}
