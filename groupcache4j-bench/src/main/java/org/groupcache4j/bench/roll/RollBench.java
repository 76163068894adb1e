package org.groupcache4j.bench.roll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import org.groupcache4j.bench.fault.TestCluster.Impl;
import org.groupcache4j.bench.internal.Cli;
import org.groupcache4j.bench.internal.MachineInfo;
import org.groupcache4j.bench.internal.MarkdownSection;
import org.groupcache4j.bench.roll.RollRun.Figures;
import org.groupcache4j.bench.roll.RollRun.Scenario;
import org.groupcache4j.bench.roll.RollRun.Step;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The restarts-and-scaling section of BENCHMARKS.md: each {@link Scenario} on a groupcache4j
 * cluster and on a golang/groupcache cluster ({@code go/rollnode}), in one run, alternating which
 * goes first in each repeat, with the same origin, keys, clients and timings; run by
 * {@code roll.sh}. With {@code --jvm} our nodes run in several JVM variants (to compare ways to a
 * warm JVM), each as a cluster of its own.
 */
@Command(name = "RollBench", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Rolling restarts, scaling and kill -9 under load: groupcache4j and golang/groupcache side by side.")
public final class RollBench implements Callable<Integer> {
  static final String SECTION = "roll";
  private static final Map<String, String> NO_ARCHIVE = Map.of("GROUPCACHE4J_CDS", "off");

  @Option(names = "--launcher", required = true, paramLabel = "PATH", description = "./groupcache4j")
  Path launcher;

  @Option(names = "--jar", required = true, paramLabel = "PATH", description = "the server's runnable jar")
  Path jar;

  @Option(names = "--go-node", paramLabel = "PATH", description = "go/rollnode, built; without it, groupcache4j alone")
  Path goNode;

  @Option(names = "--java-opts", defaultValue = "-Xms256m -Xmx512m",
      description = "JVM options of our nodes, before a variant's (default: ${DEFAULT-VALUE})")
  String javaOpts;

  @Option(names = "--node-args", paramLabel = "ARGS", defaultValue = "",
      description = "more arguments of our nodes' serve command, after a variant's, split at spaces (to try a setting)")
  String nodeArgs;

  @Option(names = "--jvm", split = ",", defaultValue = "default", converter = JvmVariant.Converter.class,
      description = "our JVM variants, each a cluster of its own: default, ... (see JvmVariant; default: ${DEFAULT-VALUE})")
  List<JvmVariant> jvms;

  @Option(names = "--scenarios", split = ",", defaultValue = "ROLL,SCALE_UP,SCALE_DOWN,KILL",
      description = "${COMPLETION-CANDIDATES}")
  List<Scenario> scenarios;

  @Option(names = "--repeat", defaultValue = "3", description = "runs of each scenario and cluster (medians reported)")
  int repeat;

  @Option(names = "--quick", description = "short windows and one run: shows it works, not for the record")
  boolean quick;

  @Option(names = "--keys", defaultValue = "3000")
  int keys;

  @Option(names = "--threads", defaultValue = "32", description = "client threads, their home nodes in turn")
  int threads;

  @Option(names = "--rate", defaultValue = "1000", description = "requests per second, all clients together")
  int rate;

  @Option(names = "--steady-seconds", defaultValue = "20", description = "the steady window before the scenario")
  int steadySeconds;

  @Option(names = "--after-ready-seconds", defaultValue = "10", description = "the window after each node is ready")
  int afterReadySeconds;

  @Option(names = "--jit-settle-seconds", defaultValue = "60", description = "at most this long for our JIT to go quiet")
  int jitSettleSeconds;

  @Option(names = "--logs", required = true, paramLabel = "DIR", description = "where the nodes' output goes")
  Path logs;

  @Option(names = "--samples", paramLabel = "DIR", description = "write every request of each run here (for a closer look)")
  Path samples;

  @Option(names = "--out", paramLabel = "BENCHMARKS.md", description = "write the section here; without it, print only")
  Path out;

  @Option(names = "--command", defaultValue = "groupcache4j-bench/roll.sh", description = "the command, for the report")
  String command;

  /** Our JVM variants: the launcher's and the server's defaults, and the alternatives measured against them. */
  public enum JvmVariant {
    DEFAULT("default", "the launcher's class-data archive and the node's warm-up, as they ship", "", Map.of(),
        List.of()),
    COLD("cold", "neither: no archive (`GROUPCACHE4J_CDS=off`), no warm-up (`--warm-up 0`)", "", NO_ARCHIVE,
        List.of("--warm-up", "0")),
    CDS("cds", "the class-data archive alone (`--warm-up 0`)", "", Map.of(), List.of("--warm-up", "0")),
    WARM("warm", "the warm-up alone (`GROUPCACHE4J_CDS=off`)", "", NO_ARCHIVE, List.of()),
    WARM10("warm10", "the warm-up alone, at most 10 s (`--warm-up 10s`, the default before 30 s)", "", NO_ARCHIVE,
        List.of("--warm-up", "10s")),
    C1("c1", "C1 only (`-XX:TieredStopAtLevel=1`), no archive, no warm-up", "-XX:TieredStopAtLevel=1", NO_ARCHIVE,
        List.of("--warm-up", "0")),
    JDK25_COLD("jdk25-cold", "JDK 25, no AOT cache, no warm-up", "", jdk25(NO_ARCHIVE), List.of("--warm-up", "0")),
    JDK25_AOT("jdk25-aot", "JDK 25, the launcher's AOT cache alone (`--warm-up 0`)", "", jdk25(Map.of()),
        List.of("--warm-up", "0")),
    JDK25("jdk25", "JDK 25 with the launcher's AOT cache and the node's warm-up, as they ship", "", jdk25(Map.of()),
        List.of());

    final String label;
    final String description;
    final String javaOpts;
    final Map<String, String> env;
    final List<String> serveArgs;

    JvmVariant(String label, String description, String javaOpts, Map<String, String> env, List<String> serveArgs) {
      this.label = label;
      this.description = description;
      this.javaOpts = javaOpts;
      this.env = env;
      this.serveArgs = serveArgs;
    }

    /** Reads a variant by its label. */
    static final class Converter implements picocli.CommandLine.ITypeConverter<JvmVariant> {
      @Override
      public JvmVariant convert(String label) {
        for (JvmVariant v : values()) {
          if (v.label.equals(label)) {
            return v;
          }
        }
        List<String> known = new ArrayList<>();
        for (JvmVariant v : values()) {
          known.add(v.label);
        }
        throw new picocli.CommandLine.TypeConversionException("no JVM variant '" + label + "'; use " + known);
      }
    }

    RollCluster.Jvm jvm(String baseOpts, String moreArgs) {
      List<String> args = new ArrayList<>(serveArgs);
      if (!moreArgs.isBlank()) {
        args.addAll(List.of(moreArgs.trim().split("\\s+")));
      }
      return new RollCluster.Jvm(label, (baseOpts + " " + javaOpts).trim(), env, List.copyOf(args));
    }

    private static Map<String, String> jdk25(Map<String, String> env) {
      Map<String, String> m = new java.util.HashMap<>(env);
      m.put("JAVA_HOME", System.getenv().getOrDefault("JAVA25_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"));
      return Map.copyOf(m);
    }
  }

  public static void main(String[] args) {
    System.exit(Cli.run(new RollBench(), args));
  }

  RollRun.Settings settings() {
    if (quick) {
      return new RollRun.Settings(keys, 100, threads, rate, Duration.ofSeconds(5), Duration.ofSeconds(5),
          Duration.ofSeconds(20), Duration.ofSeconds(10), Duration.ofMillis(250), Duration.ofSeconds(120), 0, samples);
    }
    return new RollRun.Settings(keys, 100, threads, rate, Duration.ofSeconds(steadySeconds),
        Duration.ofSeconds(afterReadySeconds), Duration.ofSeconds(jitSettleSeconds), Duration.ofSeconds(10),
        Duration.ofMillis(250), Duration.ofSeconds(120), 0, samples);
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    Files.createDirectories(logs);
    if (samples != null) {
      Files.createDirectories(samples);
    }
    RollRun.Settings s = settings();
    int runs = quick ? 1 : repeat;
    RollCluster.Programs programs = new RollCluster.Programs(launcher.toAbsolutePath(), jar.toAbsolutePath(),
        goNode == null ? null : goNode.toAbsolutePath(), logs.toAbsolutePath());
    List<Figures> all = new ArrayList<>();
    long start = System.nanoTime();
    try (CountingOrigin origin = CountingOrigin.start(s.valueSize())) {
      for (int r = 1; r <= runs; r++) {
        for (Scenario sc : scenarios) {
          List<RollCluster> clusters = new ArrayList<>();
          for (JvmVariant v : jvms) {
            clusters.add(RollCluster.create(Impl.GROUPCACHE4J, programs, v.jvm(javaOpts, nodeArgs), sc.slots, origin.prefix()));
          }
          if (goNode != null) {
            RollCluster go = RollCluster.create(Impl.GOLANG, programs, null, sc.slots, origin.prefix());
            clusters.add(r % 2 == 1 ? 0 : clusters.size(), go); // alternate who goes first
          }
          for (RollCluster c : clusters) {
            System.out.println("== run " + r + "/" + runs + ", " + sc.label() + ", " + c.label());
            try (c) {
              if (r == 1) {
                c.prepare(Duration.ofMinutes(5));
              }
              Figures f = RollRun.run(c, origin, sc, s, RollRun.Logger.STDOUT);
              System.out.println(f);
              all.add(f);
            }
          }
        }
      }
    }
    long secs = (System.nanoTime() - start) / 1_000_000_000;
    String took = secs / 60 + " min " + secs % 60 + " s";
    String body = render(MachineInfo.current(), ZonedDateTime.now(), all, took, s, runs);
    if (out != null) {
      MarkdownSection.write(out, "Benchmarks", SECTION, body);
      System.out.println("wrote the " + SECTION + " section of " + out);
    } else {
      System.out.println(body);
    }
    return 0;
  }

  String render(MachineInfo m, ZonedDateTime when, List<Figures> all, String took, RollRun.Settings s, int runs) {
    StringBuilder sb = new StringBuilder();
    sb.append("## Restarts and scaling under load, side by side with golang/groupcache\n\n");
    if (quick) {
      sb.append("**Quick form (`--quick`): short windows, one run; it shows the scenarios work, its numbers are not "
          + "the record.**\n\n");
    }
    sb.append(m.reportHeader(when, took, command, load())).append('\n');
    sb.append(String.format(Locale.ROOT, "Nodes on this machine (3, or 4 for the scaling scenarios), each following "
        + "a peers file of its own, loading %d keys of %d bytes from one origin in the benchmark's process that counts "
        + "every load; %d client threads ask for random keys at %d requests/s in all, each thread's home node in turn "
        + "(a request's latency: from sending it to its answer, moves and retries included, as wrk counts). The clients reach the nodes as a load balancer "
        + "would: a node is in rotation while its `/healthz` answers 200 (checked every %d ms; golang/groupcache has "
        + "no readiness, its nodes answer 200 once they listen); a 503 or a refused connection sends the request to "
        + "the next node; a kept-alive connection that the node closed before answering is retried once; a timeout "
        + "(%d s) or any other answer is a failed request.%n%n", s.keys(), s.valueSize(), s.threads(), s.rate(),
        s.healthInterval().toMillis(), s.requestTimeout().toSeconds()));
    sb.append(String.format(Locale.ROOT, "Each run: the nodes start; every key is read once (the fill); the clients "
        + "start; our nodes' JIT compilers are given time to go quiet (at most %d s); %d s of steady load; the "
        + "scenario, each node that starts again followed by %d s of load (the window after ready); after a "
        + "scale-up, the compilers given time to go quiet again and as long a steady window on the four nodes (the "
        + "steady p99 of the new node, which had none before it started, and of four nodes sharing the cores that three "
        + "did: the scale-up's window after ready is compared with this one); the clients stop "
        + "and every key is read once more. Keys loaded again = the origin's loads after the fill ÷ the keys. "
        + "%d run%s of each; medians, [min–max] where there are several. Our nodes run with "
        + "GROUPCACHE4J_JAVA_OPTS=`%s`. golang/groupcache is `go/rollnode` (the library's HTTPPool with its defaults, "
        + "a getter that asks the origin, the peers file read again every 200 ms, `http.Server.Shutdown` on SIGTERM).%n%n",
        s.jitSettle().toSeconds(), s.steady().toSeconds(), s.afterReady().toSeconds(), runs, runs == 1 ? "" : "s",
        javaOpts));
    sb.append("Scenarios: ");
    List<String> names = new ArrayList<>();
    for (Scenario sc : scenarios) {
      names.add("**" + sc.label() + "**: " + sc.description);
    }
    sb.append(String.join("; ", names)).append(".\n\n");
    if (jvms.size() > 1 || jvms.get(0) != JvmVariant.DEFAULT) {
      sb.append("Our JVM variants: ");
      List<String> vs = new ArrayList<>();
      for (JvmVariant v : jvms) {
        vs.add("**" + v.label + "**: " + v.description);
      }
      sb.append(String.join("; ", vs)).append(".\n\n");
    }
    sb.append("Targets (issue: restarts without a cold cache): rolling restart ≤ 5% of keys loaded again and 0 failed "
        + "requests; scaling ≤ 5%; kill -9 no worse than before; p99 in the 10 s after a node is ready ≤ 2× the steady "
        + "p99.\n\n");
    sb.append("| scenario | cluster | keys loaded again | failed requests | sent elsewhere (503 / refused) · retried "
        + "(closed) | p99 steady → during the scenario (slowest) | p99 after ready ÷ steady, worst node: all requests "
        + "(at the node) | time to ready |\n");
    sb.append("|---|---|---|---|---|---|---|---|\n");
    Map<String, List<Figures>> groups = new LinkedHashMap<>();
    for (Figures f : all) {
      groups.computeIfAbsent(f.scenario().label() + "\u0000" + f.label(), k -> new ArrayList<>()).add(f);
    }
    for (List<Figures> g : groups.values()) {
      Figures first = g.get(0);
      List<Double> ready = new ArrayList<>();
      for (Figures f : g) {
        for (Step st : f.steps()) {
          ready.add(st.secondsToReady());
        }
      }
      sb.append(String.format(Locale.ROOT, "| %s | %s | %s (%s%%) | %s of %s | %s / %s · %s | %s → %s ms (%s ms) | %s "
              + "| %s |%n",
          first.scenario().label(), first.label(),
          stat(g, f -> f.loadsAgain(), "%.0f"), stat(g, Figures::loadsAgainPercent, "%.1f"),
          stat(g, f -> f.failed(), "%.0f"), stat(g, f -> f.requests(), "%.0f"),
          stat(g, f -> f.movedOn503(), "%.0f"), stat(g, f -> f.movedOnRefused(), "%.0f"),
          stat(g, f -> f.retriedClosed(), "%.0f"),
          stat(g, Figures::steadyP99, "%.1f"), stat(g, Figures::duringP99, "%.1f"), stat(g, Figures::duringMax, "%.0f"),
          first.steps().isEmpty() ? "–" : stat(g, Figures::worstAfterReadyRatio, "%.1f×") + " ("
              + stat(g, Figures::worstAfterReadyRatioAtNode, "%.1f×") + ")",
          ready.isEmpty() ? "–" : format(ready, "%.1f s")));
    }
    sb.append("\nThe machine's cores are shared by every node, the clients and the origin (and, on a shared machine, "
        + "by whatever else runs), so a node that starts takes CPU from the others: the p99 after ready is the "
        + "cluster's, over every request of the window.\n");
    return sb.toString();
  }

  private static String stat(List<Figures> g, ToDoubleFunction<Figures> f, String fmt) {
    List<Double> v = new ArrayList<>();
    for (Figures x : g) {
      v.add(f.applyAsDouble(x));
    }
    return format(v, fmt);
  }

  /** The median, and [min–max] when there are several values. */
  static String format(List<Double> values, String fmt) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).sorted().toArray();
    if (v.length == 0) {
      return "–";
    }
    double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    String med = String.format(Locale.ROOT, fmt, median);
    if (v.length == 1) {
      return med;
    }
    return med + " [" + String.format(Locale.ROOT, fmt, v[0]) + "–" + String.format(Locale.ROOT, fmt, v[v.length - 1])
        + "]";
  }

  private static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + ", " + f[1] + ", " + f[2] + " (at the end)";
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
