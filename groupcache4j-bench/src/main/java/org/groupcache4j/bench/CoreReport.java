package org.groupcache4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.groupcache4j.bench.internal.Cli;
import org.groupcache4j.bench.internal.MachineInfo;
import org.groupcache4j.bench.internal.MarkdownSection;
import org.groupcache4j.bench.internal.StoreSimulation;
import org.groupcache4j.bench.internal.Summary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Turns the raw results of {@code run-core-benchmarks.sh} (TSV files of {@link LocalHitRunner},
 * {@link MemoryOverhead} and {@link TraceReplay}) into the "Core" section of {@code BENCHMARKS.md},
 * between {@code <!-- core:begin -->} and {@code <!-- core:end -->}; the rest of the file is kept.
 */
@Command(name = "CoreReport", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Writes the core benchmark results into the Core section of BENCHMARKS.md.")
public final class CoreReport implements Callable<Integer> {
  static final String SECTION = "core";
  static final String TITLE = "groupcache4j benchmarks";

  /** web12 reference points from shared/traces/README.md: capacity -> {LRU, Belady}. */
  static final Map<Integer, double[]> WEB12_REFERENCE = Map.of(
      500, new double[] {0.558, 0.718},
      1000, new double[] {0.647, 0.777},
      2000, new double[] {0.726, 0.823},
      4000, new double[] {0.790, 0.853});

  static final double HIT_PATH_TARGET_TINY_LFU = 0.5;
  static final double HIT_PATH_TARGET_LRU = 0.25;
  static final double MEMORY_TARGET = 1.25;

  @Option(names = "--jmh", required = true, paramLabel = "FILE.tsv", description = "LocalHitRunner output")
  Path jmh;

  @Option(names = "--memory", required = true, paramLabel = "FILE.tsv", description = "MemoryOverhead --tsv rows")
  Path memory;

  @Option(names = "--hit-ratio", required = true, paramLabel = "FILE.tsv", description = "TraceReplay --tsv rows")
  Path hitRatio;

  @Option(names = "--out", required = true, paramLabel = "BENCHMARKS.md")
  Path out;

  @Option(names = "--command", required = true, description = "the command that produced the results")
  String command;

  @Option(names = "--jmh-settings", defaultValue = "", description = "JMH settings, as text for the report")
  String jmhSettings;

  @Option(names = "--memory-jvm", defaultValue = "", description = "JVM options of the memory runs")
  String memoryJvm;

  @Option(names = "--load", defaultValue = "", description = "load averages before and after, as text")
  String load;

  @Option(names = "--duration", defaultValue = "", description = "how long the run took, as text")
  String duration;

  public static void main(String[] args) {
    System.exit(Cli.run(new CoreReport(), args));
  }

  @Override
  public Integer call() throws IOException {
    String body = render(MachineInfo.current(), ZonedDateTime.now(),
        readTsv(jmh), readTsv(memory), readTsv(hitRatio));
    MarkdownSection.write(out, TITLE, SECTION, body);
    System.out.println("wrote the core section of " + out);
    return 0;
  }

  /** Data rows of a TSV file: header lines (those whose first cell is not a number or a known key) skipped. */
  static List<String[]> readTsv(Path file) throws IOException {
    if (!Files.exists(file)) {
      throw new IOException("results file " + file + " not found: did that benchmark run?");
    }
    List<String[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank() || line.startsWith("round\t") || line.startsWith("policy\t") || line.startsWith("trace\t")) {
        continue;
      }
      rows.add(line.split("\t", -1));
    }
    if (rows.isEmpty()) {
      throw new IOException("results file " + file + " holds no results");
    }
    return rows;
  }

  String render(MachineInfo m, ZonedDateTime when, List<String[]> jmhRows, List<String[]> memRows, List<String[]> hitRows) {
    StringBuilder sb = new StringBuilder();
    sb.append("## Core: one node\n\n");
    sb.append(m.reportHeader(when, duration, command, load));
    sb.append("\nEvery figure is a ratio against a peer measured in the same run; medians with the "
        + "spread (min–max) over the repetitions in brackets.\n\n");
    renderHitPath(sb, jmhRows);
    renderMemory(sb, memRows);
    renderHitRatio(sb, hitRows);
    return sb.toString();
  }

  private void renderHitPath(StringBuilder sb, List<String[]> rows) {
    // round -> benchmark -> ops/s
    Map<Integer, Map<String, Double>> byRound = new TreeMap<>();
    Map<String, List<Double>> scores = new LinkedHashMap<>();
    String threads = "?";
    for (String[] r : rows) {
      int round = Integer.parseInt(r[0]);
      double ops = Double.parseDouble(r[3]);
      threads = r[2];
      byRound.computeIfAbsent(round, k -> new LinkedHashMap<>()).put(r[1], ops);
      scores.computeIfAbsent(r[1], k -> new ArrayList<>()).add(ops);
    }
    String peer = "caffeineGetIfPresent";
    sb.append("### Local hit path (JMH)\n\n");
    sb.append("`LocalHitBenchmark`: ").append(threads).append(" threads read, 100% hits, from ")
        .append(LocalHitBenchmark.SIZE).append(" precomputed Zipf-distributed keys (exponent 0.99) over ")
        .append(LocalHitBenchmark.ITEMS).append(" items with ").append(LocalHitBenchmark.VALUE_BYTES)
        .append("-byte values, each thread walking the key array with its own counter, as Caffeine's "
            + "`GetPutBenchmark` does. `Group.get` on a one-node `GroupCache` (the full read path: key check, "
            + "counters, main store) against Caffeine's `getIfPresent` with its defaults and the same "
            + "weigher and maximum weight (twice what the items weigh, so nothing is evicted). ")
        .append(byRound.size()).append(byRound.size() == 1 ? " round" : " rounds").append("; a round runs each benchmark in a fresh JVM, in rotated order, "
            + "and the ratio to Caffeine is taken within the round.");
    if (!jmhSettings.isBlank()) {
      sb.append(" JMH: ").append(jmhSettings).append('.');
    }
    sb.append("\n\n| benchmark | ops/s | ratio to Caffeine | target |\n|---|---|---|---|\n");
    for (String bench : LocalHitRunner.BENCHMARKS) {
      List<Double> s = scores.get(bench);
      if (s == null) {
        continue;
      }
      List<Double> ratios = new ArrayList<>();
      for (Map<String, Double> round : byRound.values()) {
        if (round.containsKey(bench) && round.containsKey(peer)) {
          ratios.add(round.get(bench) / round.get(peer));
        }
      }
      double target = bench.equals("groupGetTinyLfu") ? HIT_PATH_TARGET_TINY_LFU
          : bench.equals("groupGetLru") ? HIT_PATH_TARGET_LRU : Double.NaN;
      Summary ratio = ratios.isEmpty() ? null : Summary.of(ratios);
      sb.append("| ").append(label(bench)).append(" | ").append(Summary.of(s).format("%,.0f")).append(" | ")
          .append(bench.equals(peer) ? "1 (peer)" : ratio == null ? "n/a" : ratio.format("%.2f")).append(" | ")
          .append(Double.isNaN(target) ? "" : "≥ " + target + (ratio == null ? "" : ratio.median() >= target ? ": met" : ": **missed**"))
          .append(" |\n");
    }
    if (scores.containsKey("groupGetLru")) {
      sb.append("\nHow the LRU store keeps exact LRU with no lock and no shared queue on a hit: a hit stamps its entry with "
          + "`System.nanoTime()`; only an eviction, under the writers' lock, looks for the entry "
          + "with the oldest stamp, in a list sorted by insertion and a heap of the entries hit since (`LruStore`). "
          + "With two threads on two cores, a hit on a key the other core touched last still moves that entry's "
          + "cache line across, which depends on where a virtual machine's vCPUs land: on a small VM the LRU "
          + "figure varies more from fork to fork (see its spread).\n");
    }
    sb.append('\n');
  }

  private static String label(String bench) {
    return switch (bench) {
      case "groupGetTinyLfu" -> "`Group.get`, W-TinyLFU store";
      case "groupGetLru" -> "`Group.get`, LRU store";
      case "caffeineGetIfPresent" -> "Caffeine `getIfPresent`";
      default -> bench;
    };
  }

  private void renderMemory(StringBuilder sb, List<String[]> rows) {
    Map<String, List<Double>> perBudget = new LinkedHashMap<>();
    Map<String, String> items = new LinkedHashMap<>();
    long budget = 0;
    for (String[] r : rows) {
      perBudget.computeIfAbsent(r[0], k -> new ArrayList<>()).add(Double.parseDouble(r[6]));
      items.put(r[0], r[3]);
      budget = Long.parseLong(r[1]);
    }
    sb.append("### Memory per cached byte\n\n");
    sb.append("`MemoryOverhead`: fill a ").append(budget >> 20).append(" MiB budget with 1 KiB values "
        + "(10% more than fit, so eviction has run), force full GCs until the heap settles, and divide the heap "
        + "used (minus the heap used before filling) by the budget; the budget counts key and value bytes. "
        + "Each run is a fresh JVM");
    if (!memoryJvm.isBlank()) {
      sb.append(" (`").append(memoryJvm).append("`)");
    }
    sb.append("; a plain Caffeine `Cache<String, byte[]>` with the same weigher is the peer.\n\n");
    sb.append("| store | entries held | heap ÷ budget | ÷ Caffeine's | target |\n|---|---|---|---|---|\n");
    Double caffeine = perBudget.containsKey("caffeine") ? Summary.of(perBudget.get("caffeine")).median() : null;
    for (Map.Entry<String, List<Double>> e : perBudget.entrySet()) {
      Summary s = Summary.of(e.getValue());
      boolean peer = e.getKey().equals("caffeine");
      String name = switch (e.getKey()) {
        case "caffeine" -> "Caffeine (peer)";
        case "w-tinylfu" -> "`Group`, W-TinyLFU";
        case "lru" -> "`Group`, LRU";
        default -> e.getKey();
      };
      sb.append("| ").append(name).append(" | ")
          .append(items.get(e.getKey())).append(" | ").append(s.format("%.3f")).append(" | ")
          .append(peer ? "1" : caffeine == null ? "n/a" : String.format(Locale.ROOT, "%.3f", s.median() / caffeine))
          .append(" | ")
          .append(peer ? "" : "≤ " + MEMORY_TARGET + (s.median() <= MEMORY_TARGET ? ": met" : ": **missed**"))
          .append(" |\n");
    }
    sb.append("\n(").append(rows.size()).append(" runs in all.)\n\n");
  }

  private static final class Point {
    final Map<String, List<Double>> ratios = new LinkedHashMap<>();
    final Map<String, Long> hits = new LinkedHashMap<>();

    Summary get(String policy) {
      List<Double> v = ratios.get(policy);
      return v == null ? null : Summary.of(v);
    }
  }

  private void renderHitRatio(StringBuilder sb, List<String[]> rows) {
    // trace -> capacity -> point
    Map<String, TreeMap<Integer, Point>> traces = new LinkedHashMap<>();
    Map<String, String> traceInfo = new LinkedHashMap<>();
    for (String[] r : rows) {
      String trace = r[0];
      int capacity = Integer.parseInt(r[3]);
      String policy = r[4];
      Point p = traces.computeIfAbsent(trace, k -> new TreeMap<>()).computeIfAbsent(capacity, k -> new Point());
      p.ratios.computeIfAbsent(policy, k -> new ArrayList<>()).add(Double.parseDouble(r[7]));
      p.hits.put(policy, Long.parseLong(r[6]));
      traceInfo.put(trace, String.format(Locale.ROOT, "%,d accesses, %,d distinct keys",
          Long.parseLong(r[1]), Long.parseLong(r[2])));
    }
    sb.append("### Hit ratio on real traces\n\n");
    sb.append("`TraceReplay` replays each trace through the project's stores (`LruStore`, `TinyLfuStore`) "
        + "from empty, counting cold misses, next to an independent LRU (a `LinkedHashMap` in access order) and "
        + "Belady's optimum computed offline on the same trace (MIN: every miss is cached and the key used "
        + "farthest ahead is evicted; the variant that may also decline a miss, the bound for admission "
        + "filters, is within ")
        .append(String.format(Locale.ROOT, "%.4f", maxBypassGain(traces)))
        .append(" of it here). Capacity is in entries: every entry weighs ").append(StoreSimulation.ENTRY_BYTES)
        .append(" bytes (key = the int's decimal string, value padded to ").append(StoreSimulation.ENTRY_BYTES)
        .append(" − key length bytes), and the stores get ").append(StoreSimulation.ENTRY_BYTES)
        .append(" × capacity bytes. LRU, the LinkedHashMap LRU and Belady are deterministic (one run each). "
            + "The W-TinyLFU column replays `TinyLfuStore` with Caffeine's maintenance on the replaying thread, "
            + "so every read reaches the policy and nothing depends on thread timing; the only randomness left is "
            + "Caffeine's defence against hash flooding (a candidate with an estimated frequency of at least 6 that "
            + "loses to the victim is still admitted 1 time in 128, drawn from `ThreadLocalRandom`, which cannot "
            + "be seeded). The \"async\" column replays the store as a `Group` builds it, with maintenance on "
            + "the common pool: reads that find Caffeine's lossy read buffer full are never seen by the policy, "
            + "and results depend on thread timing. Both are replayed several times: median (min–max).\n\n");
    Map<String, Versus> sync = new LinkedHashMap<>();
    Map<String, Versus> async = new LinkedHashMap<>();
    boolean lruAgrees = true;
    boolean referenceMatches = true;
    for (Map.Entry<String, TreeMap<Integer, Point>> t : traces.entrySet()) {
      boolean web12 = t.getKey().startsWith("web12");
      sb.append("`").append(t.getKey()).append("` (").append(traceInfo.get(t.getKey())).append(")\n\n");
      sb.append("| capacity | LRU (`LruStore`) | LRU (`LinkedHashMap`) | W-TinyLFU | W-TinyLFU − LRU "
          + "| W-TinyLFU, async | Belady MIN |");
      sb.append(web12 ? " reference LRU / Belady |\n|---|---|---|---|---|---|---|---|\n" : "\n|---|---|---|---|---|---|---|\n");
      for (Map.Entry<Integer, Point> e : t.getValue().entrySet()) {
        Point p = e.getValue();
        Summary lru = p.get("lru");
        Summary sim = p.get("lru-sim");
        Summary tiny = p.get("w-tinylfu");
        Summary asyncTiny = p.get("w-tinylfu-async");
        Summary belady = p.get("belady");
        if (lru != null && sim != null && !p.hits.get("lru").equals(p.hits.get("lru-sim"))) {
          lruAgrees = false;
        }
        String diff = "";
        if (lru != null && tiny != null) {
          double d = tiny.median() - lru.median();
          diff = String.format(Locale.ROOT, "%+.4f", d);
          sync.computeIfAbsent(t.getKey(), k -> new Versus()).add(d);
        }
        if (lru != null && asyncTiny != null) {
          async.computeIfAbsent(t.getKey(), k -> new Versus()).add(asyncTiny.median() - lru.median());
        }
        sb.append("| ").append(e.getKey()).append(" | ").append(fmt(lru)).append(" | ").append(fmt(sim))
            .append(" | ").append(fmt(tiny)).append(" | ").append(diff).append(" | ").append(fmt(asyncTiny))
            .append(" | ").append(fmt(belady)).append(" |");
        if (web12) {
          double[] ref = WEB12_REFERENCE.get(e.getKey());
          if (ref == null) {
            sb.append(" |");
          } else {
            boolean ok = lru != null && round3(lru.median()) == ref[0] && (belady == null || round3(belady.median()) == ref[1]);
            referenceMatches &= ok;
            sb.append(String.format(Locale.ROOT, " %.3f / %.3f%s |", ref[0], ref[1], ok ? " (matches)" : " (**differs**)"));
          }
        }
        sb.append('\n');
      }
      sb.append('\n');
    }
    sb.append("- `LruStore` and the independent `LinkedHashMap` LRU ")
        .append(lruAgrees ? "agree exactly (same hit count) at every capacity." : "**disagree**: see the table.")
        .append('\n');
    sb.append("- On `web12`, LRU and Belady ")
        .append(referenceMatches ? "match" : "do **not** all match")
        .append(" the reference figures of the traces' README to three decimals.\n");
    for (String trace : traces.keySet()) {
      Versus v = sync.get(trace);
      Versus a = async.get(trace);
      if (v == null && a == null) {
        continue;
      }
      sb.append("- `").append(trace.replace(".trace.xz", "")).append("`: W-TinyLFU hits more often than LRU");
      if (v != null) {
        sb.append(" at ").append(v.describe());
      }
      if (a != null) {
        sb.append(v != null ? "; " : " ").append("with asynchronous maintenance, as in a `Group`, at ").append(a.describe());
      }
      sb.append(".\n");
    }
    if (sync.size() > 1 || async.size() > 1) {
      double policy = meanOfMeans(sync);
      double asGroup = meanOfMeans(async);
      sb.append(String.format(Locale.ROOT, "- Both traces together (the mean of each trace's mean difference): "
          + "W-TinyLFU − LRU = %+.4f, and %+.4f as a `Group` runs it. ", policy, asGroup));
      if (policy > 0 && asGroup > 0) {
        sb.append("W-TinyLFU, the default, is the better policy on these traces taken together.\n");
      } else if (policy < 0 && asGroup < 0) {
        sb.append("**LRU is the better policy on these traces taken together, not the default W-TinyLFU.**\n");
      } else {
        sb.append("**Neither policy is the better one on these traces taken together.**\n");
      }
    }
    sb.append("\nTraces by headissue GmbH / cache2k, CC BY 4.0 (`shared/traces/LICENSE-cache2k-traces.txt`).\n");
  }

  private static double meanOfMeans(Map<String, Versus> perTrace) {
    return perTrace.values().stream().mapToDouble(Versus::mean).average().orElse(Double.NaN);
  }

  /** W-TinyLFU's hit ratio minus LRU's at the capacities of one trace. */
  private static final class Versus {
    int wins;
    int points;
    double sum;

    void add(double difference) {
      points++;
      sum += difference;
      if (difference > 0) {
        wins++;
      }
    }

    double mean() {
      return sum / points;
    }

    String describe() {
      return String.format(Locale.ROOT, "%d of %d capacities (mean difference %+.4f)", wins, points, mean());
    }
  }

  private static double maxBypassGain(Map<String, TreeMap<Integer, Point>> traces) {
    double max = 0;
    for (TreeMap<Integer, Point> t : traces.values()) {
      for (Point p : t.values()) {
        Summary a = p.get("belady");
        Summary b = p.get("belady-bypass");
        if (a != null && b != null) {
          max = Math.max(max, b.median() - a.median());
        }
      }
    }
    return max;
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  private static String fmt(Summary s) {
    return s == null ? "" : s.format("%.4f");
  }
}
