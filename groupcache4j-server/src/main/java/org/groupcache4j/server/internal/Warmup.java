package org.groupcache4j.server.internal;

import io.netty.channel.EventLoopGroup;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.groupcache4j.Group;
import org.groupcache4j.GroupCache;
import org.groupcache4j.http.HttpPeerTransport;
import org.groupcache4j.node.internal.JitQuiet;
import org.groupcache4j.node.internal.RingChanges;
import org.groupcache4j.node.internal.Values;
import org.groupcache4j.node.internal.WarmupThreads;
import org.groupcache4j.node.settings.NodeSpec;
import org.groupcache4j.server.internal.api.ApiServer;
import org.groupcache4j.server.internal.observe.NodeMetrics;
import org.groupcache4j.server.internal.origin.Origin;
import org.groupcache4j.server.internal.origin.OriginConfigException;
import org.groupcache4j.server.internal.origin.OriginLoader;
import org.groupcache4j.server.internal.origin.Origins;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A warm JVM before the node serves. A JVM that just started runs the request path in the
 * interpreter and compiles it while the first requests wait, so a node that starts cold answers its
 * first seconds several times slower than later. Before the node binds its ports, this runs the
 * same path on loopback, in a cluster of two throw-away nodes of this process: the client API of
 * one ({@link ApiServer}, the group read path, the stores of the node's eviction policy), its
 * fetches of the other's keys (the peer client, the peer endpoint, the hot store), their probes,
 * new client connections (accepted and set up as those of the clients and load balancers that
 * connect at once when the node is ready), and a share of writes (PUT, DELETE, and their fan-out to
 * the other node), on the node's own event loops, with groups shaped as the node's (the same
 * policy, hot store and timeouts, small budgets). Meanwhile a third throw-away node joins their
 * ring and leaves it again, over and over, as a node of a rolling restart or a scale-up does
 * ({@link RingChanges}): so the paths of a change of owner (the take-back, asking the previous
 * owner, the handoff) are compiled with the rest, and a ring change after the node serves, in this
 * node or in its peers, finds them compiled rather than running them for the first time on the
 * event loops that answer requests. Their values are synthetic; a group whose origin is HTTP loads
 * them over loopback HTTP with the origin's own client (the JDK's HTTP client, whose first requests
 * are as slow as ours). The real origin is never asked, and nothing of the warm-up stays in the
 * node's caches or metrics; its log at INFO is two lines (its origin calls show at DEBUG, as any;
 * while it runs, the project's other loggers log errors only: the throw-away nodes' warnings, such
 * as a load cut short as they close or a ring that differs while the third one joins, are not the
 * node's). At its end the JVM collects its garbage once, so that the first collections of the node
 * that serves do not copy what the warm-up left.
 *
 * <p>It ends when the JIT compilers have gone quiet ({@link JitQuiet}, after at least
 * {@value #MIN_REQUESTS} requests: what is hot is compiled), or at its time limit
 * ({@code --warm-up}), whichever comes first; 0 turns it off. A warm-up that fails is logged and
 * the node starts anyway, cold.
 *
 * <p>Not exercised: TLS (the throw-away nodes and the loopback origin speak plain HTTP), bearer
 * tokens, and the clients of JDBC and directory origins.
 */
public final class Warmup {
  private static final Logger log = LoggerFactory.getLogger(Warmup.class);
  /**
   * Requests before the warm-up may be judged done ({@link JitQuiet}): C2 compiles a method once
   * it has run about 5,000 times (HotSpot's {@code Tier4InvocationThreshold}), and a warm-up
   * request takes the peer path at one throw-away node for about half of them. A node that starts
   * on a busy machine (a restart under load) makes few requests in its first seconds, while the
   * compilers are busy with what it loaded, and its compilers can go quiet before its request path
   * was run often enough to reach C2: without this floor it then served with that path in C1's
   * slower code and compiled it under load, for seconds after it was ready.
   */
  static final long MIN_REQUESTS = 10_000;
  /** Values of the synthetic origin: a size between the small and the large. */
  static final int VALUE_BYTES = 1024;
  /** Keys asked: a hot few and a long tail, so that there are hits, loads, fetches and evictions. */
  static final int HOT_KEYS = 200;
  static final int ALL_KEYS = 20_000;
  /** Budget per group and throw-away node (the tail does not fit: evictions run too). */
  static final long CACHE_BYTES = 4L << 20;
  static final int CLIENTS = 2;
  /**
   * A client's connection carries 1 to this many requests, then closes (half the time asked by the
   * client's last request, {@code Connection: close}, half the time by the client), and the client
   * connects again: a node that becomes ready takes a new connection from every client and every
   * load balancer at once, and its accept path and channel set-up must be compiled by then, not
   * interpreted while those first requests wait. Up to {@value #NEW_CONNECTIONS} connections in all,
   * then they stay open: a warm-up of a minute on a fast machine would otherwise leave tens of
   * thousands of sockets in TIME_WAIT.
   */
  static final int REQUESTS_PER_CONNECTION = 8;
  static final int NEW_CONNECTIONS = 8_000;

  /**
   * What a warm-up did.
   *
   * @param limit its time limit ({@code --warm-up}); zero: none ran
   * @param took how long it ran
   * @param requests client API requests answered; {@code failed} of them not as expected (the
   *     first of those: {@code firstFailure}, or null)
   * @param connections client API connections the requests opened
   * @param compileMillis the JVM's compile time while it ran
   * @param ringChanges times the third throw-away node joined the pair's ring and left it again
   * @param ended why it ended: {@code settled} (the compilers went quiet), {@code time limit},
   *     {@code off}, or {@code failed: ...}
   */
  public record Report(Duration limit, Duration took, long requests, long failed, String firstFailure,
      long connections, long compileMillis, long ringChanges, String ended) {
    static Report off() {
      return new Report(Duration.ZERO, Duration.ZERO, 0, 0, null, 0, 0, 0, "off");
    }

    /** One line for the log. */
    public String describe() {
      if (limit.isZero()) {
        return "off";
      }
      return String.format(Locale.ROOT, "%s after %.1f s: %,d requests (%d failed%s) on %,d connections, %d ring "
          + "changes, %.1f s of JIT compilation", ended, took.toMillis() / 1000.0, requests, failed,
          firstFailure == null ? "" : "; the first: " + firstFailure, connections, ringChanges, compileMillis / 1000.0);
    }
  }

  private final NodeConfig config;
  private final EventLoopGroup loops;
  private final List<Boolean> nonBlocking;
  private final ApiServer.KeyPolicy keyPolicy;
  private final LongSupplier compileMillis;

  private Warmup(NodeConfig config, EventLoopGroup loops, List<Boolean> nonBlocking, ApiServer.KeyPolicy keyPolicy,
      LongSupplier compileMillis) {
    this.config = config;
    this.loops = loops;
    this.nonBlocking = nonBlocking;
    this.keyPolicy = keyPolicy;
    this.compileMillis = compileMillis;
  }

  /**
   * Warms up for at most {@code limit} (zero: not at all).
   *
   * @param config the node's configuration: its groups, transport and API settings are mirrored
   * @param loops the node's event loops (the API's, shared with the transport), or null
   * @param nonBlocking for each group of {@code config}, whether its origin loads without blocking
   * @param keyPolicy the node's API key policy, which the warm-up's API uses too (the same object:
   *     the JIT then meets no new class when the node's API starts)
   */
  public static Report run(NodeConfig config, EventLoopGroup loops, List<Boolean> nonBlocking,
      ApiServer.KeyPolicy keyPolicy, Duration limit) {
    if (limit.isZero()) {
      return Report.off();
    }
    LongSupplier compile = JitQuiet.compileMillis();
    log.info("warming up the request path on loopback before serving (at most {})", Values.formatDuration(limit));
    long start = System.nanoTime();
    long compiledBefore = compile.getAsLong();
    Report r;
    try (Logging.Quiet quiet = Logging.errorsOnlyExcept(Warmup.class)) {
      r = new Warmup(config, loops, nonBlocking, keyPolicy, compile).drive(limit, start, compiledBefore);
    } catch (Exception | LinkageError e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      r = new Report(limit, Duration.ofNanos(System.nanoTime() - start), 0, 0, null, 0,
          Math.max(0, compile.getAsLong() - compiledBefore), 0, "failed: " + e);
      log.warn("warm-up failed ({}); the node starts cold", e.toString());
      return r;
    } finally {
      System.gc(); // what the throw-away nodes left, collected before the node serves
    }
    if (r.ended().equals("settled")) {
      log.info("warm-up done: {}", r.describe());
    } else {
      log.info("warm-up stopped: {}; the node starts with some of its request path still compiling", r.describe());
    }
    return r;
  }

  private Report drive(Duration limit, long start, long compiledBefore) throws IOException, InterruptedException,
      OriginConfigException {
    LongAdder requests = new LongAdder();
    LongAdder failed = new LongAdder();
    AtomicReference<String> firstFailure = new AtomicReference<>();
    AtomicLong connections = new AtomicLong();
    RingChanges ringChanges;
    String ended;
    // The threads close first: the third node leaves before the pair closes, and with it the clients' connections.
    try (Pair pair = Pair.start(this); WarmupThreads threads = new WarmupThreads()) {
      List<String> groups = config.groups().stream().map(NodeConfig.GroupConfig::name).toList();
      for (int i = 0; i < CLIENTS; i++) {
        threads.start(new Client(pair.api(), groups, new SplittableRandom(i), threads.running(), requests, failed,
            firstFailure, connections), "warm-up-client-" + i);
      }
      ringChanges = new RingChanges(pair.a(), pair.urlA(), pair.b(), pair.urlB(), new RingChanges.ThirdNode() {
        @Override
        public GroupCache build(String url) {
          return node(url, RingChanges.HANDOFF);
        }

        @Override
        public void addGroups(GroupCache node) {
          groups(node, sourceGroup(), pair.origins());
        }
      }, threads.running());
      threads.start(ringChanges, "warm-up-ring-changes");
      ended = JitQuiet.await(compileMillis, limit, start, requests::sum, MIN_REQUESTS);
    }
    long compiled = compileMillis.getAsLong();
    return new Report(limit, Duration.ofNanos(System.nanoTime() - start), requests.sum(), failed.sum(),
        firstFailure.get(), connections.get(), compiled < 0 ? 0 : compiled - compiledBefore, ringChanges.rounds(),
        ended);
  }

  /**
   * The two throw-away nodes: {@code a} serves the client API and owns half the keys, {@code b}
   * the rest. Each has a twin of each of the node's groups, and a group of synthetic values (the
   * source): a twin of a group whose origin is HTTP loads from the source through {@code a}'s
   * API with the same HTTP origin client, any other twin from a synthetic origin. The nodes share
   * the origins ({@code origins}: the source's, then one for each of the node's groups). Each has
   * the node's meters too ({@code metrics}), so the classes those bring in are loaded before the
   * warm-up compiles anything: loaded once the node serves, one of them (Micrometer's
   * {@code DoubleAdder}, a second subclass of {@code LongAdder}'s superclass) undid the compiled
   * code of every counter on the request path at once.
   */
  private record Pair(String urlA, String urlB, GroupCache a, GroupCache b, ApiServer apiServer,
      List<Origin> origins, List<NodeMetrics> metrics) implements AutoCloseable {
    static Pair start(Warmup w) throws IOException, OriginConfigException {
      List<Origin> origins = new ArrayList<>();
      List<NodeMetrics> metrics = new ArrayList<>();
      GroupCache a = null;
      GroupCache b = null;
      ApiServer api = null;
      try {
        String urlA = "http://127.0.0.1:" + RingChanges.freePort();
        String urlB = "http://127.0.0.1:" + RingChanges.freePort();
        a = w.node(urlA, Duration.ZERO);
        b = w.node(urlB, Duration.ZERO);
        a.setPeers(urlA, urlB);
        b.setPeers(urlA, urlB);
        api = ApiServer.builder(a, w.config.groups().get(0).name())
            .keyPolicy(w.keyPolicy)
            .notServing(StartingGate.open(urlA))
            .listen(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))
            .threads(Math.max(1, Math.min(2, w.config.apiThreads())))
            .eventLoops(w.loops)
            .unlogged()
            .build()
            .start();
        String source = w.sourceGroup();
        String sourceUrl = "http://127.0.0.1:" + api.boundAddresses().get(0).getPort() + "/api/" + source + "/{key}";
        w.origins(sourceUrl, origins);
        for (GroupCache gc : List.of(a, b)) {
          w.groups(gc, source, origins);
          metrics.add(new NodeMetrics(gc));
        }
        return new Pair(urlA, urlB, a, b, api, origins, metrics);
      } catch (IOException | OriginConfigException | RuntimeException e) {
        metrics.forEach(NodeMetrics::close);
        if (api != null) {
          api.close();
        }
        for (GroupCache gc : new GroupCache[] {a, b}) {
          if (gc != null) {
            gc.close();
          }
        }
        origins.stream().distinct().forEach(Origin::close); // one synthetic origin may serve several groups
        throw e;
      }
    }

    InetSocketAddress api() {
      return apiServer.boundAddresses().get(0);
    }

    @Override
    public void close() {
      apiServer.close();
      a.close();
      b.close();
      metrics.forEach(NodeMetrics::close);
      origins.stream().distinct().forEach(Origin::close); // one synthetic origin may serve several groups
    }
  }

  /** A throw-away node at {@code url}, its transport shaped as the node's, on the node's event loops. */
  private GroupCache node(String url, Duration handoffTime) {
    NodeSpec spec = config.node();
    HttpPeerTransport.Builder tb = HttpPeerTransport.builder()
        .basePath(spec.basePath())
        .connectTimeout(spec.peerConnectTimeout())
        .responseTimeout(config.transportPeerTimeout());
    if (spec.peerConnections() != null) {
      tb.maxConnectionsPerPeer(spec.peerConnections());
    }
    if (loops != null) {
      tb.eventLoopGroup(loops);
    } else {
      tb.eventLoopThreads(1);
    }
    // A machine busy starting several nodes at once must not make the nodes judge each other down.
    // The pair's entries are thrown away with them, not handed over (handoffTime zero); the third
    // node hands its entries to the pair as it leaves.
    GroupCache.Builder b = GroupCache.builder().self(url).ringMode(config.ring()).transport(tb.build())
        .peerProbeTimeout(Duration.ofSeconds(5)).handoffTime(handoffTime);
    if (config.ring().hasReplicas()) {
      b.replicas(config.replicas());
    }
    return b.build();
  }

  /** A name for the source group that is none of the node's groups. */
  private String sourceGroup() {
    String name = "warm-up-source";
    while (true) {
      String n = name;
      if (config.groups().stream().noneMatch(g -> g.name().equals(n))) {
        return name;
      }
      name += "_";
    }
  }

  /**
   * The origins of the throw-away nodes, into {@code origins}: a synthetic one for the source group,
   * then for each of the node's groups the HTTP origin client of {@code sourceUrl} if its origin is
   * HTTP, else the synthetic one.
   */
  private void origins(String sourceUrl, List<Origin> origins) throws OriginConfigException {
    NodeConfig.GroupConfig first = config.groups().get(0);
    Origin synthetic = Origins.create("synthetic:" + VALUE_BYTES, first.origin());
    origins.add(synthetic);
    for (NodeConfig.GroupConfig g : config.groups()) {
      origins.add(http(g) ? Origins.create(sourceUrl, g.origin()) : synthetic);
    }
  }

  private static boolean http(NodeConfig.GroupConfig g) {
    return g.originSpec().startsWith("http://") || g.originSpec().startsWith("https://");
  }

  /** The source group and a twin of each of the node's groups, in {@code gc}, on {@code origins} (see {@link #origins}). */
  private void groups(GroupCache gc, String source, List<Origin> origins) {
    new OriginLoader(source, origins.get(0)).loading(gc.groupBuilder(source).cacheBytes(CACHE_BYTES), true).build();
    for (int i = 0; i < config.groups().size(); i++) {
      NodeConfig.GroupConfig g = config.groups().get(i);
      Origin origin = origins.get(i + 1);
      Group.Builder gb = g.spec().applyTo(gc.groupBuilder(g.name()));
      gb.cacheBytes(Math.min(g.cacheBytes(), CACHE_BYTES));
      new OriginLoader(g.name(), origin).loading(gb, http(g) ? origin.nonBlocking() : nonBlocking.get(i)).build();
    }
  }

  /**
   * One client: mostly reads of the default group's keys (a hot few, a long tail), some by path in
   * every group, and a few writes, on short-lived connections (see {@link #REQUESTS_PER_CONNECTION});
   * reconnects after any failure.
   */
  private static final class Client implements Runnable {
    private final InetSocketAddress api;
    private final List<String> groups;
    private final SplittableRandom random;
    private final AtomicBoolean running;
    private final LongAdder requests;
    private final LongAdder failed;
    private final AtomicReference<String> firstFailure;
    private final AtomicLong connections;
    private final byte[] body = new byte[VALUE_BYTES];

    Client(InetSocketAddress api, List<String> groups, SplittableRandom random, AtomicBoolean running,
        LongAdder requests, LongAdder failed, AtomicReference<String> firstFailure, AtomicLong connections) {
      this.api = api;
      this.groups = groups;
      this.random = random;
      this.running = running;
      this.requests = requests;
      this.failed = failed;
      this.firstFailure = firstFailure;
      this.connections = connections;
      java.util.Arrays.fill(body, (byte) 'w');
    }

    @Override
    public void run() {
      String request = "connecting";
      while (running.get()) {
        try (Socket s = new Socket()) {
          s.setTcpNoDelay(true);
          s.connect(api, 1_000);
          s.setSoTimeout(10_000);
          InputStream in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
          OutputStream out = s.getOutputStream();
          // The connection closes after its last request, asked by it (Connection: close) or by the client.
          long last = connections.incrementAndGet() <= NEW_CONNECTIONS
              ? 1 + random.nextInt(REQUESTS_PER_CONNECTION) : Long.MAX_VALUE;
          boolean askToClose = random.nextBoolean();
          for (long n = 1; running.get() && n <= last; n++) {
            request = request();
            String answer = exchange(request, askToClose && n == last, in, out);
            if (!running.get()) {
              return; // answered while the warm-up ended (a 503 from the closing API, say): not counted
            }
            requests.increment();
            if (!answer.startsWith("200") && !answer.startsWith("204")) {
              fail(request + ": " + answer);
            }
          }
        } catch (IOException e) {
          if (running.get()) {
            fail(request + ": " + e);
          }
        }
      }
    }

    private void fail(String what) {
      failed.increment();
      firstFailure.compareAndSet(null, what);
    }

    /** The next request's method and target. */
    private String request() {
      int kind = random.nextInt(100);
      int k = random.nextInt(10) < 8 ? random.nextInt(HOT_KEYS) : random.nextInt(ALL_KEYS);
      String key = "warm-up-" + k;
      String group = groups.get(random.nextInt(groups.size()));
      if (kind < 85) {
        return "GET /api?key=" + key;
      } else if (kind < 95) {
        return "GET /api/" + group + "/" + key;
      } else if (kind < 98) {
        return "PUT /api/" + group + "/" + key;
      }
      return "DELETE /api?key=" + key;
    }

    /**
     * Sends {@code request} (a PUT with a value; {@code close}: asking the node to close the
     * connection after it) and returns the answer's status and the start of its body.
     */
    private String exchange(String request, boolean close, InputStream in, OutputStream out) throws IOException {
      boolean put = request.startsWith("PUT ");
      StringBuilder req = new StringBuilder(request).append(" HTTP/1.1\r\nHost: warm-up\r\n");
      if (close) {
        req.append("Connection: close\r\n");
      }
      if (put) {
        req.append("Content-Length: ").append(body.length).append("\r\n");
      }
      out.write(req.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
      if (put) {
        out.write(body);
      }
      out.flush();
      return readAnswer(in);
    }

    /** Reads one answer (with a Content-Length, as the API always sends): its status and the start of its body. */
    private static String readAnswer(InputStream in) throws IOException {
      String status = line(in);
      if (status.length() < 12 || !status.startsWith("HTTP/1.1 ")) {
        throw new IOException("not an HTTP answer: " + status);
      }
      long length = -1;
      for (String h = line(in); !h.isEmpty(); h = line(in)) {
        if (h.regionMatches(true, 0, "content-length:", 0, 15)) {
          length = Long.parseLong(h.substring(15).trim());
        }
      }
      if (length < 0) {
        throw new IOException("an answer without Content-Length");
      }
      byte[] start = in.readNBytes((int) Math.min(length, 200));
      in.skipNBytes(length - start.length);
      return status.substring(9, 12) + " " + new String(start, StandardCharsets.UTF_8).strip();
    }

    private static String line(InputStream in) throws IOException {
      StringBuilder sb = new StringBuilder(64);
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new EOFException("the connection closed");
        }
        if (c != '\r') {
          sb.append((char) c);
        }
      }
      return sb.toString();
    }
  }
}
