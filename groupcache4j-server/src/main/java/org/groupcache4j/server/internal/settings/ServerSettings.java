package org.groupcache4j.server.internal.settings;

import static org.groupcache4j.node.settings.NodeSettings.TLS_CERT;
import static org.groupcache4j.node.settings.NodeSettings.TLS_KEY;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.groupcache4j.node.internal.JitQuiet;
import org.groupcache4j.node.internal.Values;
import org.groupcache4j.node.settings.GroupSpec;
import org.groupcache4j.node.settings.NodeSettings;
import org.groupcache4j.node.settings.NodeSpec;
import org.groupcache4j.node.settings.Scope;
import org.groupcache4j.node.settings.Setting;
import org.groupcache4j.node.settings.SettingException;
import org.groupcache4j.node.settings.SettingResolver;
import org.groupcache4j.node.settings.SettingTable;
import org.groupcache4j.server.internal.Logging;
import org.groupcache4j.server.internal.NodeConfig;
import org.groupcache4j.server.internal.api.ApiServer;
import org.groupcache4j.server.internal.origin.Origins;

/**
 * The settings the server adds to a node's ({@link NodeSettings}): its client API, origins,
 * logging, shutdown, and the flags of the command line alone ({@code --config}, {@code --check},
 * {@code --group}, ...). {@link #SERVE} is the union, in the order of {@code serve --help}: the
 * command's options, the config file's keys and the flag reference are made from it.
 */
public final class ServerSettings {
  private ServerSettings() {}

  public static final Setting<Path> CONFIG = Setting.of("config", Scope.NODE, Path.class,
          t -> Values.path(t, "name the config file (YAML)"))
      .label("FILE").commandLineOnly().defaultHelp("none")
      .help("A YAML file with the node, its peers and any number of groups (see config.example.yaml); flags given as "
          + "well win over it.")
      .build();

  public static final Setting<Boolean> CHECK = Setting.ofSwitch("check", Scope.NODE).commandLineOnly()
      .help("Check every flag, print the node's configuration and exit: 0 if it would start, 2 if a flag is wrong. "
          + "Binds and resolves nothing; reads only the config, TLS and token files, to check them.")
      .build();

  public static final Setting<List<InetSocketAddress>> API = Setting.of("api", Scope.NODE, listOf(),
          Values::hostPorts)
      .label("HOST:PORT[,...]").acceptsList().defaultHelp("none")
      .help("Where the client API listens (e.g. 127.0.0.1:9999, :9999 for every interface).")
      .build();

  public static final Setting<String> GROUP = Setting.of("group", Scope.NODE, String.class,
          NodeSettings::checkGroupName)
      .label("NAME").commandLineOnly().defaultValue("scores")
      .help("The group (namespace of keys) this node serves; /api?key=K asks it.")
      .build();

  public static final Setting<String> ORIGIN = Setting.of("origin", Scope.GROUP, String.class, t -> t)
      .label("SPEC").defaultValue("demo")
      .help("Where values come from on a miss: demo, http://…{key}…, https://…{key}…, dir:PATH, jdbc:URL, "
          + "synthetic:SIZE[,delay=DURATION] (see below).")
      .build();

  public static final Setting<String> QUERY = Setting.of("query", Scope.GROUP, String.class, t -> t)
      .label("SQL").defaultHelp("none")
      .help("For a jdbc: origin: the query, with one ? for the key, e.g. 'SELECT v FROM t WHERE k = ?'.")
      .build();

  public static final Setting<String> JDBC_USER = Setting.of("jdbc-user", Scope.GROUP, String.class, t -> t)
      .label("USER").defaultHelp("none (from the URL)")
      .help("For a jdbc: origin: the user (the password comes from $GROUPCACHE4J_JDBC_PASSWORD).")
      .build();

  public static final Setting<Integer> JDBC_POOL = Setting.of("jdbc-pool", Scope.GROUP, Integer.class,
          t -> Values.atLeastOne(t, ""))
      .label("N").defaultValue("8")
      .help("For a jdbc: origin: connections (= queries at once).")
      .build();

  public static final Setting<Duration> ORIGIN_TIMEOUT = Setting.of("origin-timeout", Scope.GROUP, Duration.class,
          Values::positiveDuration)
      .label("DURATION").defaultValue("5s")
      .help("How long one origin call may take; past it the load fails with 504.")
      .build();

  public static final Setting<Long> MAX_VALUE_BYTES = Setting.of("max-value-bytes", Scope.GROUP, Long.class, t -> {
        long v = Values.size(t);
        if (v < 1 || v > Integer.MAX_VALUE - 8) {
          throw new IllegalArgumentException("use 1 byte .. 2GiB, e.g. 16MiB");
        }
        return v;
      })
      .label("SIZE").defaultValue("16MiB")
      .help("Largest value an origin may return.")
      .build();

  public static final Setting<Integer> API_THREADS = Setting.of("api-threads", Scope.NODE, Integer.class,
          t -> Values.atLeastOne(t, ""))
      .label("N").defaultHelp("one per core")
      .help("Event-loop threads of the node: the client API's, shared with the peer transport unless --peer-threads "
          + "is given.")
      .build();

  public static final Setting<Integer> API_MAX_CONNECTIONS = Setting.of("api-max-connections", Scope.NODE,
          Integer.class, t -> Values.atLeastOne(t, ""))
      .label("N").defaultValue(String.valueOf(ApiServer.DEFAULT_MAX_CONNECTIONS))
      .help("Open client connections at most; more are closed at once.")
      .build();

  public static final Setting<Duration> API_IDLE_TIMEOUT = Setting.of("api-idle-timeout", Scope.NODE, Duration.class,
          Values::positiveDuration)
      .label("DURATION").defaultValue("2m")
      .help("Idle client connections are closed after this.")
      .build();

  public static final Setting<Boolean> API_TLS = Setting.ofSwitch("api-tls", Scope.NODE).negatable()
      .help("Serve the client API over HTTPS, with --tls-cert (--no-api-tls: plain HTTP, over a config file's "
          + "api-tls: true).")
      .build();

  public static final Setting<Path> API_TOKEN_FILE = Setting.of("api-token-file", Scope.NODE, Path.class,
          t -> Values.path(t, "name the file with the token (one per line)"))
      .label("FILE").defaultHelp("none")
      .help("Require 'Authorization: Bearer TOKEN' (TOKEN = any line of FILE: one token per line, e.g. one per "
          + "client) on the client API, /healthz, /livez and / (the dashboard page, which asks for the token for its "
          + "data) excepted; 401 otherwise. Read again when it changes.")
      .build();

  public static final Setting<Path> API_WRITE_TOKEN_FILE = Setting.of("api-write-token-file", Scope.NODE, Path.class,
          t -> Values.path(t, "name the file with the token (one per line)"))
      .label("FILE").defaultHelp("writes need the --api-token-file token")
      .help("A separate token for writes (PUT, DELETE, POST) on the client API; the --api-token-file token then only "
          + "reads (403 on writes).")
      .build();

  public static final Setting<Duration> SHUTDOWN_GRACE = Setting.of("shutdown-grace", Scope.NODE, Duration.class,
          Values::duration)
      .label("DURATION").defaultValue("10s")
      .help("On SIGTERM/SIGINT: how long requests in flight may still take.")
      .build();

  public static final Setting<Duration> WARM_UP = Setting.of("warm-up", Scope.NODE, Duration.class,
          JitQuiet::limit)
      .label("DURATION").defaultValue("30s")
      .help("Before it listens, the node runs its request path on loopback (client API, groups, peer fetches and "
          + "writes between two throw-away nodes of its own, and a third that joins their ring and leaves it, over and "
          + "over; synthetic values: the origin is not asked) until the JIT compilers go quiet after at least 10,000 "
          + "requests, at most this long; then it serves with a warm JVM. 0 or off: it starts cold.")
      .build();

  public static final Setting<Duration> HANDOFF_TIME = Setting.of("handoff-time", Scope.NODE, Duration.class,
          ServerSettings::handoffTime)
      .label("DURATION").defaultValue("5s")
      .help("On SIGTERM/SIGINT, after the requests in flight: how long the node may spend handing its cached entries "
          + "(most used first, with their expiry) to the nodes of ours that own their keys without it, so that a "
          + "restart or a scale-down does not empty the cache; and at start, before it reports ready, how long it may "
          + "spend taking its keys back from the nodes that hold them. 0 or off: neither.")
      .build();

  /** {@code --handoff-time}: a duration up to 10 minutes, or 0 / off. */
  static Duration handoffTime(String text) {
    return Values.durationOrOff(text, Duration.ofMinutes(10), "a stop should wait; use at most 10m, or 0 to turn the "
        + "handoff off");
  }

  public static final Setting<Long> HANDOFF_RATE = Setting.of("handoff-rate", Scope.NODE, Long.class, t -> {
        long v = Values.size(t);
        if (v < 1) {
          throw new IllegalArgumentException("use a size per second of 1 byte or more, e.g. 64MiB");
        }
        return v;
      })
      .label("SIZE").defaultValue("64MiB")
      .help("The bandwidth of the handoff (--handoff-time), per second: keys and values sent to the other nodes.")
      .build();

  public static final Setting<String> LOG_LEVEL = Setting.of("log-level", Scope.NODE, String.class,
          Logging::checkLevel)
      .label("LEVEL").defaultValue("INFO")
      .help("ERROR, WARN, INFO, DEBUG (every origin call) or TRACE.")
      .build();

  public static final Setting<Boolean> VERBOSE = Setting.ofSwitch("verbose", Scope.NODE).aliases("-v")
      .commandLineOnly()
      .help("Same as --log-level DEBUG.")
      .build();

  public static final Setting<Boolean> ACCESS_LOG = Setting.ofSwitch("access-log", Scope.NODE).commandLineOnly()
      .defaultHelp("off")
      .help("Log every client API answer (remote address, method, path, status, bytes, time) at INFO, logger "
          + Logging.ACCESS_LOGGER + ".")
      .build();

  public static final Setting<String> LOG_FORMAT = Setting.of("log-format", Scope.NODE, String.class,
          Logging::checkFormat)
      .label("FORMAT").defaultValue("text")
      .help("text (one line per event: ISO-8601 time with zone, level, logger, thread, message) or json (one JSON "
          + "object per line, for log shippers).")
      .build();

  public static final Setting<Long> PARENT_PID = Setting.of("parent-pid", Scope.NODE, Long.class,
          ServerSettings::pid)
      .label("PID").hidden().commandLineOnly()
      .help("Stop when this process ends (used by `demo` for its nodes).")
      .build();

  public static final Setting<Boolean> EXIT_WHEN_READY = Setting.ofSwitch("exit-when-ready", Scope.NODE).hidden()
      .commandLineOnly()
      .help("Stop (gracefully, exit code 0) as soon as the node is ready: the launcher's run that records the classes "
          + "a node loads, for its class-data archive.")
      .build();

  public static final Setting<String> INSTANCE = Setting.of("instance", Scope.NODE, String.class, t -> t)
      .label("ID").hidden().commandLineOnly().defaultHelp("random")
      .help("An id of this node process shown in /stats (used by `demo` to know its own nodes).")
      .build();

  /** Every setting of {@code serve}: the node's and the server's, in the order of help. */
  public static final SettingTable SERVE = SettingTable.of(CONFIG, NodeSettings.SELF, NodeSettings.PEERS,
      NodeSettings.PEERS_FILE, NodeSettings.PEERS_DNS, NodeSettings.PEERS_DNS_INTERVAL, NodeSettings.PEERS_DNS_SERVER,
      CHECK, API, GROUP, NodeSettings.CACHE_BYTES, ORIGIN, QUERY, JDBC_USER, JDBC_POOL, ORIGIN_TIMEOUT,
      MAX_VALUE_BYTES, NodeSettings.BASE_PATH, NodeSettings.RING, NodeSettings.REPLICAS, NodeSettings.EVICTION, NodeSettings.HOT_STORE,
      NodeSettings.TTL, NodeSettings.STALE_IF_ERROR, NodeSettings.NOT_FOUND_TTL, NodeSettings.LOAD_TIMEOUT,
      NodeSettings.PEER_TIMEOUT, NodeSettings.PEER_CONNECT_TIMEOUT, NodeSettings.PEER_LISTEN,
      NodeSettings.PEER_CONNECTIONS, NodeSettings.PEER_THREADS, API_THREADS, API_MAX_CONNECTIONS, API_IDLE_TIMEOUT,
      TLS_CERT, TLS_KEY, NodeSettings.TLS_CA, NodeSettings.PEER_MTLS, API_TLS, API_TOKEN_FILE, API_WRITE_TOKEN_FILE,
      NodeSettings.PEER_TOKEN_FILE, SHUTDOWN_GRACE, HANDOFF_TIME, HANDOFF_RATE, WARM_UP, LOG_LEVEL, VERBOSE, ACCESS_LOG, LOG_FORMAT, PARENT_PID,
      EXIT_WHEN_READY, INSTANCE);

  /** How the node logs: {@code --log-level} (DEBUG with {@code --verbose}), {@code --log-format}, {@code --access-log}. */
  public record Logs(String level, String format, boolean accessLog) {}

  /**
   * The logging {@code r}'s settings ask for (nothing is configured here).
   *
   * @throws SettingException naming the setting
   */
  public static Logs logs(SettingResolver r) {
    String level = r.get(VERBOSE) ? "DEBUG" : r.get(LOG_LEVEL);
    return new Logs(level, r.get(LOG_FORMAT), r.get(ACCESS_LOG));
  }

  /**
   * The node that {@code r}'s settings describe, serving {@code groups} (in this order; the first is
   * the client API's default), checked across settings. Side-effect free: nothing is bound, read
   * or configured; the TLS and token files are read by {@link NodeFiles#read}.
   *
   * @throws SettingException naming the setting (the flag, or the file, line and key) and what to do
   */
  public static NodeConfig resolve(SettingResolver r, List<String> groups) {
    NodeSpec node = NodeSettings.resolve(r);
    List<InetSocketAddress> api = r.text(API) == null ? List.of() : r.get(API);
    Integer apiThreads = r.get(API_THREADS);
    int maxConnections = r.get(API_MAX_CONNECTIONS);
    Duration idle = r.get(API_IDLE_TIMEOUT);
    Duration grace = r.get(SHUTDOWN_GRACE);
    List<NodeConfig.GroupConfig> configs = new ArrayList<>();
    for (String g : groups) {
      configs.add(group(r, g));
    }
    boolean apiTls = r.get(API_TLS);
    if (apiTls && node.tlsCertificate() == null) {
      throw r.usage(API_TLS, null, "needs " + r.name(TLS_CERT) + " and " + r.name(TLS_KEY)
          + r.alsoIn("and", TLS_CERT, TLS_KEY));
    }
    for (Setting<?> s : List.of(API_TLS, API_TOKEN_FILE, API_WRITE_TOKEN_FILE)) {
      if ((s == API_TLS ? apiTls : r.text(s) != null) && api.isEmpty()) {
        throw r.usage(s, null, "applies to the client API: give " + r.name(API) + " too" + r.alsoIn("and", API));
      }
    }
    return new NodeConfig(node, api, apiThreads != null ? apiThreads : Runtime.getRuntime().availableProcessors(),
        maxConnections, idle, apiTls, r.get(API_TOKEN_FILE), r.get(API_WRITE_TOKEN_FILE), grace, r.get(WARM_UP),
        r.get(HANDOFF_TIME), r.get(HANDOFF_RATE), configs,
        r.get(INSTANCE), null);
  }

  private static NodeConfig.GroupConfig group(SettingResolver r, String name) {
    GroupSpec spec = NodeSettings.resolveGroup(r, name);
    long maxValue = r.get(MAX_VALUE_BYTES, name);
    Duration originTimeout = r.get(ORIGIN_TIMEOUT, name);
    int pool = r.get(JDBC_POOL, name);
    String origin = r.get(ORIGIN, name);
    String sql = r.get(QUERY, name);
    if (!origin.startsWith("jdbc:") && sql != null) {
      throw r.bad(QUERY, name, "it only applies to a jdbc: origin, and the origin is " + Origins.redact(origin));
    }
    if (origin.startsWith("jdbc:") && (sql == null || sql.isBlank())) {
      throw r.bad(ORIGIN, name, "a jdbc: origin needs a query with one ? for the key, e.g. " + r.name(QUERY)
          + " 'SELECT score FROM scores WHERE name = ?'" + r.alsoIn("and", QUERY));
    }
    Origins.Settings os = new Origins.Settings(sql, r.get(JDBC_USER, name), System.getenv("GROUPCACHE4J_JDBC_PASSWORD"),
        pool, originTimeout, maxValue);
    return new NodeConfig.GroupConfig(spec, origin, os);
  }

  private static long pid(String text) {
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a process id");
    }
  }

  @SuppressWarnings("unchecked")
  private static Class<List<InetSocketAddress>> listOf() {
    return (Class<List<InetSocketAddress>>) (Class<?>) List.class;
  }
}
