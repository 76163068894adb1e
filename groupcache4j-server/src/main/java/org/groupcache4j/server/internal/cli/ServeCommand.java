package org.groupcache4j.server.internal.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.groupcache4j.EvictionPolicy;
import org.groupcache4j.server.internal.HeapBudget;
import org.groupcache4j.server.internal.Logging;
import org.groupcache4j.server.internal.Node;
import org.groupcache4j.server.internal.NodeConfig;
import org.groupcache4j.server.internal.PeerSource;
import org.groupcache4j.server.internal.Signals;
import org.groupcache4j.server.internal.origin.OriginConfigException;
import org.groupcache4j.server.internal.origin.Origins;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code groupcache4j serve}: one node, until SIGTERM or SIGINT (then a graceful stop, exit code 0). */
@Command(name = "serve", sortOptions = false, mixinStandardHelpOptions = true,
    description = {"Starts one cache node.",
        "",
        "A node has a peer port for the other nodes and, with --api, a client API.",
        "Example (3 nodes, run each with its own --self and the same --peers):",
        "  groupcache4j serve --self http://10.0.0.1:8001 \\",
        "      --peers http://10.0.0.1:8001,http://10.0.0.2:8001,http://10.0.0.3:8001 \\",
        "      --api 0.0.0.0:9000 --origin 'http://backend:8080/scores/{key}'",
        ""},
    footer = {"", "Origins (--origin):",
        "  demo                      embedded H2 database: Tom 630, Jack 589, Sam 567 and 5000 players",
        "  http://…{key}…            GET the URL, {key} = the percent-encoded key; 404 = not found",
        "  https://…{key}…           (the same over TLS)",
        "  dir:PATH                  the file PATH/KEY; .., absolute paths and symlinks out are refused",
        "  jdbc:URL --query SQL      first column of the first row of SQL with ? = the key; no row = not",
        "                            found (H2 and PostgreSQL drivers included; the password comes from",
        "                            $GROUPCACHE4J_JDBC_PASSWORD)",
        "  synthetic:SIZE[,delay=D]  \"value-of-KEY\" padded with '.' to SIZE bytes, after D (load tests)",
        "",
        "Client API (--api): GET /api?key=K, GET /api/{group}/{key}, GET /stats, GET /healthz.",
        "Sizes: plain bytes or KiB/MiB/GiB (64MiB). Durations: 200ms, 5s, 1.5s, 2m."})
public final class ServeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

  @Spec
  CommandSpec spec;

  @Option(names = "--self", paramLabel = "URL", defaultValue = "http://127.0.0.1:8001",
      description = "This node's peer URL, exactly as it appears in --peers; the peer port listens on its host and port. Default: ${DEFAULT-VALUE}.")
  String self;

  @Option(names = "--peers", paramLabel = "URL,URL,...",
      description = "Every node's peer URL, this one included, the same list in the same order on every node. Default: --self alone.")
  String peers;

  @Option(names = "--peers-file", paramLabel = "PATH",
      description = "Instead of --peers: a file with one peer URL a line (# starts a comment), the same on every node. The node follows changes to it (written in place or replaced) within a second, without a restart.")
  String peersFile;

  @Option(names = "--peers-dns", paramLabel = "URL",
      description = "Instead of --peers: http://NAME:PORT, e.g. http://groupcache.default.svc.cluster.local:8001 (a Kubernetes headless Service). Every A/AAAA record of NAME is a peer http://IP:PORT; --self must be one of them.")
  String peersDns;

  @Option(names = "--peers-dns-interval", paramLabel = "DURATION", defaultValue = "5s",
      description = "How often --peers-dns is looked up again. Default: ${DEFAULT-VALUE}.")
  String peersDnsInterval;

  @Option(names = "--peers-dns-server", paramLabel = "HOST:PORT",
      description = "The name server --peers-dns asks. Default: those of /etc/resolv.conf (asked directly: no JVM address cache delays a change).")
  String peersDnsServer;

  @Option(names = "--check",
      description = "Check every flag, print the node's configuration and exit: 0 if it would start, 2 if a flag is wrong. Binds, reads and resolves nothing.")
  boolean check;

  @Option(names = "--api", paramLabel = "HOST:PORT[,...]",
      description = "Where the client API listens (e.g. 127.0.0.1:9999, :9999 for every interface). Default: none.")
  String api;

  @Option(names = "--group", paramLabel = "NAME", defaultValue = "scores",
      description = "The group (namespace of keys) this node serves; /api?key=K asks it. Default: ${DEFAULT-VALUE}.")
  String group;

  @Option(names = "--cache-bytes", paramLabel = "SIZE", defaultValue = "64MiB",
      description = "Cache budget (keys + values) of the group: 64MiB, 1GiB, 512KiB or plain bytes; 0 disables caching. Default: ${DEFAULT-VALUE}.")
  String cacheBytes;

  @Option(names = "--origin", paramLabel = "SPEC", defaultValue = "demo",
      description = "Where values come from on a miss: demo, http://…{key}…, https://…{key}…, dir:PATH, jdbc:URL, synthetic:SIZE[,delay=DURATION] (see below). Default: ${DEFAULT-VALUE}.")
  String origin;

  @Option(names = "--query", paramLabel = "SQL",
      description = "For a jdbc: origin: the query, with one ? for the key, e.g. 'SELECT v FROM t WHERE k = ?'. Default: none.")
  String query;

  @Option(names = "--jdbc-user", paramLabel = "USER",
      description = "For a jdbc: origin: the user (the password comes from $GROUPCACHE4J_JDBC_PASSWORD). Default: none (from the URL).")
  String jdbcUser;

  @Option(names = "--jdbc-pool", paramLabel = "N", defaultValue = "8",
      description = "For a jdbc: origin: connections (= queries at once). Default: ${DEFAULT-VALUE}.")
  int jdbcPool;

  @Option(names = "--origin-timeout", paramLabel = "DURATION", defaultValue = "5s",
      description = "How long one origin call may take; past it the load fails with 504. Default: ${DEFAULT-VALUE}.")
  String originTimeout;

  @Option(names = "--max-value-bytes", paramLabel = "SIZE", defaultValue = "16MiB",
      description = "Largest value an origin may return. Default: ${DEFAULT-VALUE}.")
  String maxValueBytes;

  @Option(names = "--base-path", paramLabel = "PATH", defaultValue = "/_groupcache/",
      description = "Path prefix of the peer protocol, the same on every node. Default: ${DEFAULT-VALUE}.")
  String basePath;

  @Option(names = "--replicas", paramLabel = "N", defaultValue = "50",
      description = "Hash-ring points per peer, the same on every node. Default: ${DEFAULT-VALUE} (as golang/groupcache).")
  int replicas;

  @Option(names = "--eviction", paramLabel = "POLICY", defaultValue = "w-tiny-lfu",
      description = "Eviction policy of the cache: w-tiny-lfu or lru. Default: ${DEFAULT-VALUE}.")
  String eviction;

  @Option(names = "--hot-store", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Keep popular keys owned by other nodes here too (--no-hot-store: never). Default: ${DEFAULT-VALUE}.")
  boolean hotStore;

  @Option(names = "--ttl", paramLabel = "DURATION",
      description = "How long a value loaded from the origin stays fresh (default: until evicted or removed). "
          + "An HTTP origin's own headers win over it: Cache-Control no-store, no-cache or private (not cached), "
          + "then s-maxage, then max-age, then Expires; --ttl applies to answers without them.")
  String ttl;

  @Option(names = "--stale-if-error", paramLabel = "DURATION",
      description = "Serve an expired value for up to this long after it expired while its reload fails "
          + "(origin error or timeout; RFC 5861), counted as staleHits. Default: off.")
  String staleIfError;

  @Option(names = "--not-found-ttl", paramLabel = "DURATION",
      description = "Remember that the origin has no such key for this long (counted as notFoundHits, dropped by "
          + "DELETE, shared with peers). Default: off, so a key created at the origin is seen at once.")
  String notFoundTtl;

  @Option(names = "--load-timeout", paramLabel = "DURATION", defaultValue = "10s",
      description = "Deadline of a load on this node (origin call included). Default: ${DEFAULT-VALUE}.")
  String loadTimeout;

  @Option(names = "--peer-timeout", paramLabel = "DURATION",
      description = "Deadline of a fetch from the key's owner; past it this node loads the key itself. Default: --load-timeout + 1s.")
  String peerTimeout;

  @Option(names = "--peer-connect-timeout", paramLabel = "DURATION", defaultValue = "1s",
      description = "Deadline of a connection to a peer. Default: ${DEFAULT-VALUE}.")
  String peerConnectTimeout;

  @Option(names = "--peer-listen", paramLabel = "HOST:PORT",
      description = "Where the peer port listens, if not on the host and port of --self (e.g. 0.0.0.0:8001). Default: from --self.")
  String peerListen;

  @Option(names = "--peer-connections", paramLabel = "N",
      description = "Connections to each peer. Default: the transport's.")
  Integer peerConnections;

  @Option(names = "--peer-threads", paramLabel = "N",
      description = "Event-loop threads of a peer transport of its own. Default: none of its own; it shares the client API's (--api-threads), so that a request runs on one thread from client to peer and back.")
  Integer peerThreads;

  @Option(names = "--api-threads", paramLabel = "N",
      description = "Event-loop threads of the node: the client API's, shared with the peer transport unless --peer-threads is given. Default: one per core.")
  Integer apiThreads;

  @Option(names = "--api-max-connections", paramLabel = "N", defaultValue = "10000",
      description = "Open client connections at most; more are closed at once. Default: ${DEFAULT-VALUE}.")
  int apiMaxConnections;

  @Option(names = "--api-idle-timeout", paramLabel = "DURATION", defaultValue = "2m",
      description = "Idle client connections are closed after this. Default: ${DEFAULT-VALUE}.")
  String apiIdleTimeout;

  @Option(names = "--shutdown-grace", paramLabel = "DURATION", defaultValue = "10s",
      description = "On SIGTERM/SIGINT: how long requests in flight may still take. Default: ${DEFAULT-VALUE}.")
  String shutdownGrace;

  @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "INFO",
      description = "ERROR, WARN, INFO, DEBUG (every origin call) or TRACE. Default: ${DEFAULT-VALUE}.")
  String logLevel;

  @Option(names = {"-v", "--verbose"}, description = "Same as --log-level DEBUG.")
  boolean verbose;

  @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
      description = "text (one line per event: ISO-8601 time with zone, level, logger, thread, message) or json (one JSON object per line, for log shippers). Default: ${DEFAULT-VALUE}.")
  String logFormat;

  @Option(names = "--parent-pid", hidden = true, paramLabel = "PID",
      description = "Stop when this process ends (used by `demo` for its nodes).")
  Long parentPid;

  @Option(names = "--instance", hidden = true, paramLabel = "ID",
      description = "An id of this node process shown in /stats (used by `demo` to know its own nodes). Default: random.")
  String instance;

  @Override
  public Integer call() throws Exception {
    NodeConfig config = config();
    if (check) {
      printCheck(config, spec.commandLine().getOut());
      return 0;
    }
    PrintWriter err = spec.commandLine().getErr();
    String heap = HeapBudget.refuse(config.cacheBytes(), Runtime.getRuntime().maxMemory());
    if (heap != null) {
      err.println("groupcache4j serve: --cache-bytes " + cacheBytes + ": " + heap);
      return Cli.USAGE;
    }
    Node node;
    try {
      node = Node.start(config);
    } catch (OriginConfigException e) {
      err.println("groupcache4j serve: --origin " + Origins.redact(origin) + ": " + e.getMessage());
      if (e.isUsageError()) {
        err.println("Run 'groupcache4j serve --help' for every flag.");
        return Cli.USAGE;
      }
      return 1;
    } catch (IOException e) {
      err.println("groupcache4j serve: " + e.getMessage());
      return 1;
    }
    err.flush();
    CountDownLatch stop = new CountDownLatch(1);
    Signals.onTermination(stop::countDown);
    if (parentPid != null) {
      watchParent(parentPid, stop);
    }
    stop.await();
    node.shutdown(config.shutdownGrace());
    log.info("node {} stopped", config.self());
    return 0;
  }

  /**
   * Counts {@code stop} down when process {@code pid} ends, even by SIGKILL. Polled: for a process
   * that is not our child, {@code ProcessHandle.onExit} may notice only seconds later.
   */
  private static void watchParent(long pid, CountDownLatch stop) {
    ProcessHandle parent = ProcessHandle.of(pid).orElse(null);
    Thread t = new Thread(() -> {
      try {
        while (parent != null && parent.isAlive() && stop.getCount() > 0) {
          Thread.sleep(200);
        }
      } catch (InterruptedException e) {
        return;
      }
      if (stop.getCount() > 0) {
        log.info("parent process {} ended: shutting down", pid);
        stop.countDown();
      }
    }, "parent-watch");
    t.setDaemon(true);
    t.start();
  }

  /**
   * The configuration {@code groupcache4j serve args...} would start (for tests and embedding).
   *
   * @throws CommandLine.ParameterException if a flag is wrong
   */
  public static NodeConfig configOf(String... args) {
    CommandLine cl = new CommandLine(new ServeCommand());
    cl.parseArgs(args);
    return ((ServeCommand) cl.getCommand()).config();
  }

  /** Checks every flag and builds the node's configuration; a bad one is a usage error naming it. */
  NodeConfig config() {
    String level = parse("--log-level", verbose ? "DEBUG" : logLevel, l -> {
      Logging.setLevel(l);
      return l;
    });
    parse("--log-format", logFormat, f -> {
      Logging.configure(level, f, false);
      return f;
    });
    String selfUrl = parse("--self", self, Values::peerUrl);
    List<String> peerList = peers == null ? List.of(selfUrl) : parse("--peers", peers, Values::peerUrls);
    if (!peerList.contains(selfUrl)) {
      throw bad("--peers", peers, "it does not list --self " + selfUrl
          + "; list every node, this one included, exactly as each names itself");
    }
    PeerSource peerSource = peerSource();
    List<java.net.InetSocketAddress> apiAddrs = api == null ? List.of() : parse("--api", api, Values::hostPorts);
    if (group.isEmpty() || group.indexOf('/') >= 0 || !group.chars().allMatch(c -> c > 0x20 && c != 0x7f)) {
      throw bad("--group", group, "use a name without '/', spaces or control characters, e.g. scores");
    }
    long cache = parse("--cache-bytes", cacheBytes, Values::size);
    long maxValue = parse("--max-value-bytes", maxValueBytes, Values::size);
    if (maxValue < 1 || maxValue > Integer.MAX_VALUE - 8) {
      throw bad("--max-value-bytes", maxValueBytes, "use 1 byte .. 2GiB, e.g. 16MiB");
    }
    if (!basePath.startsWith("/") || !basePath.endsWith("/")) {
      throw bad("--base-path", basePath, "use a path that starts and ends with '/', e.g. /_groupcache/");
    }
    if (replicas < 1) {
      throw bad("--replicas", Integer.toString(replicas), "use 1 or more (50 is golang/groupcache's default)");
    }
    EvictionPolicy policy = switch (eviction.toLowerCase(Locale.ROOT)) {
      case "w-tiny-lfu", "w_tiny_lfu", "tinylfu", "wtinylfu" -> EvictionPolicy.W_TINY_LFU;
      case "lru" -> EvictionPolicy.LRU;
      default -> throw bad("--eviction", eviction, "use w-tiny-lfu or lru");
    };
    Duration originTo = parse("--origin-timeout", originTimeout, Values::positiveDuration);
    Duration loadTo = parse("--load-timeout", loadTimeout, Values::positiveDuration);
    Duration peerTo = peerTimeout == null ? null : parse("--peer-timeout", peerTimeout, Values::positiveDuration);
    Duration connectTo = parse("--peer-connect-timeout", peerConnectTimeout, Values::positiveDuration);
    InetSocketAddress listen = peerListen == null ? null : parse("--peer-listen", peerListen, Values::hostPort);
    positive("--jdbc-pool", jdbcPool);
    positive("--api-max-connections", apiMaxConnections);
    if (peerConnections != null) {
      positive("--peer-connections", peerConnections);
    }
    if (peerThreads != null) {
      positive("--peer-threads", peerThreads);
    }
    int apiT = apiThreads == null ? Runtime.getRuntime().availableProcessors() : apiThreads;
    positive("--api-threads", apiT);
    Duration idle = parse("--api-idle-timeout", apiIdleTimeout, Values::positiveDuration);
    Duration grace = parse("--shutdown-grace", shutdownGrace, Values::duration);
    if (!origin.startsWith("jdbc:") && query != null) {
      throw bad("--query", query, "it only applies to a jdbc: origin, and --origin is " + origin);
    }
    if (origin.startsWith("jdbc:") && (query == null || query.isBlank())) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--origin " + origin
          + " needs --query with one ? for the key, e.g. --query 'SELECT score FROM scores WHERE name = ?'");
    }
    Origins.Settings os = new Origins.Settings(query, jdbcUser, System.getenv("GROUPCACHE4J_JDBC_PASSWORD"),
        jdbcPool, originTo, maxValue);
    return new NodeConfig(selfUrl, peerList, listen, basePath, replicas, apiAddrs, group, cache, policy, hotStore,
        loadTo, peerTo, connectTo, peerConnections, peerThreads, origin, os, apiT, apiMaxConnections, idle, grace,
        instance, peerSource, new NodeConfig.Freshness(
            ttl == null ? null : parse("--ttl", ttl, Values::positiveDuration),
            staleIfError == null ? null : parse("--stale-if-error", staleIfError, Values::positiveDuration),
            notFoundTtl == null ? null : parse("--not-found-ttl", notFoundTtl, Values::positiveDuration)));
  }

  /** {@code --peers-file} or {@code --peers-dns} (at most one, and not with {@code --peers}), or null. */
  private PeerSource peerSource() {
    if (peersFile != null && peersDns != null) {
      throw bad("--peers-file", peersFile, "give --peers-file or --peers-dns, not both");
    }
    String given = peersFile != null ? "--peers-file" : peersDns != null ? "--peers-dns" : null;
    if (given != null && peers != null) {
      throw bad(given, peersFile != null ? peersFile : peersDns, "give " + given + " or --peers, not both");
    }
    if (peersDns == null && peersDnsServer != null) {
      throw bad("--peers-dns-server", peersDnsServer, "it only applies with --peers-dns");
    }
    if (peersFile != null) {
      if (peersFile.isBlank()) {
        throw bad("--peers-file", peersFile, "name a file with one peer URL a line");
      }
      return PeerSource.file(java.nio.file.Path.of(peersFile));
    }
    if (peersDns == null) {
      return null;
    }
    Duration interval = parse("--peers-dns-interval", peersDnsInterval, Values::positiveDuration);
    InetSocketAddress server = peersDnsServer == null ? null : parse("--peers-dns-server", peersDnsServer, Values::hostPort);
    PeerSource source = PeerSource.dns(peersDns, server == null ? null
        : new InetSocketAddress(server.getHostString(), server.getPort()), interval);
    parse("--peers-dns", peersDns, u -> source.discovery()); // the URL's form; nothing is resolved
    return source;
  }

  private static void printCheck(NodeConfig c, PrintWriter out) {
    out.println("groupcache4j serve: the flags are valid; this node would start as:");
    out.println("  self      " + c.self());
    out.println("  peers     " + (c.peerSource() == null ? String.join(",", c.peers())
        : c.peerSource().discovery().describe() + ", looked up every " + Values.formatDuration(c.peerSource().interval())));
    out.println("  api       " + (c.api().isEmpty() ? "(none)" : c.api().stream().map(Values::format).toList()));
    out.println("  group     " + c.group() + ", " + Values.formatSize(c.cacheBytes()) + ", " + c.eviction());
    out.println("  origin    " + Origins.redact(c.originSpec()));
  }

  private void positive(String flag, int value) {
    if (value < 1) {
      throw bad(flag, Integer.toString(value), "use 1 or more");
    }
  }

  private <T> T parse(String flag, String value, java.util.function.Function<String, T> parser) {
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "Invalid value for option '" + flag + "': " + e.getMessage());
    }
  }

  private CommandLine.ParameterException bad(String flag, String value, String why) {
    return new CommandLine.ParameterException(spec.commandLine(),
        "Invalid value for option '" + flag + "': '" + value + "': " + why);
  }
}
