package org.groupcache4j.bench.fault.history;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.groupcache4j.bench.fault.NetworkLab;
import org.groupcache4j.bench.fault.TestCluster;
import org.groupcache4j.bench.fault.history.FaultSchedule.PlannedFault;

/**
 * Takes a {@link PlannedFault} on a running cluster: begins it, lets it last, ends it, and records
 * each step in the history with when it began and when it was done. A node the fault makes
 * unreachable is left by the clients before the fault begins and given back to them once it
 * answers again. The end of a fault is taken even when its beginning failed halfway (a step that
 * failed is not recorded).
 *
 * <ul>
 *   <li>{@link FaultKind#FREEZE}: SIGSTOP, then SIGCONT;</li>
 *   <li>{@link FaultKind#KILL}: SIGKILL; then the node is started again with the same command,
 *       a step done when the node is ready;</li>
 *   <li>{@link FaultKind#ISOLATE}: the host's link goes down, then up;</li>
 *   <li>{@link FaultKind#ONE_WAY}: nftables in one host drops every packet from another, then the
 *       rule is deleted;</li>
 *   <li>{@link FaultKind#MEMBERSHIP}: the peers file is rewritten without the node, then with all
 *       three.</li>
 * </ul>
 * Every beginning and end changes owners.
 */
public final class FaultInjector {
  private final TestCluster cluster;
  private final Workload clients;
  private final HistoryRecorder recorder;

  public FaultInjector(TestCluster cluster, Workload clients, HistoryRecorder recorder) {
    this.cluster = cluster;
    this.clients = clients;
    this.recorder = recorder;
  }

  /** Begins {@code f}, waits its length, ends it. */
  public void inject(PlannedFault f) throws IOException, InterruptedException {
    NetworkLab lab = cluster.lab();
    if (f.kind().needsLab() && lab == null) {
      throw new IllegalArgumentException(f + " needs the nodes in a NetworkLab");
    }
    int n = f.node();
    try {
      switch (f.kind()) {
        case FREEZE -> {
          long t = leave(n);
          cluster.freeze(n);
          recorder.step(f.id(), f.kind(), "SIGSTOP n" + n, t, true, List.of(n), List.of());
        }
        case KILL -> {
          long t = leave(n);
          cluster.kill(n);
          recorder.step(f.id(), f.kind(), "SIGKILL n" + n, t, true, List.of(n), List.of());
        }
        case ISOLATE -> {
          long t = leave(n);
          lab.unplug(n);
          recorder.step(f.id(), f.kind(), "h" + n + "'s link down", t, true, List.of(n), List.of());
        }
        case ONE_WAY -> {
          long t = recorder.now();
          lab.dropFrom(n, f.other());
          recorder.step(f.id(), f.kind(), "h" + f.other() + " drops every packet from h" + n, t, true, List.of(), List.of());
        }
        case MEMBERSHIP -> {
          long t = recorder.now();
          List<Integer> others = new ArrayList<>(List.of(1, 2, 3));
          others.remove(Integer.valueOf(n));
          cluster.writePeers(others);
          recorder.step(f.id(), f.kind(), "peers file without n" + n, t, true, List.of(), List.of());
        }
      }
      Thread.sleep(f.length().toMillis());
    } finally {
      end(f);
    }
  }

  /** The clients leave node {@code n}; returns the time. */
  private long leave(int n) {
    clients.leave(n);
    return recorder.now();
  }

  private void end(PlannedFault f) throws IOException, InterruptedException {
    int n = f.node();
    long t = recorder.now();
    switch (f.kind()) {
      case FREEZE -> {
        cluster.thaw(n);
        recorder.step(f.id(), f.kind(), "SIGCONT n" + n, t, true, List.of(), List.of(n));
        clients.comeBack(n);
      }
      case KILL -> {
        cluster.restart(n);
        recorder.step(f.id(), f.kind(), "n" + n + " started again", t, true, List.of(), List.of(n));
        clients.comeBack(n);
      }
      case ISOLATE -> {
        cluster.lab().plugIn(n);
        recorder.step(f.id(), f.kind(), "h" + n + "'s link up", t, true, List.of(), List.of(n));
        clients.comeBack(n);
      }
      case ONE_WAY -> {
        cluster.lab().heal(f.other());
        recorder.step(f.id(), f.kind(), "h" + f.other() + " takes packets from h" + n + " again", t, true, List.of(),
            List.of());
      }
      case MEMBERSHIP -> {
        cluster.writePeers(List.of(1, 2, 3));
        recorder.step(f.id(), f.kind(), "peers file with n" + n + " again", t, true, List.of(), List.of());
      }
    }
  }
}
