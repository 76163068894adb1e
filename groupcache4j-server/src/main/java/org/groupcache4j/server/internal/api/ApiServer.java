package org.groupcache4j.server.internal.api;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.groupcache4j.GroupCache;
import java.util.Set;
import org.groupcache4j.http.internal.http1.IoResources;
import org.groupcache4j.http.internal.security.AuthGuard;
import org.groupcache4j.http.internal.security.RequestAuth;
import org.groupcache4j.http.internal.security.PeerSecurity;
import org.groupcache4j.http.internal.security.TlsContexts;
import org.groupcache4j.http.internal.http1.HttpServer;
import org.groupcache4j.http.internal.http1.Routes;
import org.groupcache4j.node.internal.Values;
import org.groupcache4j.server.internal.observe.AccessLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client API of a node: {@code GET /api?key=K} (default group), {@code GET /api/{group}/{key}},
 * {@code GET /stats}, {@code GET /healthz}, {@code GET /livez} (routes in {@link ApiRoutes#routes}), served by the
 * HTTP layer's {@link HttpServer}: requests never block an event loop, pipelined requests are
 * answered in order.
 *
 * <p>Shutdown is graceful: {@link #stopAccepting()} closes the listeners and starts draining (new
 * requests get 503, each connection closes after the last answer it owes), {@link #awaitIdle}
 * waits for the requests in flight, and {@link #close()} closes what is left.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

  /**
   * The paths that need no token: {@code /healthz} and {@code /livez} (probes) and {@code /} (the
   * dashboard page, or the endpoint list: no data; the page asks for the token and sends it with
   * its data requests).
   */
  public static final Set<String> OPEN_PATHS = Set.of("/healthz", "/livez", "/");
  /** Default {@link Builder#maxConnections}. */
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;

  private final Builder cfg;
  private HttpServer http;
  private EventLoopGroup boss; // own loops, when none are shared
  private EventLoopGroup workers;

  /** Why a key of a group is refused before loading (e.g. a path leaving a directory), or null. */
  @FunctionalInterface
  public interface KeyPolicy {
    String refuse(String group, String key);
  }

  private ApiServer(Builder b) {
    this.cfg = b;
  }

  /** Starts configuring the API of {@code cache}, whose {@code defaultGroup} answers {@code /api?key=K}. */
  public static Builder builder(GroupCache cache, String defaultGroup) {
    return new Builder(cache, defaultGroup);
  }

  /**
   * Listens on every address.
   *
   * @throws IOException naming the address that cannot be bound (e.g. already in use)
   */
  public synchronized ApiServer start() throws IOException {
    EventLoopGroup acceptors;
    EventLoopGroup servers;
    if (cfg.shared != null) {
      acceptors = cfg.shared;
      servers = cfg.shared;
    } else {
      acceptors = boss = IoResources.newGroup(1, "api-accept", true);
      servers = workers = IoResources.newGroup(cfg.threads, "api", true);
    }
    http = HttpServer.builder()
        .routes(ApiRoutes.routes(cfg.cache, cfg.defaultGroup, cfg.keyPolicy, cfg.stats, cfg.healthProblem,
            cfg.notServing, cfg.pages)
            .guarded(AuthGuard.of(cfg.auth, OPEN_PATHS)).logged(cfg.unlogged ? null : AccessLog.ifEnabled()))
        .pipeline(cfg.tls == null ? ch -> { } : ch -> cfg.tls.addServerTls(ch, "client API port"))
        .eventLoops(acceptors, servers)
        .idleTimeout(cfg.idleTimeout)
        .maxConnections(cfg.maxConnections, why -> log.warn("client API refused a connection: {}{}", why,
            why.startsWith("already") ? " (--api-max-connections)" : ""))
        .build();
    for (InetSocketAddress a : cfg.binds) {
      InetSocketAddress resolved;
      try {
        resolved = Values.resolve("--api", a);
      } catch (IOException e) {
        close();
        throw e;
      }
      try {
        http.bind(resolved);
      } catch (HttpServer.BindFailure e) {
        close();
        throw new IOException("--api " + a.getHostString() + ":" + a.getPort() + ": cannot listen: " + e.getMessage()
            + (e.getMessage().contains("in use") ? " (another process has this port; pick another or stop it)" : ""), e);
      }
    }
    StringBuilder where = new StringBuilder();
    for (InetSocketAddress a : boundAddresses()) {
      where.append(where.length() == 0 ? "" : ", ").append(cfg.tls == null ? "http://" : "https://").append(Values.format(a));
    }
    int n = 0;
    for (var ignored : servers) {
      n++;
    }
    if (cfg.unlogged) {
      return this;
    }
    log.info("client API on {} ({}, {} thread{}{})", where, IoResources.isEpoll(servers) ? "epoll" : "nio", n,
        n == 1 ? "" : "s", cfg.shared != null ? ", shared with the peer transport" : "");
    return this;
  }

  /** The addresses listened on, in the order given (ports resolved when 0 was asked). */
  public synchronized List<InetSocketAddress> boundAddresses() {
    return http == null ? List.of() : http.boundAddresses();
  }

  /** Stops accepting connections; new requests on open connections get 503, those in flight are answered. */
  public synchronized void stopAccepting() {
    if (http != null) {
      http.stopAccepting();
    }
  }

  /** Waits until no request is in flight, at most {@code timeout}; returns whether none is. */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    HttpServer h;
    synchronized (this) {
      h = http;
    }
    return h == null || h.awaitIdle(timeout);
  }

  /** Requests waiting for their answer now. */
  public synchronized int inFlight() {
    return http == null ? 0 : http.inFlight().count();
  }

  /** Closes every connection (after what was written to it is sent) and the event loops. */
  @Override
  public synchronized void close() {
    if (http != null) {
      http.close(Duration.ZERO);
    }
    if (workers != null) {
      workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
    if (boss != null) {
      boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** Configures an {@link ApiServer}. */
  public static final class Builder {
    private final GroupCache cache;
    private final String defaultGroup;
    private KeyPolicy keyPolicy = (g, k) -> null;
    private Supplier<String> stats = () -> "{}\n";
    private Supplier<String> healthProblem = () -> null;
    private Supplier<String> notServing = () -> null;
    private final List<InetSocketAddress> binds = new ArrayList<>();
    private int threads = 1;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private Duration idleTimeout = Duration.ofSeconds(60);
    private EventLoopGroup shared;
    private PeerSecurity tls; // null: plain HTTP
    private RequestAuth auth = new RequestAuth(null, null);
    private Consumer<Routes.Builder> pages;
    private boolean unlogged;

    private Builder(GroupCache cache, String defaultGroup) {
      this.cache = Objects.requireNonNull(cache, "cache");
      this.defaultGroup = Objects.requireNonNull(defaultGroup, "defaultGroup");
    }

    /** Why a key is refused before loading; default: no key is. */
    public Builder keyPolicy(KeyPolicy policy) {
      this.keyPolicy = Objects.requireNonNull(policy, "keyPolicy");
      return this;
    }

    /** The JSON document of {@code GET /stats}. */
    public Builder stats(Supplier<String> json) {
      this.stats = Objects.requireNonNull(json, "stats");
      return this;
    }

    /**
     * What makes the node unhealthy: {@code GET /healthz} answers 503 with the supplied text while
     * it is not null (and 200 "ok" otherwise).
     */
    public Builder healthProblem(Supplier<String> problem) {
      this.healthProblem = Objects.requireNonNull(problem, "healthProblem");
      return this;
    }

    /**
     * Why the cache's requests ({@code /api}) are not served yet: while the supplied text is not
     * null they get 503 with it (a node that listens before it knows its peers would otherwise
     * load every key it is asked for itself, as the only node); default: always served.
     */
    public Builder notServing(Supplier<String> why) {
      this.notServing = Objects.requireNonNull(why, "notServing");
      return this;
    }

    /**
     * Routes of the node's pages ({@code GET /} among them: the dashboard, metrics), added to the
     * API's; without them, {@code GET /} answers a line of help.
     */
    public Builder pages(Consumer<Routes.Builder> routes) {
      this.pages = Objects.requireNonNull(routes, "pages");
      return this;
    }

    /** Where to listen (one or more addresses). */
    public Builder listen(List<InetSocketAddress> addresses) {
      this.binds.addAll(addresses);
      return this;
    }

    /** Event loop threads of its own, when no loops are shared; default 1. */
    public Builder threads(int threads) {
      this.threads = threads;
      return this;
    }

    /** Connections beyond this many are closed as they arrive; default {@link #DEFAULT_MAX_CONNECTIONS}. */
    public Builder maxConnections(int max) {
      this.maxConnections = max;
      return this;
    }

    /** A connection idle this long with nothing owed is closed; default 60 s. */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = Objects.requireNonNull(timeout, "idleTimeout");
      return this;
    }

    /**
     * Accepts and serves on {@code group} (an epoll or NIO group that the caller keeps owning and
     * shuts down after {@link #close()}) instead of loops of its own; null for loops of its own.
     */
    public Builder eventLoops(EventLoopGroup group) {
      this.shared = group;
      return this;
    }

    /** Serves HTTPS with {@code tls} (null: plain HTTP); plain HTTP to the port is answered 400. */
    public Builder tls(TlsContexts tls) {
      this.tls = tls == null ? null : new PeerSecurity(tls, null);
      return this;
    }

    /** The bearer tokens requests need (the {@link #OPEN_PATHS} need none); default: none. */
    public Builder auth(RequestAuth auth) {
      this.auth = Objects.requireNonNull(auth, "auth");
      return this;
    }

    /** Logs neither where it listens nor, with {@code --access-log}, its requests (the warm-up's API). */
    public Builder unlogged() {
      this.unlogged = true;
      return this;
    }

    public ApiServer build() {
      return new ApiServer(this);
    }
  }
}
