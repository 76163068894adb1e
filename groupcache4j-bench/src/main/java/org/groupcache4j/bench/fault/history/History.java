package org.groupcache4j.bench.fault.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a run did: every client operation, every source load and every fault step, all timed on
 * one clock (nanoseconds since the run began).
 *
 * @param seed the seed of the run's fault schedule and workload
 * @param peers each node's peer URL, by node number
 */
public record History(long seed, Map<Integer, String> peers, List<Op> ops, List<SourceLoad> loads,
    List<FaultStep> steps) {
  public History {
    peers = new TreeMap<>(peers);
    ops = sorted(ops, Comparator.comparingLong(Op::start).thenComparingInt(Op::id));
    loads = sorted(loads, Comparator.comparingLong(SourceLoad::start).thenComparingInt(SourceLoad::id));
    steps = sorted(steps, Comparator.comparingLong(FaultStep::time).thenComparingInt(FaultStep::id));
  }

  private static <T> List<T> sorted(List<T> list, Comparator<T> order) {
    List<T> copy = new ArrayList<>(list);
    copy.sort(order);
    return List.copyOf(copy);
  }

  /** The operations of one kind. */
  public long count(Op.Kind kind) {
    return ops.stream().filter(o -> o.kind() == kind).count();
  }

  /** How many faults of each kind the steps belong to. */
  public Map<FaultKind, Integer> faults() {
    Map<FaultKind, Set<Integer>> ids = new EnumMap<>(FaultKind.class);
    steps.forEach(s -> ids.computeIfAbsent(s.kind(), k -> new TreeSet<>()).add(s.fault()));
    Map<FaultKind, Integer> n = new EnumMap<>(FaultKind.class);
    ids.forEach((k, set) -> n.put(k, set.size()));
    return n;
  }

  /**
   * E.g. {@code 13688 operations: 10214 gets (10190 answered 200), 2046 sets (2001), 1428 removes
   * (1400); 1121 source loads; faults: FREEZE 1, KILL 1}.
   */
  public String counts() {
    StringBuilder sb = new StringBuilder().append(ops.size()).append(" operations: ");
    List<String> kinds = new ArrayList<>();
    for (Op.Kind k : Op.Kind.values()) {
      long ok = ops.stream().filter(o -> o.kind() == k && o.ok()).count();
      kinds.add(count(k) + " " + k.name().toLowerCase(Locale.ROOT) + "s (" + ok + " answered 200)");
    }
    sb.append(String.join(", ", kinds)).append("; ").append(loads.size()).append(" source loads; faults: ");
    List<String> faults = new ArrayList<>();
    faults().forEach((k, n) -> faults.add(k + " " + n));
    return sb.append(faults.isEmpty() ? "none" : String.join(", ", faults)).toString();
  }
}
