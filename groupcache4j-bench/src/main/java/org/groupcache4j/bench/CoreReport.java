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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.groupcache4j.bench.internal.Cli;
import org.groupcache4j.bench.internal.MachineInfo;
import org.groupcache4j.bench.internal.MarkdownSection;
import org.groupcache4j.bench.internal.StoreSimulation;
import org.groupcache4j.bench.internal.Summary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Turns the raw results of {@code run-core-benchmarks.sh} (TSV files of {@link LocalHitRunner},
 * {@link MemoryOverhead}, {@link TraceReplay}, {@link GcPauses} and {@link ServerFill}) into the
 * "Core" section of {@code BENCHMARKS.md}, between {@code <!-- core:begin -->} and
 * {@code <!-- core:end -->}; the rest of the file is kept. Each figure of the compact store is set
 * beside today's stores and Caffeine measured in the same run, with the target it must meet.
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
  /** The compact store's hits against the W-TinyLFU store's, in the same round. */
  static final double HIT_PATH_TARGET_COMPACT = 0.8;
  /** Heap per budget byte of the LRU and W-TinyLFU stores at 1 KiB values. */
  static final double MEMORY_TARGET = 1.25;
  /** Heap per payload byte of the compact store: at values up to 100 bytes, and at 1 KiB. */
  static final double COMPACT_SMALL_TARGET = 1.35;
  static final double COMPACT_KIB_TARGET = 1.08;
  static final double OBJECTS_TARGET = 0.01;
  /** The compact store's hit ratio may trail W-TinyLFU's by this much at most. */
  static final double HIT_RATIO_TOLERANCE = 0.01;
  static final double PAUSE_P99_TARGET_MS = 10;

  @Option(names = "--jmh", paramLabel = "FILE.tsv",
      description = "LocalHitRunner output; without it (and without --gc-pauses) the report says which timed figures this run left out")
  Path jmh;

  @Option(names = "--memory", required = true, paramLabel = "FILE.tsv", description = "MemoryOverhead --tsv rows")
  Path memory;

  @Option(names = "--hit-ratio", required = true, paramLabel = "FILE.tsv", description = "TraceReplay --tsv rows")
  Path hitRatio;

  @Option(names = "--gc-pauses", paramLabel = "FILE.tsv", description = "GcPauses rows, each followed by its log's pauses")
  Path gcPauses;

  @Option(names = "--server-fill", paramLabel = "FILE.tsv", description = "ServerFill --tsv rows")
  Path serverFill;

  @Option(names = "--gc-jvm", defaultValue = "", description = "JVM options of the GC pause runs, as text")
  String gcJvm;

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

  @Option(names = "--measured-at", paramLabel = "ISO-8601",
      description = "when the run ended, e.g. 2026-12-05T12:53Z, for a report written later (default: now)")
  ZonedDateTime measuredAt;

  /** Without {@code --jmh}: the local hit path of the section being replaced, with where it came from; or null. */
  private String earlierHitPath;

  public static void main(String[] args) {
    System.exit(Cli.run(new CoreReport(), args));
  }

  @Override
  public Integer call() throws IOException {
    if (jmh == null && Files.exists(out)) {
      earlierHitPath = earlierHitPath(Files.readString(out, StandardCharsets.UTF_8));
    }
    String body = render(MachineInfo.current(), measuredAt != null ? measuredAt.withZoneSameInstant(java.time.ZoneId.systemDefault()) : ZonedDateTime.now(),
        jmh == null ? List.of() : readTsv(jmh), readTsv(memory), readTsv(hitRatio),
        gcPauses == null ? List.of() : readTsv(gcPauses), serverFill == null ? List.of() : readTsv(serverFill));
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
      if (line.isBlank() || line.startsWith("round\t") || line.startsWith("policy\t") || line.startsWith("trace\t")
          || line.startsWith("#")) {
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
    return render(m, when, jmhRows, memRows, hitRows, List.of(), List.of());
  }

  String render(MachineInfo m, ZonedDateTime when, List<String[]> jmhRows, List<String[]> memRows, List<String[]> hitRows,
      List<String[]> gcRows, List<String[]> fillRows) {
    StringBuilder sb = new StringBuilder();
    sb.append("## Core: one node\n\n");
    sb.append(m.reportHeader(when, duration, command, load));
    sb.append("\nEvery figure is a ratio against a peer measured in the same run; medians with the "
        + "spread (min–max) over the repetitions in brackets. The compact store (`EvictionPolicy.COMPACT`) is "
        + "measured beside the W-TinyLFU and LRU stores and Caffeine.\n\n");
    renderHitPath(sb, jmhRows);
    renderMemory(sb, memRows);
    renderServerFill(sb, fillRows);
    renderGcPauses(sb, gcRows);
    renderHitRatio(sb, hitRows);
    return sb.toString();
  }

  private static final String HIT_PATH_TITLE = "### Local hit path (JMH)\n\n";
  private static final String NOT_MEASURED = "Not measured in this run (`--untimed`: only the figures a busy machine "
      + "does not change, memory and hit ratio). On a quiet machine: `groupcache4j-bench/run-core-benchmarks.sh`.";
  private static final Pattern CPU_MODEL = Pattern.compile("\\| CPUs \\(`nproc`\\) \\| ([^|\\n]+) \\|\\n\\| CPU model \\| ([^|\\n]+) \\|");
  private static final Pattern MEASURED = Pattern.compile("Measured ([^\\n(]+?) \\([^\\n]*\\n\\n```\\n([^\\n]+)\\n```");

  /**
   * The local hit path of the core section of {@code document}, kept when this run did not measure
   * it: its text after a line that says so and which run it is from (once: an earlier untimed
   * run's is kept as it is). Null when the document has none.
   */
  static String earlierHitPath(String document) {
    String begin = MarkdownSection.begin(SECTION);
    int b = document.indexOf(begin);
    int e = document.indexOf(MarkdownSection.end(SECTION));
    if (b < 0 || e < b) {
      return null;
    }
    String section = document.substring(b, e);
    int start = section.indexOf(HIT_PATH_TITLE);
    if (start < 0) {
      return null;
    }
    int end = section.indexOf("\n### ", start + HIT_PATH_TITLE.length());
    String body = section.substring(start + HIT_PATH_TITLE.length(), end < 0 ? section.length() : end + 1).strip();
    if (body.startsWith(NOT_MEASURED)) {
      return body.equals(NOT_MEASURED) ? null : body.substring(NOT_MEASURED.length()).strip();
    }
    Matcher m = MEASURED.matcher(section);
    String from = m.find() ? "from the run of " + m.group(1).strip() + " (`" + m.group(2).strip() + "`)" : "from an earlier run";
    Matcher cpu = CPU_MODEL.matcher(section);
    if (cpu.find()) {
      from += " on " + cpu.group(2).strip() + " (" + cpu.group(1).strip() + " CPUs)";
    }
    return "The figures below are " + from + ", kept until the next timed run:\n\n" + body;
  }

  private void renderHitPath(StringBuilder sb, List<String[]> rows) {
    if (rows.isEmpty()) {
      sb.append(HIT_PATH_TITLE).append(NOT_MEASURED);
      if (earlierHitPath != null) {
        sb.append(' ').append(earlierHitPath);
      }
      sb.append("\n\n");
      return;
    }
    // threads -> round -> benchmark -> ops/s
    Map<Integer, Map<Integer, Map<String, Double>>> byThreads = new TreeMap<>();
    Map<Integer, Map<String, List<Double>>> scores = new TreeMap<>();
    for (String[] r : rows) {
      int round = Integer.parseInt(r[0]);
      int threads = Integer.parseInt(r[2]);
      double ops = Double.parseDouble(r[3]);
      byThreads.computeIfAbsent(threads, k -> new TreeMap<>()).computeIfAbsent(round, k -> new LinkedHashMap<>()).put(r[1], ops);
      scores.computeIfAbsent(threads, k -> new LinkedHashMap<>()).computeIfAbsent(r[1], k -> new ArrayList<>()).add(ops);
    }
    String peer = "caffeineGetIfPresent";
    int rounds = byThreads.values().stream().mapToInt(Map::size).max().orElse(0);
    sb.append("### Local hit path (JMH)\n\n");
    sb.append("`LocalHitBenchmark`: 100% hits, from ")
        .append(LocalHitBenchmark.SIZE).append(" precomputed Zipf-distributed keys (exponent 0.99) over ")
        .append(LocalHitBenchmark.ITEMS).append(" items with ").append(LocalHitBenchmark.VALUE_BYTES)
        .append("-byte values, each thread walking the key array with its own counter, as Caffeine's "
            + "`GetPutBenchmark` does. `Group.get` on a one-node `GroupCache` (the full read path: key check, "
            + "counters, main store) against Caffeine's `getIfPresent` with its defaults and the same "
            + "weigher and maximum weight (twice what the items weigh, so nothing is evicted). ")
        .append(rounds).append(rounds == 1 ? " round" : " rounds").append("; a round runs each benchmark in a fresh JVM, in rotated order, "
            + "at each thread count, and the ratios are taken within the round.");
    if (!jmhSettings.isBlank()) {
      sb.append(" JMH: ").append(jmhSettings).append('.');
    }
    sb.append("\n\n| threads | benchmark | ops/s | ratio to Caffeine | ratio to the W-TinyLFU store | target |\n"
        + "|---|---|---|---|---|---|\n");
    for (Map.Entry<Integer, Map<String, List<Double>>> t : scores.entrySet()) {
      Map<Integer, Map<String, Double>> byRound = byThreads.get(t.getKey());
      for (String bench : LocalHitRunner.BENCHMARKS) {
        List<Double> s = t.getValue().get(bench);
        if (s == null) {
          continue;
        }
        Summary toCaffeine = ratio(byRound, bench, peer);
        Summary toTinyLfu = ratio(byRound, bench, "groupGetTinyLfu");
        String target = "";
        if (bench.equals("groupGetCompact")) {
          target = "≥ " + HIT_PATH_TARGET_COMPACT + " of W-TinyLFU" + (toTinyLfu == null ? ""
              : toTinyLfu.median() >= HIT_PATH_TARGET_COMPACT ? ": met" : ": **missed**");
        } else if (bench.equals("groupGetTinyLfu") || bench.equals("groupGetLru")) {
          double goal = bench.equals("groupGetTinyLfu") ? HIT_PATH_TARGET_TINY_LFU : HIT_PATH_TARGET_LRU;
          target = "≥ " + goal + " of Caffeine" + (toCaffeine == null ? "" : toCaffeine.median() >= goal ? ": met" : ": **missed**");
        }
        sb.append("| ").append(t.getKey()).append(" | ").append(label(bench)).append(" | ")
            .append(Summary.of(s).format("%,.0f")).append(" | ")
            .append(bench.equals(peer) ? "1 (peer)" : toCaffeine == null ? "n/a" : toCaffeine.format("%.2f")).append(" | ")
            .append(bench.equals("groupGetCompact") && toTinyLfu != null ? toTinyLfu.format("%.2f") : "").append(" | ")
            .append(target).append(" |\n");
      }
    }
    if (scores.values().stream().anyMatch(m -> m.containsKey("groupGetLru"))) {
      sb.append("\nHow the LRU store keeps exact LRU with no lock and no shared queue on a hit: a hit stamps its entry with "
          + "`System.nanoTime()`; only an eviction, under the writers' lock, looks for the entry "
          + "with the oldest stamp, in a list sorted by insertion and a heap of the entries hit since (`LruStore`). "
          + "With two threads on two cores, a hit on a key the other core touched last still moves that entry's "
          + "cache line across, which depends on where a virtual machine's vCPUs land: on a small VM the LRU "
          + "figure varies more from fork to fork (see its spread).\n");
    }
    if (scores.values().stream().anyMatch(m -> m.containsKey("groupGetCompact"))) {
      sb.append("\nA hit of the compact store hashes the key's bytes (a seeded hash, where Caffeine reuses the "
          + "`String`'s cached `hashCode`), probes its index without a lock, checks the record's key, reads the slot "
          + "again, and makes a `ByteView` of the value's bytes in their segment (no copy); the record's hit count "
          + "is written until it reaches 15.\n");
    }
    sb.append('\n');
  }

  /** The ratio {@code bench ÷ peer} within each round that has both, or null. */
  private static Summary ratio(Map<Integer, Map<String, Double>> byRound, String bench, String peer) {
    List<Double> ratios = new ArrayList<>();
    for (Map<String, Double> round : byRound.values()) {
      if (round.containsKey(bench) && round.containsKey(peer)) {
        ratios.add(round.get(bench) / round.get(peer));
      }
    }
    return ratios.isEmpty() ? null : Summary.of(ratios);
  }

  private static String label(String bench) {
    return switch (bench) {
      case "groupGetCompact" -> "`Group.get`, compact store";
      case "groupGetTinyLfu" -> "`Group.get`, W-TinyLFU store";
      case "groupGetLru" -> "`Group.get`, LRU store";
      case "caffeineGetIfPresent" -> "Caffeine `getIfPresent`";
      default -> bench;
    };
  }

  private void renderMemory(StringBuilder sb, List<String[]> rows) {
    // value size and key lengths -> policy -> rows
    Map<String, Map<String, List<String[]>>> bySize = new LinkedHashMap<>();
    long budget = 0;
    for (String[] r : rows) {
      String size = r.length > 12 ? r[11] + "\t" + r[12] : "1024\t14";
      bySize.computeIfAbsent(size, k -> new LinkedHashMap<>()).computeIfAbsent(r[0], k -> new ArrayList<>()).add(r);
      budget = Long.parseLong(r[1]);
    }
    sb.append("### Memory per cached byte\n\n");
    sb.append("`MemoryOverhead`: fill a ").append(budget >> 20).append(" MiB budget (10% more than fit, so eviction "
        + "has run), force full GCs until the heap settles, and divide the heap used (minus the heap used before the "
        + "cache was made) by the key and value bytes the cache holds (its payload: what the budget of the LRU and "
        + "W-TinyLFU stores counts) and by the budget (which the compact store spends on everything it holds); objects "
        + "per entry are the live objects added by the fill (the JVM's class histogram) per entry held. Each run is a "
        + "fresh JVM");
    if (!memoryJvm.isBlank()) {
      sb.append(" (`").append(memoryJvm).append("`)");
    }
    sb.append("; a plain Caffeine `Cache<String, byte[]>` with a weigher of key and value bytes is the peer.\n\n");
    for (Map.Entry<String, Map<String, List<String[]>>> size : bySize.entrySet()) {
      String[] vk = size.getKey().split("\t");
      int valueBytes = Integer.parseInt(vk[0]);
      sb.append(valueBytes).append("-byte values, ").append(vk[1]).append("-byte keys:\n\n");
      sb.append("| store | entries held | heap ÷ payload | heap ÷ budget | objects per entry | heap ÷ payload, ÷ Caffeine's | target |\n"
          + "|---|---|---|---|---|---|---|\n");
      Summary caffeine = size.getValue().containsKey("caffeine") ? column(size.getValue().get("caffeine"), 9, 6) : null;
      for (Map.Entry<String, List<String[]>> e : size.getValue().entrySet()) {
        List<String[]> runs = e.getValue();
        Summary perPayload = column(runs, 9, 6);
        Summary perBudget = column(runs, 6, 6);
        Summary objects = runs.get(0).length > 10 ? column(runs, 10, 10) : null;
        boolean peer = e.getKey().equals("caffeine");
        String target = "";
        if (e.getKey().equals("compact")) {
          double goal = valueBytes <= 100 ? COMPACT_SMALL_TARGET : valueBytes >= 1024 ? COMPACT_KIB_TARGET : Double.NaN;
          if (!Double.isNaN(goal)) {
            boolean met = perPayload.median() <= goal && (objects == null || objects.median() <= OBJECTS_TARGET);
            target = "≤ " + goal + " of payload, ≤ " + OBJECTS_TARGET + " objects" + (met ? ": met" : ": **missed**");
          }
        } else if (!peer && valueBytes >= 1024) {
          target = "≤ " + MEMORY_TARGET + " of budget" + (perBudget.median() <= MEMORY_TARGET ? ": met" : ": **missed**");
        }
        sb.append("| ").append(storeName(e.getKey())).append(" | ").append(runs.get(runs.size() - 1)[3]).append(" | ")
            .append(perPayload.format("%.3f")).append(" | ").append(perBudget.format("%.3f")).append(" | ")
            .append(objects == null ? "" : objects.format("%.4f")).append(" | ")
            .append(peer ? "1" : caffeine == null ? "n/a" : String.format(Locale.ROOT, "%.3f", perPayload.median() / caffeine.median()))
            .append(" | ").append(target).append(" |\n");
      }
      sb.append('\n');
    }
    sb.append("(").append(rows.size()).append(" runs in all.)\n\n");
  }

  /** The summary of column {@code i} of {@code rows}, or of column {@code fallback} where a row is shorter. */
  private static Summary column(List<String[]> rows, int i, int fallback) {
    List<Double> v = new ArrayList<>();
    for (String[] r : rows) {
      v.add(Double.parseDouble(r.length > i ? r[i] : r[fallback]));
    }
    return Summary.of(v);
  }

  private static String storeName(String policy) {
    return switch (policy) {
      case "caffeine" -> "Caffeine (peer)";
      case "compact" -> "`Group`, compact";
      case "w-tinylfu" -> "`Group`, W-TinyLFU";
      case "lru" -> "`Group`, LRU";
      default -> policy;
    };
  }

  /** {@link ServerFill} rows: policy, asked, items, payload, counted, grown, heap ÷ payload, objects per entry, value, keys, seconds. */
  private void renderServerFill(StringBuilder sb, List<String[]> rows) {
    if (rows.isEmpty()) {
      return;
    }
    sb.append("### Memory of a server filled through its API\n\n");
    String[] first = rows.get(0);
    sb.append("`ServerFill`: one node (`groupcache4j-server.jar serve`, its own JVM, `synthetic:").append(first[8])
        .append("` origin) asked for ").append(String.format(Locale.ROOT, "%,d", Long.parseLong(first[1])))
        .append(" distinct keys of ").append(first[9]).append(" bytes through `/api?key=`; heap growth after full GCs "
            + "(`jcmd GC.run`, the node's `jvm_memory_used_bytes` of the heap) divided by the key and value bytes its "
            + "stores hold (`/stats`), and live objects added (`jcmd GC.class_histogram`) per entry.\n\n");
    sb.append("| store | entries held | heap ÷ payload | objects per entry | ÷ W-TinyLFU's | target |\n|---|---|---|---|---|---|\n");
    Map<String, List<String[]>> byPolicy = new LinkedHashMap<>();
    rows.forEach(r -> byPolicy.computeIfAbsent(r[0], k -> new ArrayList<>()).add(r));
    Summary tiny = byPolicy.containsKey("w-tinylfu") ? column(byPolicy.get("w-tinylfu"), 6, 6) : null;
    for (Map.Entry<String, List<String[]>> e : byPolicy.entrySet()) {
      Summary perPayload = column(e.getValue(), 6, 6);
      Summary objects = column(e.getValue(), 7, 7);
      boolean compact = e.getKey().equals("compact");
      boolean met = perPayload.median() <= COMPACT_SMALL_TARGET && objects.median() <= OBJECTS_TARGET;
      sb.append("| ").append(storeName(e.getKey()).replace("`Group`, ", "")).append(" | ")
          .append(e.getValue().get(0)[2]).append(" | ").append(perPayload.format("%.3f")).append(" | ")
          .append(objects.format("%.4f")).append(" | ")
          .append(tiny == null ? "n/a" : String.format(Locale.ROOT, "%.3f", perPayload.median() / tiny.median())).append(" | ")
          .append(compact ? "≤ " + COMPACT_SMALL_TARGET + ", ≤ " + OBJECTS_TARGET + " objects" + (met ? ": met" : ": **missed**") : "")
          .append(" |\n");
    }
    sb.append('\n');
  }

  /** G1's default pause goal ({@code -XX:MaxGCPauseMillis}), as run-core-benchmarks.sh names it in a row. */
  private static final String G1_DEFAULT_PAUSE_GOAL_MS = "200";

  /**
   * {@link GcPauses} rows, each its run's TSV, its log's pauses and G1's pause goal of the run:
   * policy … rate, pauses, p50, p99, max, full, total ms, goal ms (absent: the default).
   */
  private void renderGcPauses(StringBuilder sb, List<String[]> rows) {
    if (rows.isEmpty()) {
      sb.append("### Collection pauses\n\nNot measured in this run (`--untimed`). On a quiet machine with 14 GB free: "
          + "`groupcache4j-bench/run-core-benchmarks.sh` (20,000,000 entries, G1, compact and W-TinyLFU).\n\n");
      return;
    }
    String[] first = rows.get(0);
    sb.append("### Collection pauses\n\n");
    sb.append("`GcPauses`: one JVM");
    if (!gcJvm.isBlank()) {
      sb.append(" (`").append(gcJvm).append("`)");
    }
    sb.append(" fills a group with ").append(String.format(Locale.ROOT, "%,d", Long.parseLong(first[1])))
        .append(" entries of 100-byte values under 8–16-byte keys (a budget that holds them all), runs a full GC, then "
            + "for the measured window two threads read random keys and set 10% of the time; the pauses are every "
            + "\"Pause\" line of the collector's log (`-Xlog:gc`) inside that window (young, mixed, remark, cleanup, "
            + "full).\n\n");
    sb.append("| store | G1 pause goal | entries held | operations/s | pauses | median ms | p99 ms | max ms | full GCs | target |\n"
        + "|---|---|---|---|---|---|---|---|---|---|\n");
    for (String[] r : rows) {
      boolean compact = r[0].equals("compact");
      double p99 = Double.parseDouble(r[11]);
      int full = Integer.parseInt(r[13]);
      String goal = r.length > 15 && !r[15].equals(G1_DEFAULT_PAUSE_GOAL_MS) ? r[15] + " ms"
          : G1_DEFAULT_PAUSE_GOAL_MS + " ms (default)";
      sb.append("| ").append(storeName(r[0]).replace("`Group`, ", "")).append(" | ").append(goal).append(" | ").append(r[2]).append(" | ")
          .append(String.format(Locale.ROOT, "%,.0f", Double.parseDouble(r[8]))).append(" | ").append(r[9]).append(" | ")
          .append(r[10]).append(" | ").append(r[11]).append(" | ").append(r[12]).append(" | ").append(r[13]).append(" | ")
          .append(compact ? "p99 ≤ " + (int) PAUSE_P99_TARGET_MS + " ms, no full GC"
              + (p99 <= PAUSE_P99_TARGET_MS && full == 0 ? ": met" : ": **missed**") : "")
          .append(" |\n");
    }
    sb.append('\n');
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
            + "and results depend on thread timing. Both are replayed several times: median (min–max).");
    boolean compactRows = rows.stream().anyMatch(r -> r[4].equals("compact"));
    if (compactRows) {
      sb.append(" The compact column replays `CompactStore` (one shard, a fixed hash seed: deterministic), whose budget "
          + "counts everything it holds; it is given the budget at which it holds the capacity in entries (found by "
          + "filling it with twice as many distinct keys), so that the policies are compared at the same number of "
          + "entries; it must stay within " + HIT_RATIO_TOLERANCE + " of W-TinyLFU or above.");
    }
    sb.append("\n\n");
    int compactWithin = 0;
    int compactPoints = 0;
    Map<String, Versus> sync = new LinkedHashMap<>();
    Map<String, Versus> async = new LinkedHashMap<>();
    boolean lruAgrees = true;
    boolean referenceMatches = true;
    for (Map.Entry<String, TreeMap<Integer, Point>> t : traces.entrySet()) {
      boolean web12 = t.getKey().startsWith("web12");
      sb.append("`").append(t.getKey()).append("` (").append(traceInfo.get(t.getKey())).append(")\n\n");
      sb.append("| capacity | LRU (`LruStore`) | LRU (`LinkedHashMap`) | W-TinyLFU | W-TinyLFU − LRU "
          + "| W-TinyLFU, async |" + (compactRows ? " compact | compact − W-TinyLFU |" : "") + " Belady MIN |");
      sb.append(web12 ? " reference LRU / Belady |\n" : "\n");
      sb.append("|---|---|---|---|---|---|---|").append(compactRows ? "---|---|" : "").append(web12 ? "---|\n" : "\n");
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
            .append(" | ").append(fmt(tiny)).append(" | ").append(diff).append(" | ").append(fmt(asyncTiny)).append(" |");
        if (compactRows) {
          Summary compact = p.get("compact");
          String vs = "";
          if (compact != null && tiny != null) {
            double d = compact.median() - tiny.median();
            compactPoints++;
            boolean within = d >= -HIT_RATIO_TOLERANCE;
            compactWithin += within ? 1 : 0;
            vs = String.format(Locale.ROOT, "%+.4f", d) + (within ? "" : " (**below**)");
          }
          sb.append(' ').append(fmt(compact)).append(" | ").append(vs).append(" |");
        }
        sb.append(' ').append(fmt(belady)).append(" |");
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
    if (compactPoints > 0) {
      sb.append("- The compact store is within ").append(HIT_RATIO_TOLERANCE).append(" of W-TinyLFU, or above it, at ")
          .append(compactWithin).append(" of ").append(compactPoints).append(" trace sizes")
          .append(compactWithin == compactPoints ? ": met.\n" : ": **missed**.\n");
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
