package org.groupcache4j.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.groupcache4j.http.internal.TransportConfig;
import org.groupcache4j.http.internal.client.PeerHttpClient;
import org.groupcache4j.http.internal.http1.InFlight;
import org.groupcache4j.http.internal.http1.IoResources;
import org.groupcache4j.http.internal.peerserver.PeerEndpoint;
import org.groupcache4j.http.internal.peerserver.PeerServer;
import org.groupcache4j.http.internal.protocol.Forwarder;
import org.groupcache4j.http.internal.protocol.PeerUrl;
import org.groupcache4j.http.internal.protocol.RingCheck;
import org.groupcache4j.http.internal.security.BearerTokens;
import org.groupcache4j.http.internal.security.PeerSecurity;
import org.groupcache4j.peer.PeerClient;
import org.groupcache4j.peer.PeerRequestHandler;
import org.groupcache4j.peer.PeerTransport;

/**
 * The peer transport of golang/groupcache's {@code HTTPPool}, on Netty: a node of ours and a
 * golang/groupcache node are peers of each other.
 *
 * <pre>{@code
 * GroupCache cache = GroupCache.builder()
 *     .self("http://10.0.0.1:8001")
 *     .transport(HttpPeerTransport.builder().build())
 *     .build();                                   // listens on 10.0.0.1:8001
 * cache.setPeers("http://10.0.0.1:8001", "http://10.0.0.2:8001", "http://10.0.0.3:8001");
 * }</pre>
 *
 * <p><b>Server.</b> {@link #start} listens on the host and port of the self URL (or
 * {@link Builder#bindAddress}) and answers {@code GET {basePath}{group}/{key}} with a protobuf
 * {@code GetResponse}, from this node's stores or a local load, never forwarding (one hop).
 * Request paths are percent-decoded with {@code +} kept as {@code +}; the key is everything after
 * the first {@code /} following the group. Errors are one line of text: 400 malformed path or bad
 * escape, 404 unknown group, 405 other methods, 414/431 too long request line/headers, 500 loader
 * failure (marked with an {@code X-Groupcache4j-Error} header that golang/groupcache ignores and
 * our clients use to tell an owner's loader error from a transport failure). Connections are
 * HTTP/1.1 keep-alive, answers keep the request order under pipelining, and a connection that
 * sends nothing for {@link Builder#idleTimeout} is closed. To serve the peer endpoint from a
 * larger Netty server instead, mount {@link #newServerHandler}.
 *
 * <p><b>Client.</b> One pool of keep-alive connections per peer (at most
 * {@link Builder#maxConnectionsPerPeer}, reused rather than reopened, the first one opened as soon
 * as the peer is known), connect and response deadlines, a cap on the answer size, asynchronous
 * completion on the transport's I/O threads. A fetch that fails in transport fails with a
 * {@link PeerFetchException}; {@link #failPending} fails every fetch waiting on a peer at once.
 * Keys are escaped so that golang/groupcache servers decode exactly the key meant (space as
 * {@code %20}).
 *
 * <p>All event loops ({@link Builder#eventLoopThreads}) are shared by the server and the clients
 * and never block; loads run on the {@code GroupCache}'s loader executor. A server that has event
 * loops of its own (a client API, say) can hand them over with {@link Builder#eventLoopGroup}:
 * a request that misses then runs its peer fetch on the very thread that read it.
 */
public final class HttpPeerTransport implements PeerTransport {
  private volatile String self; // this node's URL, once started: who asks for load leases
  /** golang/groupcache's default base path. */
  public static final String DEFAULT_BASE_PATH = "/_groupcache/";
  /** Default {@link Builder#connectTimeout}. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);

  /**
   * {@code basePath}, if peers can be served and asked under it: it starts and ends with
   * {@code /} (as {@link #DEFAULT_BASE_PATH}). The one check of a base path, for
   * {@link Builder#basePath} and for whatever reads one from configuration.
   *
   * @throws IllegalArgumentException quoting the path and saying what is accepted
   */
  public static String checkBasePath(String basePath) {
    Objects.requireNonNull(basePath, "basePath");
    if (!basePath.startsWith("/") || !basePath.endsWith("/")) {
      throw new IllegalArgumentException("'" + basePath + "' is not a base path: it must start and end with '/', e.g. "
          + DEFAULT_BASE_PATH);
    }
    return basePath;
  }

  private final TransportConfig config;
  private PeerSecurity security = PeerSecurity.NONE; // set by the builder
  private final EventLoopGroup sharedLoops; // the application's, or null
  private final Supplier<String> status; // the node's status document, or null
  private final Set<PeerHttpClient> clients = ConcurrentHashMap.newKeySet();
  private IoResources io; // created on first use; guarded by this
  private final RingCheck ring = new RingCheck(null); // the started node's ring fingerprint
  private final InFlight inFlight = new InFlight(); // of the server and every mounted handler
  private PeerServer server; // guarded by this
  private boolean closed; // guarded by this

  private HttpPeerTransport(TransportConfig config, EventLoopGroup sharedLoops, Supplier<String> status) {
    this.status = status;
    this.config = config;
    this.sharedLoops = sharedLoops;
  }

  /** Starts configuring a transport; every option has a default. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Listens for peers' requests, on {@link Builder#bindAddress} or else on the host and port of
   * {@code selfUrl} (port 80 when it names none), and answers them with {@code handler}. Returns
   * once the socket is bound.
   *
   * @throws java.io.UncheckedIOException if it cannot listen, e.g. "cannot listen on
   *     127.0.0.1:8001 for peer URL http://127.0.0.1:8001: address already in use"
   * @throws IllegalArgumentException if {@code selfUrl} is not an {@code http://host[:port]} URL
   *     and no bind address was given
   * @throws IllegalStateException if already started or closed
   */
  @Override
  public synchronized void start(String selfUrl, PeerRequestHandler handler) {
    Objects.requireNonNull(handler, "handler");
    if (closed) {
      throw new IllegalStateException("this HttpPeerTransport is closed; build a new one");
    }
    if (server != null) {
      throw new IllegalStateException("this HttpPeerTransport already serves " + server.boundAddress()
          + "; a transport serves one node");
    }
    ring.attach(handler);
    this.self = selfUrl;
    InetSocketAddress address = config.bindAddress() != null ? config.bindAddress() : PeerUrl.listenAddressOf(selfUrl);
    boolean secure = PeerUrl.secure(selfUrl);
    if (secure && !security.canServeTls()) {
      throw new IllegalArgumentException("the self URL " + selfUrl + " is https://, but this transport has no "
          + "certificate to serve with: set HttpPeerTransport.builder().tls(PeerTls.builder().certificate(chain, key)...)");
    }
    boolean created = io == null;
    IoResources resources = io();
    try {
      server = PeerServer.start(config, resources, address, selfUrl, handler, inFlight, security, secure, status,
          this::forward);
    } catch (RuntimeException e) {
      if (created) {
        io = null;
        resources.shutdown(Duration.ofSeconds(2));
      }
      throw e;
    }
  }

  /**
   * A client for the peer named {@code peerUrl} (e.g. {@code http://10.0.0.2:8001} or
   * {@code https://10.0.0.2:8443}); requests go to {@code peerUrl + basePath + group + "/" + key}.
   * A URL this transport cannot use (neither {@code http://} nor {@code https://}) gives a client
   * whose fetches fail, so the group loads locally and logs why.
   */
  @Override
  public PeerClient client(String peerUrl) {
    Objects.requireNonNull(peerUrl, "peerUrl");
    IoResources resources;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("this HttpPeerTransport is closed");
      }
      resources = io();
    }
    PeerHttpClient c = new PeerHttpClient(peerUrl, config, resources, security, ring, clients::remove);
    c.askAs(self);
    clients.add(c);
    return c;
  }

  /**
   * Fails every fetch to {@code peerUrl} that is not done yet (waiting for a connection,
   * connecting, or waiting for its answer) at once, instead of at its deadline, so that its caller
   * falls back to a local load now: for a peer judged down. Each fails with a
   * {@link PeerFetchException} of reason {@link PeerFetchException.Reason#RELEASED} whose cause is
   * {@code cause}. Fetches started later are not affected.
   *
   * @return completes with the number of fetches failed
   */
  public CompletableFuture<Integer> failPending(String peerUrl, Throwable cause) {
    Objects.requireNonNull(cause, "cause");
    List<CompletableFuture<Integer>> counts = new ArrayList<>();
    for (PeerHttpClient c : clients) {
      if (c.url().equals(peerUrl)) {
        counts.add(c.failPending(cause));
      }
    }
    return CompletableFuture.allOf(counts.toArray(new CompletableFuture[0]))
        .thenApply(v -> counts.stream().mapToInt(CompletableFuture::join).sum());
  }

  /**
   * The status document of {@code peerUrl} ({@code GET {basePath}_stats} on its peer port, which
   * our nodes serve when built with {@link Builder#statusDocument}), asked like a fetch: over the
   * pooled connections of the peer's client (a client of its own, closed after the answer, for a
   * URL this transport has no client of), so with this transport's TLS (trusted certificates,
   * client certificate under mutual TLS, host name check) and its peer token. It does not wait
   * behind fetches.
   *
   * @return completes with the document of a {@code 200} answer; fails with a
   *     {@link PeerFetchException}: {@link PeerFetchException.Reason#ERROR_STATUS} when the peer
   *     answered another status (golang/groupcache answers 400, a node with another peer token
   *     401), another reason when it gave no answer within {@code timeout}
   */
  public CompletableFuture<String> status(String peerUrl, Duration timeout) {
    Objects.requireNonNull(peerUrl, "peerUrl");
    Objects.requireNonNull(timeout, "timeout");
    for (PeerHttpClient c : clients) {
      if (c.url().equals(peerUrl)) {
        return c.status(timeout);
      }
    }
    PeerHttpClient own = (PeerHttpClient) client(peerUrl);
    return own.status(timeout).whenComplete((doc, err) -> own.close());
  }

  /** The address the server listens on (with the actual port if port 0 was asked), or {@code null} before {@link #start}. */
  public synchronized InetSocketAddress boundAddress() {
    return server == null ? null : server.boundAddress();
  }

  /**
   * A handler that serves the peer endpoint inside another Netty pipeline, the way groupcache's
   * {@code HTTPPool} is an {@code http.Handler}. Add it after an {@code HttpServerCodec} and an
   * {@code HttpObjectAggregator}; it answers requests under the base path and passes every other
   * {@code FullHttpRequest} to the next handler, keeping the answers in request order. It is
   * sharable: one instance may serve every connection (each connection gets its own responder in
   * its place). It answers like the transport's own server (same limits, errors and order) and
   * drains with it: once {@link #close} is called, it answers new peer requests with 503 and
   * {@code close} waits for the ones in flight. It does not close idle connections by itself;
   * put an {@code IdleStateHandler} before it for that.
   */
  public ChannelHandler newServerHandler(PeerRequestHandler handler) {
    return PeerEndpoint.mountable(config.basePath(), Objects.requireNonNull(handler, "handler"), inFlight, this::forward);
  }

  /** A request this node relays: sent once to {@code peer} by this transport's client of it. */
  private CompletableFuture<Forwarder.Answer> forward(String peer, String method, String tail, String contentType,
      String extraHeader, byte[] body) {
    for (PeerHttpClient c : clients) {
      if (c.url().equals(peer)) {
        return c.forward(method, tail, contentType, extraHeader, body);
      }
    }
    return CompletableFuture.failedFuture(new IllegalStateException("this node has no client of " + peer));
  }

  /** The TLS and token settings (for tests). */
  PeerSecurity security() {
    return security;
  }

  /** The base path served and asked, e.g. {@code /_groupcache/}. */
  public String basePath() {
    return config.basePath();
  }

  /**
   * Stops accepting connections, lets requests being answered finish (waiting at most
   * {@link Builder#shutdownTimeout}), closes every connection and client pool, and stops the event
   * loops. Later fetches of this transport's clients fail. Idempotent.
   */
  @Override
  public void close() {
    PeerServer s;
    IoResources r;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      s = server;
      r = io;
    }
    if (s != null) {
      s.close(config.shutdownTimeout().toMillis());
    } else {
      inFlight.drain(config.shutdownTimeout()); // mounted handlers only
    }
    for (PeerHttpClient c : clients.toArray(new PeerHttpClient[0])) {
      c.close();
    }
    if (r != null) {
      r.shutdown(Duration.ofSeconds(2));
    }
  }

  private IoResources io() {
    if (io == null) {
      io = sharedLoops != null ? new IoResources(sharedLoops)
          : new IoResources(config.eventLoopThreads(), config.nativeTransport());
    }
    return io;
  }

  @Override
  public String toString() {
    InetSocketAddress a = boundAddress();
    return "HttpPeerTransport[" + (a == null ? "not listening" : "listening on " + a) + ", basePath=" + config.basePath() + "]";
  }

  /** Configures an {@link HttpPeerTransport}. */
  public static final class Builder {
    private final TransportConfig.Builder config = TransportConfig.builder();
    private EventLoopGroup eventLoopGroup;
    private PeerTls tls;
    private BearerTokens peerToken;
    private Supplier<String> status;

    private Builder() {}

    /**
     * The path under which peers are served and asked; must start and end with {@code /}.
     * Default {@link #DEFAULT_BASE_PATH}, as golang/groupcache. Every node must use the same one.
     *
     * @throws IllegalArgumentException as {@link #checkBasePath}
     */
    public Builder basePath(String basePath) {
      config.basePath(basePath);
      return this;
    }

    /** Where to listen; default: the host and port of the self URL given to {@code start} (port 80 if none). Port 0 picks a free port. */
    public Builder bindAddress(InetSocketAddress address) {
      config.bindAddress(address);
      return this;
    }

    /** How long opening a connection to a peer may take; default {@link #DEFAULT_CONNECT_TIMEOUT} (1 s). */
    public Builder connectTimeout(Duration timeout) {
      config.connectTimeout(timeout);
      return this;
    }

    /**
     * How long one fetch may take in all (waiting for a pooled connection, connecting, the
     * answer); default 10 s. The group's own {@code peerTimeout} applies as well.
     */
    public Builder responseTimeout(Duration timeout) {
      config.responseTimeout(timeout);
      return this;
    }

    /** The largest answer body a peer may send; a larger one fails the fetch. Default 64 MiB. */
    public Builder maxResponseBytes(int bytes) {
      config.maxResponseBytes(bytes);
      return this;
    }

    /**
     * Keep-alive connections per peer, each carrying one fetch at a time. Default 64: fetches of
     * one key are already merged by the group's single-flight, so this bounds distinct keys in
     * flight to one peer; a loopback or LAN fetch takes well under a millisecond, so 64
     * connections carry tens of thousands of fetches per second per peer, more than a peer
     * serves on a few cores, while 64 sockets per peer stay cheap. Beyond that, fetches wait for a
     * free connection instead of opening and discarding new ones. The connections are split evenly
     * over the event loops, each loop keeping its own share (no locks between them).
     */
    public Builder maxConnectionsPerPeer(int connections) {
      config.maxConnectionsPerPeer(connections);
      return this;
    }

    /** Fetches that may wait for a free connection to one peer before new ones fail at once; default 16384. */
    public Builder maxPendingFetchesPerPeer(int fetches) {
      config.maxPendingFetchesPerPeer(fetches);
      return this;
    }

    /** Threads serving and fetching; default: the number of available processors. */
    public Builder eventLoopThreads(int threads) {
      config.eventLoopThreads(threads);
      return this;
    }

    /**
     * A server connection with no traffic and no unanswered request for this long is closed;
     * pooled client connections are closed after 3/4 of it unused. Default 120 s.
     */
    public Builder idleTimeout(Duration timeout) {
      config.idleTimeout(timeout);
      return this;
    }

    /** How long {@code close()} waits for requests being answered; default 5 s. */
    public Builder shutdownTimeout(Duration timeout) {
      config.shutdownTimeout(timeout);
      return this;
    }

    /**
     * The longest request line accepted (414 beyond). Default 16 KiB: a key of 4096 UTF-8 bytes,
     * fully percent-encoded (12 KiB), plus method, base path, group and version.
     */
    public Builder maxRequestLineBytes(int bytes) {
      config.maxRequestLineBytes(bytes);
      return this;
    }

    /** The most header bytes accepted in a request (431 beyond); default 8 KiB. */
    public Builder maxHeaderBytes(int bytes) {
      config.maxHeaderBytes(bytes);
      return this;
    }

    /** Whether to use Netty's native epoll transport where it loads (default true); NIO otherwise. */
    public Builder nativeTransport(boolean enabled) {
      config.nativeTransport(enabled);
      return this;
    }

    /**
     * Runs the server and the clients on these event loops (an {@code EpollEventLoopGroup} or a
     * {@code NioEventLoopGroup}) instead of loops of the transport's own; {@link #eventLoopThreads}
     * and {@link #nativeTransport} then do not apply. The group stays the caller's: closing the
     * transport does not shut it down. Sharing the loops of a client API this way lets a request
     * read there fetch from its owner and answer on one thread.
     *
     * @throws IllegalArgumentException if the group is neither epoll nor NIO
     */
    public Builder eventLoopGroup(EventLoopGroup group) {
      Objects.requireNonNull(group, "eventLoopGroup");
      new IoResources(group); // checks the kind now rather than at start
      this.eventLoopGroup = group;
      return this;
    }

    /**
     * A status document (JSON) that the peer port serves at {@code GET {basePath}_stats}, e.g. for a
     * dashboard that gathers the cluster's numbers from every node; a null document answers 503.
     * Default: none (the path answers 404, as any path that is not {@code {group}/{key}}).
     */
    public Builder statusDocument(Supplier<String> status) {
      this.status = Objects.requireNonNull(status, "status");
      return this;
    }

    public HttpPeerTransport build() {
      HttpPeerTransport t = new HttpPeerTransport(config.build(), eventLoopGroup, status);
      if (tls != null || peerToken != null) {
        t.security = new PeerSecurity(tls == null ? null : tls.contexts(), peerToken);
      }
      return t;
    }

    /**
     * TLS: the server serves it when the self URL is {@code https://} (the certificate is then
     * required), clients use it for {@code https://} peers (checked against its trusted
     * certificates, presenting the certificate under mutual TLS). Without it, {@code https://}
     * peers are checked against the JDK's trust store and an {@code https://} self URL is refused.
     */
    public Builder tls(PeerTls tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /**
     * Bearer tokens in {@code file}, one per line, re-read when it changes: the server accepts any
     * of them on every peer request ({@code 401} otherwise) and the clients send the first; for
     * peers behind a TLS-terminating proxy. Every node needs the same tokens; golang/groupcache
     * nodes send none. Several lines let a token be rotated with no request refused (add the new
     * one second on every node, then swap the lines, then drop the old one).
     * A handler mounted with {@link HttpPeerTransport#newServerHandler} is the application's to guard.
     *
     * @throws IllegalArgumentException naming the file if it is missing, empty or not a token
     */
    public Builder peerTokenFile(Path file) {
      this.peerToken = BearerTokens.fromFile(Objects.requireNonNull(file, "file"));
      return this;
    }
  }
}
