package org.groupcache4j.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.groupcache4j.bench.internal.Belady;
import org.groupcache4j.bench.internal.Cli;
import org.groupcache4j.bench.internal.LinkedHashMapLru;
import org.groupcache4j.bench.internal.StoreSimulation;
import org.groupcache4j.bench.internal.Summary;
import org.groupcache4j.bench.internal.TraceReader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Replays an access trace (xz-compressed big-endian int32 keys, the format of
 * {@code shared/traces}) through the project's stores and prints the hit ratio per capacity and
 * policy, next to Belady's optimum and an independent LRU simulation.
 *
 * <p>Capacities are in entries; each entry weighs {@value StoreSimulation#ENTRY_BYTES} bytes
 * (see {@link StoreSimulation}), so the byte-bounded stores hold exactly that many entries.
 * Every replay starts from an empty cache and counts cold misses. LRU, the LinkedHashMap LRU and
 * both Belady variants are deterministic; W-TinyLFU (Caffeine) draws a random number in rare admission
 * decisions, and with asynchronous maintenance also depends on thread timing, so {@code --runs}
 * repeats it and the median and min–max are printed.
 */
@Command(name = "TraceReplay", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Hit ratio of the project's eviction policies on an access trace.")
public final class TraceReplay implements Callable<Integer> {
  /** A policy the tool can replay. */
  public enum Policy {
    /** groupcache4j's exact LRU store (LruStore). */
    LRU("lru"),
    /** An independent LRU on LinkedHashMap, as a cross-check of LruStore. */
    LRU_SIM("lru-sim"),
    /** groupcache4j's W-TinyLFU store (TinyLfuStore, on Caffeine), maintenance on the replaying thread. */
    W_TINY_LFU("w-tinylfu"),
    /** The same store as a Group builds it: Caffeine's maintenance on the common pool (timing-dependent). */
    W_TINY_LFU_ASYNC("w-tinylfu-async"),
    /** groupcache4j's compact store (CompactStore: W-TinyLFU admission over segments), seeded: deterministic. */
    COMPACT("compact"),
    /** Belady's MIN, offline: every missed key is cached, the one used farthest ahead is evicted. */
    BELADY("belady"),
    /** Belady's optimum when the cache may also decline a missed key (the bound for admission filters). */
    BELADY_BYPASS("belady-bypass");

    final String cliName;

    Policy(String cliName) {
      this.cliName = cliName;
    }

    public String cliName() {
      return cliName;
    }

    static Set<Policy> parse(String s) {
      if (s.equalsIgnoreCase("all")) {
        return EnumSet.allOf(Policy.class);
      }
      Set<Policy> out = EnumSet.noneOf(Policy.class);
      for (String part : s.split(",")) {
        Policy found = null;
        for (Policy p : values()) {
          if (p.cliName.equalsIgnoreCase(part.trim())) {
            found = p;
          }
        }
        if (found == null) {
          throw new IllegalArgumentException("unknown policy '" + part
              + "'; use lru, lru-sim, w-tinylfu, w-tinylfu-async, compact, belady, belady-bypass, a comma-separated list of them, or all");
        }
        out.add(found);
      }
      return out;
    }
  }

  /** One replay: its hits out of {@code accesses}. */
  public record Result(String trace, int accesses, int distinct, int capacity, Policy policy, int run, long hits) {
    public double hitRatio() {
      return accesses == 0 ? 0 : (double) hits / accesses;
    }
  }

  @Spec
  CommandSpec spec;

  @Option(names = "--trace", required = true, paramLabel = "FILE",
      description = "xz-compressed trace of big-endian int32 keys")
  Path trace;

  @Option(names = "--capacity", required = true, split = ",", paramLabel = "N[,N...]",
      description = "cache capacities in entries")
  List<Integer> capacities;

  @Option(names = "--policy", defaultValue = "all", paramLabel = "POLICY",
      description = "lru | lru-sim | w-tinylfu | w-tinylfu-async | compact | belady | belady-bypass | all,"
          + " or a comma-separated list (default: all)")
  String policy;

  @Option(names = "--runs", defaultValue = "1", paramLabel = "K",
      description = "replays of the randomized policies (w-tinylfu, w-tinylfu-async) per capacity (default: 1)")
  int runs;

  @Option(names = "--tsv", description = "print tab-separated rows (one per replay) instead of a table")
  boolean tsv;

  public static void main(String[] args) {
    System.exit(Cli.run(new TraceReplay(), args));
  }

  @Override
  public Integer call() throws IOException {
    for (int c : capacities) {
      if (c < 0) {
        throw new CommandLine.ParameterException(spec.commandLine(), "capacity must be >= 0 entries, was " + c);
      }
    }
    if (runs < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--runs must be >= 1, was " + runs);
    }
    Set<Policy> policies;
    try {
      policies = Policy.parse(policy);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    int[] keys = TraceReader.read(trace);
    String name = trace.getFileName().toString();
    List<Result> results = replay(name, keys, capacities, policies, runs);
    PrintStream out = System.out;
    if (tsv) {
      out.println("trace\taccesses\tdistinct\tcapacity\tpolicy\trun\thits\thit_ratio");
      for (Result r : results) {
        out.printf(Locale.ROOT, "%s\t%d\t%d\t%d\t%s\t%d\t%d\t%.6f%n", r.trace(), r.accesses(), r.distinct(),
            r.capacity(), r.policy().cliName(), r.run(), r.hits(), r.hitRatio());
      }
    } else {
      printTable(out, name, keys, results);
    }
    String disagreement = lruDisagreement(results);
    if (disagreement != null) {
      System.err.println("MISMATCH: " + disagreement);
      return 3;
    }
    return 0;
  }

  /** Replays {@code keys} at each capacity through each policy; the randomized one {@code runs} times. */
  public static List<Result> replay(String name, int[] keys, List<Integer> capacities, Set<Policy> policies, int runs) {
    int distinct = TraceReader.distinctKeys(keys);
    List<Result> results = new ArrayList<>();
    for (int capacity : capacities) {
      for (Policy p : policies) {
        int times = p == Policy.W_TINY_LFU || p == Policy.W_TINY_LFU_ASYNC ? runs : 1;
        for (int run = 1; run <= times; run++) {
          long hits = switch (p) {
            case LRU -> StoreSimulation.lru(capacity).replay(keys);
            case LRU_SIM -> new LinkedHashMapLru(capacity).replay(keys);
            case W_TINY_LFU -> StoreSimulation.tinyLfu(capacity).replay(keys);
            case W_TINY_LFU_ASYNC -> StoreSimulation.tinyLfuAsync(capacity).replay(keys);
            case COMPACT -> StoreSimulation.compact(capacity).replay(keys);
            case BELADY -> Belady.hits(keys, capacity);
            case BELADY_BYPASS -> Belady.hitsWithBypass(keys, capacity);
          };
          results.add(new Result(name, keys.length, distinct, capacity, p, run, hits));
        }
      }
    }
    return results;
  }

  /** A message if LruStore and the LinkedHashMap LRU disagree at some capacity, else null. */
  static String lruDisagreement(List<Result> results) {
    Map<Integer, Long> lru = new LinkedHashMap<>();
    Map<Integer, Long> sim = new LinkedHashMap<>();
    for (Result r : results) {
      if (r.policy() == Policy.LRU) {
        lru.put(r.capacity(), r.hits());
      } else if (r.policy() == Policy.LRU_SIM) {
        sim.put(r.capacity(), r.hits());
      }
    }
    for (Map.Entry<Integer, Long> e : lru.entrySet()) {
      Long other = sim.get(e.getKey());
      if (other != null && !other.equals(e.getValue())) {
        return "at capacity " + e.getKey() + " LruStore hit " + e.getValue()
            + " times but the LinkedHashMap LRU " + other + " times";
      }
    }
    return null;
  }

  private static void printTable(PrintStream out, String name, int[] keys, List<Result> results) {
    int distinct = results.isEmpty() ? TraceReader.distinctKeys(keys) : results.get(0).distinct();
    out.printf(Locale.ROOT, "%s: %,d accesses, %,d distinct keys; every entry weighs %d bytes%n",
        name, keys.length, distinct, StoreSimulation.ENTRY_BYTES);
    out.printf(Locale.ROOT, "%10s  %-16s  %s%n", "capacity", "policy", "hit ratio (median, min-max over runs)");
    Map<String, List<Double>> grouped = new LinkedHashMap<>();
    for (Result r : results) {
      grouped.computeIfAbsent(r.capacity() + "\t" + r.policy().cliName(), k -> new ArrayList<>()).add(r.hitRatio());
    }
    for (Map.Entry<String, List<Double>> e : grouped.entrySet()) {
      String[] kp = e.getKey().split("\t");
      Summary s = Summary.of(e.getValue());
      out.printf(Locale.ROOT, "%10s  %-16s  %s%s%n", kp[0], kp[1], s.format("%.4f"),
          s.n() > 1 ? "  [" + s.n() + " runs]" : "");
    }
  }
}
