package org.groupcache4j.server.internal.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.groupcache4j.node.internal.Values;
import org.groupcache4j.node.settings.Scope;
import org.groupcache4j.node.settings.Setting;
import org.groupcache4j.node.settings.SettingException;
import org.groupcache4j.node.settings.SettingResolver;
import org.groupcache4j.server.internal.HeapBudget;
import org.groupcache4j.server.internal.Logging;
import org.groupcache4j.server.internal.Node;
import org.groupcache4j.server.internal.NodeConfig;
import org.groupcache4j.server.internal.NodeSecurity;
import org.groupcache4j.server.internal.Signals;
import org.groupcache4j.server.internal.origin.OriginConfigException;
import org.groupcache4j.server.internal.origin.Origins;
import org.groupcache4j.server.internal.settings.ConfigFile;
import org.groupcache4j.server.internal.settings.NodeFiles;
import org.groupcache4j.server.internal.settings.ServerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code groupcache4j serve}: one node, until SIGTERM or SIGINT (then a graceful stop, exit code 0). */
@Command(name = "serve", sortOptions = false, mixinStandardHelpOptions = true, modelTransformer = ServeOptions.class,
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
        "Sizes: " + Values.SIZES + ". Durations: " + Values.DURATIONS + "."})
public final class ServeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

  @Spec
  CommandSpec spec;

  /**
   * What the command line and its config file say, resolved; nothing configured or read yet.
   *
   * @param settings what they were resolved from, to name a setting in a message
   * @param parentPid the process whose end stops the node, or null
   */
  private record Resolved(NodeConfig config, ServerSettings.Logs logs, boolean check, Long parentPid,
      boolean exitWhenReady, SettingResolver settings) {}

  @Override
  public Integer call() throws Exception {
    Resolved resolved = resolve();
    ServerSettings.Logs logs = resolved.logs();
    Logging.configure(logs.level(), logs.format(), logs.accessLog());
    NodeConfig config = readFiles(resolved);
    if (resolved.check()) {
      printCheck(config, spec.commandLine().getOut());
      return 0;
    }
    PrintWriter err = spec.commandLine().getErr();
    String heap = HeapBudget.refuse(config.groups().stream()
        .map(g -> new HeapBudget.Budget(g.cacheBytes(), g.eviction())).toList(), Runtime.getRuntime().maxMemory());
    if (heap != null) {
      err.println("groupcache4j serve: " + (config.groups().size() == 1 ? "cache-bytes "
          + Values.formatSize(config.totalCacheBytes()) : "the groups' cache-bytes, together") + ": " + heap);
      return Cli.USAGE;
    }
    // Before the node starts: once it answers /healthz, a SIGTERM (an orchestrator's, a script's
    // right after the node is ready) must already find the graceful handler, not the JVM's exit 143.
    CountDownLatch stop = new CountDownLatch(1);
    Signals.onTermination(stop::countDown);
    Node node;
    try {
      node = Node.start(config);
    } catch (OriginConfigException e) {
      String failed = config.groups().stream().filter(g -> g.name().equals(e.group())).findFirst()
          .orElse(config.groups().get(0)).originSpec();
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
    if (resolved.exitWhenReady()) {
      node.shutdown(Duration.ZERO);
      log.info("node {} was ready; stopped (--exit-when-ready)", config.self());
      return 0;
    }
    if (resolved.parentPid() != null) {
      watchParent(resolved.parentPid(), stop);
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
   * The configuration {@code groupcache4j serve args...} would start, its TLS and token files read
   * (for tests and embedding; logging is left as it is).
   *
   * @throws CommandLine.ParameterException if a flag, the config file or a file they name is wrong
   */
  public static NodeConfig configOf(String... args) {
    CommandLine cl = new CommandLine(new ServeCommand());
    cl.parseArgs(args);
    ServeCommand serve = cl.getCommand();
    return serve.readFiles(serve.resolve());
  }

  /**
   * Checks every flag and the {@code --config} file and resolves the node's configuration, with no
   * side effect: a flag given on the command line wins over the file, and the file over the
   * setting's default. A bad value is a usage error naming the flag, or the file, line and path of
   * keys.
   */
  private Resolved resolve() {
    Path path = flag(ServerSettings.CONFIG);
    ConfigFile file = null;
    if (path != null) {
      try {
        file = ConfigFile.read(path);
      } catch (ConfigFile.Invalid e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--config " + e.getMessage());
      }
    }
    String flagGroup = flagGroup(file);
    Flags flags = new Flags(spec, flagGroup, file != null);
    SettingResolver.Builder b = SettingResolver.builder().source(flags).names(flags).redact(Origins::redact);
    if (file != null) {
      b.source(file);
    }
    SettingResolver settings = b.build();
    List<String> groups = new ArrayList<>(file == null ? List.of() : file.groups());
    if (flagGroup != null && !groups.contains(flagGroup)) {
      groups.add(flagGroup);
    }
    try {
      ServerSettings.Logs logs = ServerSettings.logs(settings);
      return new Resolved(ServerSettings.resolve(settings, groups), logs, settings.get(ServerSettings.CHECK),
          settings.get(ServerSettings.PARENT_PID), settings.get(ServerSettings.EXIT_WHEN_READY), settings);
    } catch (SettingException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** {@code r}'s configuration with its TLS and token files read; an unusable file is a usage error naming its setting. */
  private NodeConfig readFiles(Resolved r) {
    try {
      return r.config().withSecurity(NodeFiles.read(r.config(), r.settings()));
    } catch (SettingException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** The value of a setting of the command line alone ({@code --config}, {@code --group}); a bad one is a usage error. */
  private <T> T flag(Setting<T> setting) {
    try {
      return SettingResolver.builder().source(new Flags(spec, null, false)).build().get(setting);
    } catch (SettingException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /**
   * The group that group flags (--origin, --cache-bytes, ...) set: --group's, or without it the
   * file's only group, or "scores" without a file.
   */
  private String flagGroup(ConfigFile file) {
    if (file == null || Flags.matched(spec, ServerSettings.GROUP)) {
      return flag(ServerSettings.GROUP);
    }
    if (file.groups().size() == 1) {
      return file.groups().get(0);
    }
    for (Setting<?> s : ServerSettings.SERVE.fileSettings(Scope.GROUP)) {
      if (Flags.matched(spec, s)) {
        throw new CommandLine.ParameterException(spec.commandLine(), s.flag() + " sets one group, and " + file.file()
            + " declares " + file.groups().size() + " (" + String.join(", ", file.groups())
            + "): name it with --group NAME");
      }
    }
    return null;
  }

  private static void printCheck(NodeConfig c, PrintWriter out) {
    out.println("groupcache4j serve: the configuration is valid; this node would start as:");
    out.println("  self      " + c.self());
    out.println("  peers     " + (c.peerSource() == null ? String.join(",", c.peers())
        : c.peerSource().discovery().describe() + ", looked up every " + Values.formatDuration(c.peerSource().interval())));
    out.println("  ring      " + c.ring().id() + (c.ring().hasReplicas() ? ", " + c.replicas() + " replicas" : ""));
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
}
