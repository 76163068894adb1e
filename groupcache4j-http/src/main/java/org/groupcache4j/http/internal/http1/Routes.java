package org.groupcache4j.http.internal.http1;

import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The route table of one HTTP port: which paths it serves, which methods each path takes, and
 * which {@link Endpoint} answers them. This is the one place where a route or a method is
 * declared; the {@link Responder} does the rest (limits, 404, 405 with {@code Allow}, 503 while
 * draining, answer order).
 *
 * <pre>{@code
 * Routes routes = Routes.builder()
 *     .exact("/stats", r -> r.get(ex -> ex.respond(Response.of(200, Response.JSON, json()))))
 *     .prefix("/_groupcache/", r -> r
 *         .get(peer::get)
 *         .put(1 << 20, peer::put))          // a method with a body: at most 1 MiB, else 413
 *     .notFound(ex -> Response.text(404, "no such endpoint"))
 *     .build();
 * }</pre>
 *
 * <p>A path matches an exact route first, else the longest prefix route it starts with; paths
 * are compared still percent-encoded. Without a {@link Builder#notFound} answer, requests no
 * route takes are passed on to the next handler of the pipeline (a mounted handler).
 */
public final class Routes {
  private final Map<String, Route> exact;
  private final Route[] prefixes; // longest first
  private final Function<Exchange, Response> notFound; // null: pass on
  private final Function<Exchange, Response> shuttingDown; // null: a plain 503
  private final Function<Exchange, Response> guard; // null: every request may go on
  private final AccessLog accessLog; // null: none

  /** Hears of every answer written for a request of these routes (an access log). */
  @FunctionalInterface
  public interface AccessLog {
    /**
     * Called on the connection's event loop as the answer is written: must be quick.
     *
     * @param bytes the answer's size on the wire (head and body), or -1 when not known
     * @param nanos from the request's arrival to its answer being written
     */
    void answered(Exchange request, int status, long bytes, long nanos, java.net.SocketAddress remote);
  }

  private Routes(Builder b) {
    this.exact = Map.copyOf(b.exact);
    List<Route> p = new ArrayList<>(b.prefixes);
    p.sort((x, y) -> Integer.compare(y.path.length(), x.path.length()));
    this.prefixes = p.toArray(new Route[0]);
    this.notFound = b.notFound;
    this.shuttingDown = b.shuttingDown;
    this.guard = null;
    this.accessLog = null;
  }

  private Routes(Routes r, Function<Exchange, Response> guard, AccessLog accessLog) {
    this.exact = r.exact;
    this.prefixes = r.prefixes;
    this.notFound = r.notFound;
    this.shuttingDown = r.shuttingDown;
    this.guard = guard;
    this.accessLog = accessLog;
  }

  /**
   * These routes behind {@code guard}, which sees every request before its route (even an unknown
   * path or method) and returns the answer that refuses it (a 401, say) or null to let it in;
   * {@code guard} null: none.
   */
  public Routes guarded(Function<Exchange, Response> guard) {
    return new Routes(this, guard, accessLog);
  }

  /** These routes with every answer told to {@code log} (null: none); without one, requests are not timed. */
  public Routes logged(AccessLog log) {
    return new Routes(this, guard, log);
  }

  /** The access log, or null. */
  AccessLog accessLog() {
    return accessLog;
  }

  /** The guard, or null. */
  Function<Exchange, Response> guard() {
    return guard;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The route of {@code rawPath} (still percent-encoded), or null. */
  Route find(String rawPath) {
    if (rawPath == null) {
      return null;
    }
    Route r = exact.get(rawPath);
    if (r != null) {
      return r;
    }
    for (Route p : prefixes) {
      if (rawPath.startsWith(p.path)) {
        return p;
      }
    }
    return null;
  }

  /** The answer for a path no route takes, or null to pass the request on. */
  Function<Exchange, Response> notFound() {
    return notFound;
  }

  /** The answer (a 503) to a request that comes while the server shuts down, or null for a plain one. */
  Function<Exchange, Response> shuttingDown() {
    return shuttingDown;
  }

  /** Answers one request; see {@link Exchange} for how to answer, now or later. */
  @FunctionalInterface
  public interface Endpoint {
    /**
     * Called on the connection's event loop: must not block. Answer with
     * {@link Exchange#respond} (now or later, from any thread) or {@link Exchange#respondWhenDone}.
     * A thrown exception is answered with a 500.
     */
    void serve(Exchange exchange) throws Exception;
  }

  /** One method of a route: its endpoint and the largest request body it takes (0: none is read). */
  record Handler(Endpoint endpoint, int maxBody) {}

  /** A path (exact or prefix) and its methods. */
  static final class Route {
    final String path;
    final Map<HttpMethod, Handler> methods;
    final String allow; // the Allow header of a 405

    Route(String path, Map<HttpMethod, Handler> methods) {
      this.path = path;
      this.methods = new HashMap<>(methods);
      this.allow = String.join(", ", methods.keySet().stream().map(HttpMethod::name).toList());
    }

    Handler handler(HttpMethod m) {
      return methods.get(m);
    }
  }

  /** Declares the methods of one route. */
  public static final class Methods {
    private final Map<HttpMethod, Handler> methods = new LinkedHashMap<>();

    private Methods() {}

    public Methods get(Endpoint e) {
      return method(HttpMethod.GET, 0, e);
    }

    public Methods put(int maxBody, Endpoint e) {
      return method(HttpMethod.PUT, maxBody, e);
    }

    public Methods post(int maxBody, Endpoint e) {
      return method(HttpMethod.POST, maxBody, e);
    }

    public Methods delete(Endpoint e) {
      return method(HttpMethod.DELETE, 0, e);
    }

    /**
     * {@code method} served by {@code e}; its request body, up to {@code maxBody} bytes, is
     * collected and handed over in {@link Exchange#body()} (a longer one is answered 413). With
     * {@code maxBody} 0 a body is read and dropped, up to {@link Responder#MAX_DROPPED_BODY}.
     */
    public Methods method(HttpMethod method, int maxBody, Endpoint e) {
      if (maxBody < 0) {
        throw new IllegalArgumentException("maxBody must be >= 0, was " + maxBody);
      }
      if (methods.putIfAbsent(Objects.requireNonNull(method), new Handler(Objects.requireNonNull(e), maxBody)) != null) {
        throw new IllegalArgumentException("method " + method + " is declared twice on one route");
      }
      return this;
    }
  }

  public static final class Builder {
    private final Map<String, Route> exact = new HashMap<>();
    private final List<Route> prefixes = new ArrayList<>();
    private Function<Exchange, Response> notFound;
    private Function<Exchange, Response> shuttingDown;

    private Builder() {}

    /** A route for exactly {@code path} (percent-encoded as it arrives, without the query). */
    public Builder exact(String path, Consumer<Methods> methods) {
      if (exact.put(path, route(path, methods)) != null) {
        throw new IllegalArgumentException("route " + path + " is declared twice");
      }
      return this;
    }

    /** A route for every path that starts with {@code prefix}. */
    public Builder prefix(String prefix, Consumer<Methods> methods) {
      if (prefixes.stream().anyMatch(r -> r.path.equals(prefix))) {
        throw new IllegalArgumentException("route " + prefix + "* is declared twice");
      }
      prefixes.add(route(prefix, methods));
      return this;
    }

    /** The answer to a path that no route takes; without one, such requests go to the next handler. */
    public Builder notFound(Function<Exchange, Response> answer) {
      this.notFound = answer;
      return this;
    }

    /**
     * The answer to a request that comes while the server shuts down (it must be a 503: the
     * connection closes after it), for a server whose answers say who answers; without one, a
     * plain 503.
     */
    public Builder shuttingDown(Function<Exchange, Response> answer) {
      this.shuttingDown = answer;
      return this;
    }

    private static Route route(String path, Consumer<Methods> declare) {
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("a route path starts with '/', was '" + path + "'");
      }
      Methods m = new Methods();
      declare.accept(m);
      if (m.methods.isEmpty()) {
        throw new IllegalArgumentException("route " + path + " declares no method");
      }
      return new Route(path, m.methods);
    }

    public Routes build() {
      return new Routes(this);
    }
  }
}
