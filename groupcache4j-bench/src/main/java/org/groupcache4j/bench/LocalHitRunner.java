package org.groupcache4j.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.groupcache4j.bench.internal.Cli;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs {@link LocalHitBenchmark} in rounds: each round runs every benchmark in one fresh JVM fork,
 * in a rotated order, at each thread count, so that the ratios to Caffeine (and between the
 * stores) can be taken within a round and a slow stretch of a shared machine hits all benchmarks
 * of that round alike. Writes one TSV row per round, benchmark and thread count (the fork's mean
 * ops/s and its iteration scores).
 */
@Command(name = "LocalHitRunner", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Runs the local hit-path JMH benchmarks in rounds and writes their scores as TSV.")
public final class LocalHitRunner implements Callable<Integer> {
  /** The benchmarks, by method name; the last is the peer the others are compared to. */
  public static final List<String> BENCHMARKS = List.of("groupGetCompact", "groupGetTinyLfu", "groupGetLru",
      "caffeineGetIfPresent");

  public static final String TSV_HEADER = "round\tbenchmark\tthreads\tops_per_s\titeration_ops_per_s";

  @Option(names = "--rounds", defaultValue = "5", description = "rounds, one fork per benchmark each (default: 5)")
  int rounds;

  @Option(names = "--warmup-iterations", defaultValue = "3", description = "default: 3")
  int warmupIterations;

  @Option(names = "--warmup-time", defaultValue = "1s", description = "per warm-up iteration, e.g. 1s or 200ms (default: 1s)")
  String warmupTime;

  @Option(names = "--iterations", defaultValue = "5", description = "measured iterations per fork (default: 5)")
  int iterations;

  @Option(names = "--time", defaultValue = "1s", description = "per measured iteration (default: 1s)")
  String time;

  @Option(names = "--threads", defaultValue = "2", split = ",", description = "one run per count, e.g. 1,2 (default: 2)")
  List<Integer> threads;

  @Option(names = "--jvm-args", defaultValue = "-Xms1g -Xmx1g", description = "for the forks (default: -Xms1g -Xmx1g)")
  String jvmArgs;

  @Option(names = "--out", required = true, paramLabel = "FILE.tsv", description = "where to write the scores")
  Path out;

  public static void main(String[] args) {
    System.exit(Cli.run(new LocalHitRunner(), args));
  }

  @Override
  public Integer call() throws IOException, RunnerException {
    if (rounds < 1 || iterations < 1 || warmupIterations < 0 || threads.stream().anyMatch(t -> t < 1)) {
      throw new IllegalArgumentException("--rounds, --iterations and --threads must be >= 1, --warmup-iterations >= 0");
    }
    List<String> rows = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      for (int j = 0; j < BENCHMARKS.size() * threads.size(); j++) {
        String bench = BENCHMARKS.get((j + round - 1) % BENCHMARKS.size());
        int threads = this.threads.get(j / BENCHMARKS.size());
        Options opts = new OptionsBuilder()
            .include(LocalHitBenchmark.class.getName() + "\\." + bench + "$")
            .forks(1)
            .threads(threads)
            .warmupIterations(warmupIterations)
            .warmupTime(parseTime(warmupTime))
            .measurementIterations(iterations)
            .measurementTime(parseTime(time))
            .jvmArgs(jvmArgs.isBlank() ? new String[0] : jvmArgs.trim().split("\\s+"))
            .verbosity(VerboseMode.NORMAL)
            .build();
        Collection<RunResult> results = new Runner(opts).run();
        if (results.size() != 1) {
          throw new IllegalStateException("expected one result for " + bench + ", got " + results.size()
              + " (did the benchmark fail? see the JMH output above)");
        }
        RunResult r = results.iterator().next();
        String iterationScores = r.getBenchmarkResults().stream()
            .flatMap(b -> b.getIterationResults().stream())
            .map(IterationResult::getPrimaryResult)
            .map(x -> String.format(Locale.ROOT, "%.0f", x.getScore()))
            .collect(Collectors.joining(","));
        rows.add(String.format(Locale.ROOT, "%d\t%s\t%d\t%.0f\t%s", round, bench, threads,
            r.getPrimaryResult().getScore(), iterationScores));
        System.out.printf(Locale.ROOT, "# round %d/%d %s, %d thread(s): %.0f ops/s%n", round, rounds, bench, threads,
            r.getPrimaryResult().getScore());
      }
    }
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
      w.println(TSV_HEADER);
      rows.forEach(w::println);
    }
    return 0;
  }

  static TimeValue parseTime(String s) {
    try {
      return TimeValue.fromString(s.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cannot read duration '" + s + "': use e.g. 1s, 500ms", e);
    }
  }
}
