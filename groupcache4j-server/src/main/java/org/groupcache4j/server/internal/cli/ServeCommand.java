package org.groupcache4j.server.internal.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.groupcache4j.EvictionPolicy;
import org.groupcache4j.http.PeerTls;
import org.groupcache4j.http.internal.auth.BearerTokens;
import org.groupcache4j.http.internal.tls.TlsContexts;
import org.groupcache4j.http.internal.tls.TlsFileException;
import org.groupcache4j.node.internal.Values;
import org.groupcache4j.node.settings.PeerSource;
import org.groupcache4j.server.internal.HeapBudget;
import org.groupcache4j.server.internal.Logging;
import org.groupcache4j.server.internal.Node;
import org.groupcache4j.server.internal.NodeConfig;
import org.groupcache4j.server.internal.NodeSecurity;
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
        "Client API (--api): GET /api?key=K, GET /api/{group}/{key}, GET /stats, GET /healthz, GET /livez.",
        "Sizes: plain bytes or KiB/MiB/GiB (64MiB). Durations: 200ms, 5s, 1.5s, 2m."})
public final class ServeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

  @Spec
  CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE",
      description = "A YAML file with the node, its peers and any number of groups (see config.example.yaml); flags given as well win over it. Default: none.")
  Path configFile;

  @Option(names = "--self", paramLabel = "URL", defaultValue = "http://127.0.0.1:8001",
      description = "This node's peer URL, exactly as it appears in --peers; the peer port listens on its host and port. Default: ${DEFAULT-VALUE}.")
  String self;

  @Option(names = "--peers", paramLabel = "URL,URL,...",
      description = "Every node's peer URL, this one included. Every node needs the same set of URLs, each spelled the same (127.0.0.1 and localhost differ), and the same --replicas; the order does not matter. Default: --self alone.")
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
      description = "Check every flag, print the node's configuration and exit: 0 if it would start, 2 if a flag is wrong. Binds and resolves nothing; reads only the config, TLS and token files, to check them.")
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

  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "This node's certificate (PEM, leaf first, then any intermediates). With an https:// --self the peer port serves TLS with it; --api-tls serves the client API with it; --peer-mtls presents it to peers. Read again when it changes. Default: none.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE",
      description = "The private key of --tls-cert (PEM, unencrypted; RSA or EC; PKCS#8, PKCS#1 or SEC1). Default: none.")
  Path tlsKey;

  @Option(names = "--tls-ca", paramLabel = "FILE",
      description = "CA certificates (PEM) that https:// peers' certificates must chain to (and, with --peer-mtls, the peers' client certificates). Default: the JDK's trust store.")
  Path tlsCa;

  @Option(names = "--peer-mtls", negatable = true,
      description = "Mutual TLS between peers: the peer port requires a client certificate from --tls-ca, and this node presents --tls-cert when it fetches (--no-peer-mtls: off, over a config file's peer-mtls: true).")
  boolean peerMtls;

  @Option(names = "--api-tls", negatable = true,
      description = "Serve the client API over HTTPS, with --tls-cert (--no-api-tls: plain HTTP, over a config file's api-tls: true).")
  boolean apiTls;

  @Option(names = "--api-token-file", paramLabel = "FILE",
      description = "Require 'Authorization: Bearer TOKEN' (TOKEN = any line of FILE: one token per line, e.g. one per client) on the client API, /healthz, /livez and / (the dashboard page, which asks for the token for its data) excepted; 401 otherwise. Read again when it changes. Default: none.")
  Path apiTokenFile;

  @Option(names = "--api-write-token-file", paramLabel = "FILE",
      description = "A separate token for writes (PUT, DELETE, POST) on the client API; the --api-token-file token then only reads (403 on writes). Default: writes need the --api-token-file token.")
  Path apiWriteTokenFile;

  @Option(names = "--peer-token-file", paramLabel = "FILE",
      description = "Require 'Authorization: Bearer TOKEN' on the peer port and send it to peers (for peers behind a TLS-terminating proxy); every node needs the same token. Read again when it changes. FILE may hold several tokens, one per line: all are accepted and the first is sent, so a token is rotated with no fetch refused by adding the new one as a second line on every node, then swapping the two lines, then removing the old one (see README). golang/groupcache nodes send no token. Default: none.")
  Path peerTokenFile;

  @Option(names = "--shutdown-grace", paramLabel = "DURATION", defaultValue = "10s",
      description = "On SIGTERM/SIGINT: how long requests in flight may still take. Default: ${DEFAULT-VALUE}.")
  String shutdownGrace;

  @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "INFO",
      description = "ERROR, WARN, INFO, DEBUG (every origin call) or TRACE. Default: ${DEFAULT-VALUE}.")
  String logLevel;

  @Option(names = {"-v", "--verbose"}, description = "Same as --log-level DEBUG.")
  boolean verbose;

  @Option(names = "--access-log", description = "Log every client API answer (remote address, method, path, status, bytes, time) at INFO, logger org.groupcache4j.access. Default: off.")
  boolean accessLog;

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
    String heap = HeapBudget.refuse(config.totalCacheBytes(), Runtime.getRuntime().maxMemory());
    if (heap != null) {
      err.println("groupcache4j serve: " + (config.groups().size() == 1 ? "cache-bytes "
          + Values.formatSize(config.totalCacheBytes()) : "the groups' cache-bytes, together") + ": " + heap);
      return Cli.USAGE;
    }
    Node node;
    try {
      node = Node.start(config);
    } catch (OriginConfigException e) {
      String failed = config.groups().stream().filter(g -> g.name().equals(e.group())).findFirst()
          .map(NodeConfig.GroupConfig::originSpec).orElse(origin);
      err.println("groupcache4j serve: " + (config.groups().size() == 1 ? "" : "group '" + e.group() + "': ")
          + "--origin " + Origins.redact(failed) + ": " + e.getMessage());
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

  /**
   * Checks every flag and the {@code --config} file and builds the node's configuration; a bad
   * value is a usage error naming the flag, or the file, line and path of keys. A flag given on
   * the command line wins over the file, and the file over the flag's default.
   */
  NodeConfig config() {
    ConfigFile file = null;
    if (configFile != null) {
      try {
        file = ConfigFile.read(configFile);
      } catch (ConfigFile.Invalid e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--config " + e.getMessage());
      }
    }
    Settings node = new Settings(file, file == null ? Map.of() : file.node, true);
    String level = verbose ? "DEBUG" : node.parse("log-level", l -> {
      Logging.setLevel(l);
      return l;
    });
    node.parse("log-format", f -> {
      Logging.configure(level, f, accessLog);
      return f;
    });
    String selfUrl = node.parse("self", Values::peerUrl);
    Settings peerSettings = new Settings(file, file == null ? Map.of() : file.peers, true);
    String peerText = peerSettings.text("peers", "list");
    List<String> peerList = peerText == null ? List.of(selfUrl) : peerSettings.parse("peers", "list", Values::peerUrls);
    if (!peerList.contains(selfUrl)) {
      throw peerSettings.bad("peers", "list", "it does not list --self " + selfUrl
          + "; list every node, this one included, exactly as each names itself");
    }
    PeerSource peerSource = peerSource(peerSettings);
    List<InetSocketAddress> apiAddrs = node.text("api") == null ? List.of() : node.parse("api", Values::hostPorts);
    String base = node.parse("base-path", b -> {
      if (!b.startsWith("/") || !b.endsWith("/")) {
        throw new IllegalArgumentException("use a path that starts and ends with '/', e.g. /_groupcache/");
      }
      return b;
    });
    int ring = node.parse("replicas", t -> Values.atLeastOne(t, "(50 is golang/groupcache's default)"));
    Duration connectTo = node.parse("peer-connect-timeout", Values::positiveDuration);
    InetSocketAddress listen = node.text("peer-listen") == null ? null : node.parse("peer-listen", Values::hostPort);
    Integer peerConns = node.text("peer-connections") == null ? null
        : node.parse("peer-connections", t -> Values.atLeastOne(t, ""));
    Integer peerT = node.text("peer-threads") == null ? null : node.parse("peer-threads", t -> Values.atLeastOne(t, ""));
    int apiT = node.text("api-threads") == null ? Runtime.getRuntime().availableProcessors()
        : node.parse("api-threads", t -> Values.atLeastOne(t, ""));
    int maxConns = node.parse("api-max-connections", t -> Values.atLeastOne(t, ""));
    Duration idle = node.parse("api-idle-timeout", Values::positiveDuration);
    Duration grace = node.parse("shutdown-grace", Values::duration);

    List<NodeConfig.GroupConfig> groups = new ArrayList<>();
    String flagGroup = flagGroup(file);
    if (file != null) {
      for (Map.Entry<String, Map<String, ConfigFile.Entry>> g : file.groups.entrySet()) {
        groups.add(group(g.getKey(), new Settings(file, g.getValue(), g.getKey().equals(flagGroup))));
      }
    }
    if (file == null || flagGroup != null && !file.groups.containsKey(flagGroup)) {
      if (group.isEmpty() || group.indexOf('/') >= 0 || !group.chars().allMatch(c -> c > 0x20 && c != 0x7f)) {
        throw bad("--group", group, "use a name without '/', spaces or control characters, e.g. scores");
      }
      groups.add(group(flagGroup, new Settings(null, Map.of(), true)));
    }
    return new NodeConfig(selfUrl, peerList, listen, base, ring, apiAddrs, connectTo, peerConns, peerT, apiT, maxConns,
        idle, grace, groups, instance, peerSource, security(node, selfUrl, peerList, !apiAddrs.isEmpty()));
  }

  /**
   * Checks the TLS and token settings (flags or the config file) together and reads their files; a
   * bad one is a usage error naming the flag, or the file, line and key.
   */
  private NodeSecurity security(Settings node, String selfUrl, List<String> peerList, boolean hasApi) {
    Path cert = node.path("tls-cert", "name the certificate file (PEM)");
    Path key = node.path("tls-key", "name the private key file (PEM)");
    Path ca = node.path("tls-ca", "name the CA certificates file (PEM)");
    boolean mtls = node.on("peer-mtls");
    boolean tlsApi = node.on("api-tls");
    boolean httpsSelf = selfUrl.startsWith("https://");
    if ((cert == null) != (key == null)) {
      throw node.bad(null, cert == null ? "tls-key" : "tls-cert", "give --tls-cert and --tls-key together"
          + node.inFile("tls-cert and tls-key"));
    }
    if (httpsSelf && cert == null) {
      throw node.bad(null, "self", "an https:// peer URL needs --tls-cert and --tls-key (what the peer port serves)"
          + node.inFile("tls-cert and tls-key"));
    }
    if (mtls && !httpsSelf) {
      throw node.usage("peer-mtls", "needs an https:// --self (was " + selfUrl + ")");
    }
    if (mtls && ca == null) {
      throw node.usage("peer-mtls", "needs --tls-ca" + node.inFile("tls-ca") + ", the CA that peers' "
          + "certificates must chain to (the JDK's public trust store would admit any publicly certified client)");
    }
    if (tlsApi && cert == null) {
      throw node.usage("api-tls", "needs --tls-cert and --tls-key" + node.inFile("tls-cert and tls-key"));
    }
    for (String k : List.of("api-tls", "api-token-file", "api-write-token-file")) {
      if ((k.equals("api-tls") ? tlsApi : node.text(k) != null) && !hasApi) {
        throw node.usage(k, "applies to the client API: give --api too" + node.inFile("api"));
      }
    }
    PeerTls tls = null;
    boolean httpsPeers = peerList.stream().anyMatch(p -> p.startsWith("https://"));
    if (cert != null || ca != null || httpsPeers) {
      PeerTls.Builder b = PeerTls.builder().mutual(mtls);
      if (cert != null) {
        b.certificate(cert, key);
      }
      if (ca != null) {
        b.trustedCertificates(ca);
      }
      try {
        tls = b.build();
      } catch (TlsFileException e) {
        String setting = switch (e.role()) {
          case CERTIFICATE -> "tls-cert";
          case KEY -> "tls-key";
          case TRUSTED -> "tls-ca";
        };
        throw node.bad(null, setting, e.problem(), e.file().toString());
      } catch (IllegalArgumentException e) {
        throw node.usage("tls-cert", cert + " / " + node.subject("tls-key") + " " + key + ": " + e.getMessage());
      }
    }
    TlsContexts api = null;
    if (tlsApi) { // the files were checked just above
      api = TlsContexts.load(new TlsContexts.Settings(cert, key, null, false, true, Duration.ofSeconds(5),
          Duration.ofSeconds(5)));
    }
    // The peer token file is only checked here: the peer transport reads it into the one token its
    // server and clients share, so both follow a rotation.
    return new NodeSecurity(tls, api, token(node, "api-token-file", BearerTokens::fromFile),
        token(node, "api-write-token-file", BearerTokens::fromFile), token(node, "peer-token-file", BearerTokens::check));
  }

  /** {@code read} applied to the token file of setting {@code key}, or null; an unusable file is an error naming the setting. */
  private <T> T token(Settings node, String key, java.util.function.Function<Path, T> read) {
    Path file = node.path(key, "name the file with the token (one per line)");
    if (file == null) {
      return null;
    }
    try {
      return read.apply(file);
    } catch (IllegalArgumentException e) {
      throw node.invalid(null, key, e.getMessage());
    }
  }

  /**
   * The group that group flags (--origin, --cache-bytes, ...) set: --group's, or without it the
   * file's only group, or "scores" without a file.
   */
  private String flagGroup(ConfigFile file) {
    if (file == null || matched("--group")) {
      return group;
    }
    if (file.groups.size() == 1) {
      return file.groups.keySet().iterator().next();
    }
    for (String key : ConfigFile.GROUP_KEYS) {
      if (matched("--" + key)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--" + key + " sets one group, and " + file.file
            + " declares " + file.groups.size() + " (" + String.join(", ", file.groups.keySet())
            + "): name it with --group NAME");
      }
    }
    return null;
  }

  private NodeConfig.GroupConfig group(String name, Settings g) {
    long cache = g.parse("cache-bytes", Values::size);
    long maxValue = g.parse("max-value-bytes", t -> {
      long v = Values.size(t);
      if (v < 1 || v > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("use 1 byte .. 2GiB, e.g. 16MiB");
      }
      return v;
    });
    EvictionPolicy policy = g.parse("eviction", e -> switch (e.toLowerCase(Locale.ROOT)) {
      case "w-tiny-lfu", "w_tiny_lfu", "tinylfu", "wtinylfu" -> EvictionPolicy.W_TINY_LFU;
      case "lru" -> EvictionPolicy.LRU;
      default -> throw new IllegalArgumentException("use w-tiny-lfu or lru");
    });
    boolean hot = g.parse("hot-store", Values::bool);
    Duration originTo = g.parse("origin-timeout", Values::positiveDuration);
    Duration loadTo = g.parse("load-timeout", Values::positiveDuration);
    Duration peerTo = g.text("peer-timeout") == null ? null : g.parse("peer-timeout", Values::positiveDuration);
    int pool = g.parse("jdbc-pool", t -> Values.atLeastOne(t, ""));
    String originSpec = g.text("origin");
    String sql = g.text("query");
    if (!originSpec.startsWith("jdbc:") && sql != null) {
      throw g.bad(null, "query", "it only applies to a jdbc: origin, and the origin is " + Origins.redact(originSpec));
    }
    if (originSpec.startsWith("jdbc:") && (sql == null || sql.isBlank())) {
      throw g.bad(null, "origin", "a jdbc: origin needs a query with one ? for the key, e.g. --query "
          + "'SELECT score FROM scores WHERE name = ?' (query: in a config file)");
    }
    Origins.Settings os = new Origins.Settings(sql, g.text("jdbc-user"), System.getenv("GROUPCACHE4J_JDBC_PASSWORD"),
        pool, originTo, maxValue);
    NodeConfig.Freshness fresh = new NodeConfig.Freshness(
        g.text("ttl") == null ? null : g.parse("ttl", Values::positiveDuration),
        g.text("stale-if-error") == null ? null : g.parse("stale-if-error", Values::positiveDuration),
        g.text("not-found-ttl") == null ? null : g.parse("not-found-ttl", Values::positiveDuration));
    return new NodeConfig.GroupConfig(name, cache, policy, hot, loadTo, peerTo, originSpec, os, fresh);
  }

  /**
   * {@code --peers-file} or {@code --peers-dns} ({@code peers: file/dns} in a config file; at most
   * one, and not with a peer list), or null.
   */
  private PeerSource peerSource(Settings p) {
    String file = p.text("peers-file", "file");
    String dns = p.text("peers-dns", "dns");
    if (file != null && dns != null) {
      throw p.bad("peers-file", "file", "give --peers-file or --peers-dns, not both (peers: file or dns in a config file)");
    }
    if (file != null && p.text("peers", "list") != null) {
      throw p.bad("peers-file", "file", "give --peers-file or --peers, not both (peers: file or list in a config file)");
    }
    if (dns != null && p.text("peers", "list") != null) {
      throw p.bad("peers-dns", "dns", "give --peers-dns or --peers, not both (peers: dns or list in a config file)");
    }
    if (dns == null && p.text("peers-dns-server", "dns-server") != null) {
      throw p.bad("peers-dns-server", "dns-server", "it only applies with --peers-dns");
    }
    if (file != null) {
      return PeerSource.file(p.path("peers-file", "file", "name a file with one peer URL a line"));
    }
    if (dns == null) {
      return null;
    }
    Duration interval = p.parse("peers-dns-interval", "dns-interval", Values::positiveDuration);
    InetSocketAddress server = p.text("peers-dns-server", "dns-server") == null ? null
        : p.parse("peers-dns-server", "dns-server", Values::hostPort);
    PeerSource source = PeerSource.dns(dns, server == null ? null
        : new InetSocketAddress(server.getHostString(), server.getPort()), interval);
    p.parse("peers-dns", "dns", u -> source.discovery()); // the URL's form; nothing is resolved
    return source;
  }

  private static void printCheck(NodeConfig c, PrintWriter out) {
    out.println("groupcache4j serve: the configuration is valid; this node would start as:");
    out.println("  self      " + c.self());
    out.println("  peers     " + (c.peerSource() == null ? String.join(",", c.peers())
        : c.peerSource().discovery().describe() + ", looked up every " + Values.formatDuration(c.peerSource().interval())));
    out.println("  api       " + (c.api().isEmpty() ? "(none)" : c.api().stream().map(Values::format).toList()));
    NodeSecurity s = c.security();
    List<String> secured = new ArrayList<>();
    if (c.self().startsWith("https://")) {
      secured.add("peer port https" + (s.tls().mutual() ? " with client certificates" : ""));
    }
    if (s.peerTokenFile() != null) {
      secured.add("peer token");
    }
    if (s.apiTls() != null) {
      secured.add("api https");
    }
    if (s.apiReadToken() != null) {
      secured.add("api token");
    }
    if (s.apiWriteToken() != null) {
      secured.add("api write token");
    }
    out.println("  security  " + (secured.isEmpty() ? "(none)" : String.join(", ", secured)));
    for (NodeConfig.GroupConfig g : c.groups()) {
      out.println("  group     " + g.name() + ", " + Values.formatSize(g.cacheBytes()) + ", " + g.eviction()
          + ", origin " + Origins.redact(g.originSpec()));
    }
  }

  private boolean matched(String option) {
    CommandLine.ParseResult pr = spec.commandLine().getParseResult();
    return pr != null && pr.hasMatchedOption(option);
  }

  /**
   * The settings of one level of the configuration (the node, its peers, or one group): each one
   * from its flag if given on the command line (and {@code flags} says flags apply here), else
   * from the file, else the flag's default.
   */
  private final class Settings {
    private final ConfigFile file;
    private final Map<String, ConfigFile.Entry> entries;
    private final boolean flags;

    Settings(ConfigFile file, Map<String, ConfigFile.Entry> entries, boolean flags) {
      this.file = file;
      this.entries = entries;
      this.flags = flags;
    }

    /** The text of setting {@code key} (flag {@code --flag}, or {@code --key} if flag is null), or null. */
    String text(String flag, String key) {
      String option = "--" + (flag != null ? flag : key);
      if (flags && matched(option)) {
        Object v = spec.findOption(option).getValue();
        return v == null ? null : String.valueOf(v);
      }
      if (entries.containsKey(key)) {
        return entries.get(key).text();
      }
      return spec.findOption(option).defaultValue();
    }

    String text(String key) {
      return text(null, key);
    }

    <T> T parse(String key, Function<String, T> parser) {
      return parse(null, key, parser);
    }

    <T> T parse(String flag, String key, Function<String, T> parser) {
      String value = text(flag, key);
      try {
        return parser.apply(value);
      } catch (IllegalArgumentException e) {
        throw bad(flag, key, e.getMessage(), value);
      }
    }

    CommandLine.ParameterException bad(String flag, String key, String why) {
      return bad(flag, key, why, text(flag, key));
    }

    /**
     * The file setting {@code key} names (relative to the config file's directory when it comes
     * from the file), or null.
     */
    Path path(String flag, String key, String ifBlank) {
      String t = text(flag, key);
      if (t == null) {
        return null;
      }
      Path p = parse(flag, key, v -> {
        if (v.isBlank()) {
          throw new IllegalArgumentException(ifBlank);
        }
        return Path.of(v); // InvalidPathException is an IllegalArgumentException
      });
      return fromFile(flag, key) ? file.file.toAbsolutePath().getParent().resolve(p) : p;
    }

    Path path(String key, String ifBlank) {
      return path(null, key, ifBlank);
    }

    /** A true/false setting: false unless given. */
    boolean on(String key) {
      return text(key) != null && parse(key, Values::bool);
    }

    /** How messages name setting {@code key}: its flag, or {@code FILE, line N, KEY:} when it comes from the file. */
    String subject(String key) {
      return fromFile(null, key) ? file.where(entries.get(key)) + ":" : "--" + key;
    }

    /** {@code " (KEYS in a config file)"} when a config file is in use, for messages that name flags. */
    String inFile(String keys) {
      return file == null ? "" : " (" + keys + " in a config file)";
    }

    /** A usage error about setting {@code key}: {@code --KEY why} or {@code FILE, line N, KEY: why}. */
    CommandLine.ParameterException usage(String key, String why) {
      return new CommandLine.ParameterException(spec.commandLine(), subject(key) + " " + why);
    }

    /** {@code Invalid value for option '--KEY': why}, or for {@code FILE, line N, KEY} when it comes from the file. */
    CommandLine.ParameterException invalid(String flag, String key, String why) {
      String where = fromFile(flag, key) ? file.where(entries.get(key)) : "option '--" + (flag != null ? flag : key) + "'";
      return new CommandLine.ParameterException(spec.commandLine(), "Invalid value for " + where + ": " + why);
    }

    /** Whether setting {@code key} comes from the config file (not from its flag or a default). */
    boolean fromFile(String flag, String key) {
      return entries.containsKey(key) && !(flags && matched("--" + (flag != null ? flag : key)));
    }

    /** Secrets in the value, quoted here or by {@code why}, are hidden ({@link Origins#redact}): an origin URL may hold a password. */
    private CommandLine.ParameterException bad(String flag, String key, String why, String value) {
      String quoted = why.contains("'" + value + "'") ? "" : "'" + Origins.redact(String.valueOf(value)) + "': ";
      return invalid(flag, key, quoted + Origins.redact(why));
    }
  }

  private CommandLine.ParameterException bad(String flag, String value, String why) {
    return new CommandLine.ParameterException(spec.commandLine(),
        "Invalid value for option '" + flag + "': '" + value + "': " + why);
  }
}
