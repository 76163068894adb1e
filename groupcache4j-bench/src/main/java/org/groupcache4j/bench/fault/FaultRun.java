package org.groupcache4j.bench.fault;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.groupcache4j.bench.fault.LoadGenerator.Sample;
import org.groupcache4j.bench.fault.TestCluster.Impl;

/**
 * One fault on a running {@link TestCluster}, under load, and its figures: clients stream random
 * keys at nodes 2 and 3 (node 1 is the one that fails), the fault comes, stays, and goes; then
 * the run measures how long until node 1 owns its keys again.
 *
 * <ol>
 *   <li>warm-up: clients run, every key gets cached once;</li>
 *   <li>{@code before}: the throughput without a fault;</li>
 *   <li>the fault for {@code faultFor}; the throughput "during" is measured from 2 s after it began
 *       to its end (the failure detector's second);</li>
 *   <li>the fault ends; every 100 ms a key node 1 owns and nobody cached yet is asked at node 2,
 *       until node 1's loader is the one that makes it: node 1 owns its keys again.</li>
 * </ol>
 */
public final class FaultRun {
  /** The faults. */
  public enum Fault {
    FROZEN("node 1 frozen (SIGSTOP, then SIGCONT): its sockets accept, nothing answers"),
    DARK("node 1's host off the network (its link down, then up): packets vanish, nothing refuses"),
    ONE_WAY("host 2 drops every packet from host 1 (nftables), then stops: a one-way partition");

    public final String description;

    Fault(String description) {
      this.description = description;
    }

    /** Whether this fault needs network namespaces. */
    public boolean needsLab() {
      return this != FROZEN;
    }
  }

  /** How long each phase lasts and how hard the clients push. */
  public record Settings(Duration warmUp, Duration before, Duration faultFor, Duration recoveryLimit, int threads,
      int keys, Duration requestTimeout) {}

  /**
   * What a run measured.
   *
   * @param slowestMillis the slowest request of the run (warm-up aside)
   * @param beforePerSecond requests per second before the fault
   * @param duringPerSecond requests per second from 2 s after the fault began to its end
   * @param recoverySeconds from the fault's end until node 1 loaded a key of its own asked at node 2, or NaN if not within the limit
   * @param failures the first few failed requests, for the message
   */
  public record Figures(Impl impl, Fault fault, long requests, long failed, long slowestMillis, double beforePerSecond,
      double duringPerSecond, double recoverySeconds, List<String> failures) {
    public double ratio() {
      return beforePerSecond == 0 ? 0 : duringPerSecond / beforePerSecond;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%s, %s: %d requests, %d failed, slowest %d ms, %.0f/s before, %.0f/s during "
          + "(%.2f), node 1 owns its keys again %s after", impl, fault, requests, failed, slowestMillis, beforePerSecond,
          duringPerSecond, ratio(), Double.isNaN(recoverySeconds) ? "not" : String.format(Locale.ROOT, "%.1f s", recoverySeconds))
          + (failures.isEmpty() ? "" : "; failures: " + failures);
    }
  }

  private FaultRun() {}

  /** Runs {@code fault} on {@code cluster} ({@code lab}: where its nodes live, or null on loopback). */
  public static Figures run(TestCluster cluster, NetworkLab lab, Fault fault, Settings s)
      throws IOException, InterruptedException {
    if (fault.needsLab() && lab == null) {
      throw new IllegalArgumentException(fault + " needs the nodes in a NetworkLab");
    }
    List<String> keys = new ArrayList<>();
    for (int k = 0; k < s.keys(); k++) {
      keys.add("k" + k);
    }
    List<String> fresh = cluster.keysOwnedBy(1, "fresh", 1000);
    long warmEnd;
    long faultStart;
    long faultEnd;
    double recovery = Double.NaN;
    LoadGenerator load = new LoadGenerator(List.of(cluster.api(2), cluster.api(3)), keys, s.threads(), s.requestTimeout());
    try {
      Thread.sleep(s.warmUp().toMillis());
      warmEnd = System.nanoTime();
      Thread.sleep(s.before().toMillis());
      faultStart = System.nanoTime();
      begin(cluster, lab, fault);
      try {
        Thread.sleep(s.faultFor().toMillis());
      } finally {
        end(cluster, lab, fault);
        faultEnd = System.nanoTime();
      }
      int next = 0;
      while (System.nanoTime() - faultEnd < s.recoveryLimit().toNanos() && next < fresh.size()) {
        long t = System.nanoTime();
        try {
          long before = cluster.loads(1);
          cluster.ask(2, fresh.get(next++), Duration.ofSeconds(5));
          if (cluster.loads(1) > before) {
            recovery = (System.nanoTime() - faultEnd) / 1e9;
            break;
          }
        } catch (IOException e) {
          // node 1 not reachable yet (a host coming back): try again
        }
        Thread.sleep(Math.max(0, 100 - (System.nanoTime() - t) / 1_000_000));
      }
      Thread.sleep(500);
    } finally {
      load.close();
    }
    return figures(cluster.impl(), fault, load.samples(), warmEnd, faultStart, faultEnd, recovery);
  }

  static Figures figures(Impl impl, Fault fault, List<Sample> all, long warmEnd, long faultStart, long faultEnd,
      double recovery) {
    long requests = 0;
    long failed = 0;
    long slowest = 0;
    long before = 0;
    long during = 0;
    long duringFrom = faultStart + 2_000_000_000L;
    List<String> failures = new ArrayList<>();
    for (Sample x : all) {
      if (x.end() < warmEnd) {
        continue;
      }
      requests++;
      slowest = Math.max(slowest, x.millis());
      if (!x.ok()) {
        failed++;
        if (failures.size() < 5) {
          failures.add(x.failure());
        }
      }
      if (x.end() < faultStart) {
        before++;
      } else if (x.end() >= duringFrom && x.end() < faultEnd) {
        during++;
      }
    }
    double beforeRate = before / ((faultStart - warmEnd) / 1e9);
    double duringRate = faultEnd > duringFrom ? during / ((faultEnd - duringFrom) / 1e9) : 0;
    return new Figures(impl, fault, requests, failed, slowest, beforeRate, duringRate, recovery, failures);
  }

  private static void begin(TestCluster c, NetworkLab lab, Fault f) throws IOException, InterruptedException {
    switch (f) {
      case FROZEN -> c.freeze(1);
      case DARK -> lab.unplug(1);
      case ONE_WAY -> lab.dropFrom(1, 2);
    }
  }

  private static void end(TestCluster c, NetworkLab lab, Fault f) throws IOException, InterruptedException {
    switch (f) {
      case FROZEN -> c.thaw(1);
      case DARK -> lab.plugIn(1);
      case ONE_WAY -> lab.heal(2);
    }
  }
}
