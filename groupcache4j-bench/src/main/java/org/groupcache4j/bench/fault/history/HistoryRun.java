package org.groupcache4j.bench.fault.history;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.groupcache4j.bench.fault.NetworkLab;
import org.groupcache4j.bench.fault.TestCluster;
import org.groupcache4j.bench.fault.history.FaultSchedule.PlannedFault;

/**
 * A recorded run: three node processes (each on a host of its own in a {@link NetworkLab} when a
 * fault needs one, else on loopback) that load from a {@link HistoryOrigin} in this process and
 * follow a peers file, with the hot store on; a {@link Workload} on their APIs; the faults of a
 * {@link FaultSchedule}, one after the other. The run ends after the last fault, a quiet tail, and
 * at least {@code minOperations} operations; its history is written to a file as it ends, also
 * when the run fails.
 */
public final class HistoryRun {
  /**
   * What to run.
   *
   * @param seed the fault schedule's and the clients' seed
   * @param tail how long the clients go on after the last fault
   * @param minOperations the run goes on until at least this many operations were recorded
   * @param requestTimeout how long a client waits for an answer
   */
  public record Settings(long seed, int clients, int keys, Workload.Mix mix, Set<FaultKind> faults, int faultsPerKind,
      FaultSchedule.Timing timing, Duration tail, long minOperations, Duration requestTimeout) {
    /** Whether the nodes must be in network namespaces. */
    public boolean needsLab() {
      return faults.stream().anyMatch(FaultKind::needsLab);
    }
  }

  /** What a run did: its history (also in {@code file}) and the faults it injected. */
  public record Outcome(History history, List<PlannedFault> faults, Path file) {}

  private HistoryRun() {}

  /** Runs {@code s}, with the nodes' output and the history file in {@code programs.logs()}. */
  public static Outcome run(TestCluster.Programs programs, Settings s, Path historyFile, PrintStream progress)
      throws IOException, InterruptedException {
    List<PlannedFault> plan = FaultSchedule.plan(s.seed(), s.faults(), s.faultsPerKind(), s.timing());
    List<String> keys = new ArrayList<>();
    for (int k = 0; k < s.keys(); k++) {
      keys.add("k" + k);
    }
    HistoryRecorder recorder = new HistoryRecorder();
    Map<Integer, String> peers = new TreeMap<>();
    NetworkLab lab = s.needsLab() ? NetworkLab.create(3) : null;
    try (HistoryOrigin origin = HistoryOrigin.start(lab == null ? "127.0.0.1" : lab.harnessAddress(), recorder);
        TestCluster cluster = TestCluster.start(programs, lab,
            new TestCluster.NodeOptions(origin::template, true, true, "INFO"))) {
      for (int n = 1; n <= 3; n++) {
        peers.put(n, cluster.peer(n));
      }
      progress.printf("%s s: 3 nodes up%s; %d clients on %d keys; %d faults planned%n", now(recorder),
          lab == null ? " on loopback" : " in " + lab, s.clients(), s.keys(), plan.size());
      try (Workload clients = new Workload(cluster, recorder, s.seed(), s.clients(), keys, s.mix(), s.requestTimeout())) {
        FaultInjector injector = new FaultInjector(cluster, clients, recorder);
        for (PlannedFault f : plan) {
          Thread.sleep(f.pauseBefore().toMillis());
          progress.printf("%s s: %s (%d operations so far)%n", now(recorder), f, recorder.operations());
          injector.inject(f);
        }
        Thread.sleep(s.tail().toMillis());
        while (recorder.operations() < s.minOperations()) {
          Thread.sleep(200); // more operations without faults, up to the minimum
        }
      }
      progress.printf("%s s: the clients stopped after %d operations%n", now(recorder), recorder.operations());
    } finally {
      if (lab != null) {
        lab.close();
      }
      if (peers.isEmpty()) {
        progress.println("the cluster did not start; see the nodes' logs in " + programs.logs());
      }
      HistoryFile.write(recorder.history(s.seed(), peers), historyFile);
    }
    return new Outcome(recorder.history(s.seed(), peers), plan, historyFile);
  }

  private static String now(HistoryRecorder r) {
    return HistoryText.seconds(r.now());
  }
}
