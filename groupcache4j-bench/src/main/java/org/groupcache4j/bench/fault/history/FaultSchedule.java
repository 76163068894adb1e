package org.groupcache4j.bench.fault.history;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which faults a run injects, in which order, on which nodes, for how long, and after what pause:
 * a pure function of the seed, so a seed gives the same schedule.
 */
public final class FaultSchedule {
  /**
   * One fault: {@code node} is the node frozen, killed, unplugged or left out of the peer list;
   * for {@link FaultKind#ONE_WAY} host {@code other} drops every packet from host {@code node}.
   *
   * @param pauseBefore how long the run goes on without a fault before this one begins
   */
  public record PlannedFault(int id, FaultKind kind, int node, int other, Duration length, Duration pauseBefore) {
    @Override
    public String toString() {
      String where = kind == FaultKind.ONE_WAY ? "h" + other + " drops packets from h" + node : "n" + node;
      return "fault#" + id + " " + kind + " " + where + " for " + HistoryText.seconds(length.toNanos()) + " s";
    }
  }

  /**
   * How long faults and the pauses between them last: each drawn evenly from its range.
   */
  public record Timing(Duration minLength, Duration maxLength, Duration minPause, Duration maxPause) {
    public Timing {
      if (minLength.compareTo(maxLength) > 0 || minPause.compareTo(maxPause) > 0 || minLength.isNegative()
          || minPause.isNegative()) {
        throw new IllegalArgumentException("fault lengths " + minLength + "–" + maxLength + " and pauses " + minPause + "–"
            + maxPause + " must be ranges of durations >= 0, the least first");
      }
    }
  }

  private FaultSchedule() {}

  /** {@code perKind} faults of each of {@code kinds}, shuffled by {@code seed}. */
  public static List<PlannedFault> plan(long seed, Set<FaultKind> kinds, int perKind, Timing timing) {
    Random random = new Random(seed);
    List<FaultKind> order = new ArrayList<>();
    for (FaultKind k : new TreeSet<>(kinds)) {
      for (int i = 0; i < perKind; i++) {
        order.add(k);
      }
    }
    Collections.shuffle(order, random);
    List<PlannedFault> plan = new ArrayList<>();
    for (FaultKind k : order) {
      int node = 1 + random.nextInt(3);
      int other = k == FaultKind.ONE_WAY ? 1 + (node + random.nextInt(2)) % 3 : 0;
      plan.add(new PlannedFault(plan.size() + 1, k, node, other, between(random, timing.minLength(), timing.maxLength()),
          between(random, timing.minPause(), timing.maxPause())));
    }
    return plan;
  }

  private static Duration between(Random random, Duration min, Duration max) {
    long span = max.toMillis() - min.toMillis();
    return min.plusMillis(span == 0 ? 0 : random.nextLong(span + 1));
  }

  /** How many faults of each kind {@code plan} holds. */
  public static Map<FaultKind, Integer> count(List<PlannedFault> plan) {
    Map<FaultKind, Integer> n = new EnumMap<>(FaultKind.class);
    plan.forEach(f -> n.merge(f.kind(), 1, Integer::sum));
    return n;
  }
}
