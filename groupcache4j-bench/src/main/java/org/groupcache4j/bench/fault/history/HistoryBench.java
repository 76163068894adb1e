package org.groupcache4j.bench.fault.history;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.groupcache4j.bench.fault.NetworkLab;
import org.groupcache4j.bench.fault.TestCluster;
import org.groupcache4j.bench.internal.Cli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A long recorded run under faults, checked against the cluster's promises ({@link HistoryRun},
 * {@link HistoryChecker}); run by {@code history.sh}. Prints the seed, the operations, the faults
 * of each kind and every kind of violation with shrunk examples; exits 3 if there is a violation.
 * {@code --check FILE} checks a history a run wrote, without running anything.
 */
@Command(name = "HistoryBench", mixinStandardHelpOptions = true, sortOptions = false,
    description = "A recorded run of gets, sets and removes under faults, checked against the cluster's promises.")
public final class HistoryBench implements Callable<Integer> {
  @Option(names = "--launcher", paramLabel = "PATH", description = "./groupcache4j")
  Path launcher;

  @Option(names = "--jar", paramLabel = "PATH", description = "the server's runnable jar")
  Path jar;

  @Option(names = "--java-opts", defaultValue = "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1",
      description = "JVM options of the nodes (default: ${DEFAULT-VALUE})")
  String javaOpts;

  @Option(names = "--logs", paramLabel = "DIR", description = "where the nodes' output, the peers file and the history go")
  Path logs;

  @Option(names = "--seed", description = "the fault schedule's and the clients' seed (default: a new one, printed)")
  Long seed;

  @Option(names = "--faults", split = ",", defaultValue = "FREEZE,KILL,ISOLATE,ONE_WAY,MEMBERSHIP",
      description = "kinds of fault: FREEZE, KILL, ISOLATE, ONE_WAY, MEMBERSHIP (ISOLATE and ONE_WAY need root, "
          + "iproute2 and nftables; default: all)")
  List<FaultKind> faults;

  @Option(names = "--faults-per-kind", defaultValue = "50")
  int faultsPerKind;

  @Option(names = "--fault-seconds", defaultValue = "3-4", paramLabel = "MIN-MAX", description = "how long a fault lasts")
  String faultSeconds;

  @Option(names = "--pause-seconds", defaultValue = "2-4", paramLabel = "MIN-MAX", description = "pause before each fault")
  String pauseSeconds;

  @Option(names = "--tail-seconds", defaultValue = "5", description = "the run goes on this long after the last fault")
  double tailSeconds;

  @Option(names = "--min-operations", defaultValue = "100000", description = "and until this many operations were made")
  long minOperations;

  @Option(names = "--clients", defaultValue = "8")
  int clients;

  @Option(names = "--keys", defaultValue = "24")
  int keys;

  @Option(names = "--sets", defaultValue = "0.15", description = "share of sets among the operations")
  double sets;

  @Option(names = "--removes", defaultValue = "0.10", description = "share of removes among the operations")
  double removes;

  @Option(names = "--request-timeout", defaultValue = "15", description = "seconds a client waits for an answer")
  double requestTimeout;

  @Option(names = "--not-told-bound", defaultValue = "10", description = "seconds a node named not told may still "
      + "serve the value from before a write")
  double notToldBound;

  @Option(names = "--read-deadline", defaultValue = "5", description = "seconds a read may take")
  double readDeadline;

  @Option(names = "--owner-change-window", defaultValue = "2", description = "seconds after a fault step during which a "
      + "source load may count to the owners before it or after it")
  double ownerChangeWindow;

  @Option(names = "--examples", defaultValue = "3", description = "shrunk examples printed per kind of violation")
  int examples;

  @Option(names = "--load-transit", defaultValue = "100", description = "milliseconds a node's load may take to reach "
      + "the origin, which times it on arrival: a remove that ended this little before a load arrived is concurrent with it "
      + "(default: ${DEFAULT-VALUE})")
  long loadTransitMillis;

  @Option(names = "--check", paramLabel = "FILE", description = "check this history (a run's history.jsonl) and exit")
  Path check;

  public static void main(String[] args) {
    System.exit(Cli.run(new HistoryBench(), args));
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    HistoryChecker.Bounds bounds = new HistoryChecker.Bounds(seconds(notToldBound), seconds(readDeadline),
        seconds(ownerChangeWindow), Duration.ofMillis(loadTransitMillis));
    History history;
    Path file;
    if (check != null) {
      file = check;
      history = HistoryFile.read(check);
    } else {
      if (launcher == null || jar == null || logs == null) {
        throw new IllegalArgumentException("--launcher, --jar and --logs are needed for a run (or --check FILE)");
      }
      EnumSet<FaultKind> kinds = EnumSet.copyOf(faults);
      String missing = NetworkLab.missingTools();
      if (missing != null && kinds.stream().anyMatch(FaultKind::needsLab)) {
        throw new IllegalArgumentException("ISOLATE and ONE_WAY need network namespaces: " + missing
            + "; leave them out with --faults FREEZE,KILL,MEMBERSHIP");
      }
      long s = seed != null ? seed : ThreadLocalRandom.current().nextLong(1, 1_000_000_000L);
      System.out.println("seed " + s + " (the fault schedule and the clients' choices; timing varies)");
      Files.createDirectories(logs);
      file = logs.resolve("history.jsonl");
      HistoryRun.Settings settings = new HistoryRun.Settings(s, clients, keys, new Workload.Mix(sets, removes), kinds,
          faultsPerKind, new FaultSchedule.Timing(range(faultSeconds, 0), range(faultSeconds, 1), range(pauseSeconds, 0),
              range(pauseSeconds, 1)), seconds(tailSeconds), minOperations, seconds(requestTimeout));
      TestCluster.Programs programs = new TestCluster.Programs(launcher.toAbsolutePath(), jar.toAbsolutePath(), javaOpts,
          null, logs);
      long start = System.nanoTime();
      history = HistoryRun.run(programs, settings, file, System.out).history();
      long secs = (System.nanoTime() - start) / 1_000_000_000;
      System.out.println("the run took " + secs / 60 + " min " + secs % 60 + " s");
    }
    Report report = HistoryChecker.check(history, bounds);
    System.out.println("seed " + history.seed() + ": " + history.counts());
    System.out.printf(Locale.ROOT, "promises checked with: a node not told may serve the old value %s s, a read may "
        + "take %s s, owners may disagree %s s after a fault step, a load reaches the origin within %d ms%n", notToldBound,
        readDeadline, ownerChangeWindow, loadTransitMillis);
    System.out.println("history: " + file);
    System.out.println(report.summary(examples));
    return report.ok() ? 0 : 3;
  }

  private static Duration seconds(double s) {
    return Duration.ofMillis(Math.round(s * 1000));
  }

  /** The {@code i}th number of {@code MIN-MAX} (or of a single number), in seconds. */
  private static Duration range(String text, int i) {
    String[] parts = text.split("-");
    if (parts.length > 2 || text.isBlank()) {
      throw new IllegalArgumentException("not a range of seconds: '" + text + "' (use e.g. 3-4, or 3)");
    }
    try {
      return seconds(Double.parseDouble(parts[Math.min(i, parts.length - 1)].trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a range of seconds: '" + text + "' (use e.g. 3-4, or 3)");
    }
  }
}
