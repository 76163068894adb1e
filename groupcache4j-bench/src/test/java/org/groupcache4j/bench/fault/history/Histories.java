package org.groupcache4j.bench.fault.history;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hand-written histories for tests, times in milliseconds: {@code load(3, "k", 0, 1)} is node 3
 * loading k from the source ({@code src:k:1}, numbered per key as the harness's origin does).
 */
final class Histories {
  private final List<Op> ops = new ArrayList<>();
  private final List<SourceLoad> loads = new ArrayList<>();
  private final List<FaultStep> steps = new ArrayList<>();
  private final Map<String, Integer> loadsPerKey = new LinkedHashMap<>();
  private int nextId = 1;

  static long ms(long millis) {
    return millis * 1_000_000;
  }

  /** Node {@code node} loads {@code key} from the source; returns the value it got. */
  String load(int node, String key, long start, long end) {
    int n = loadsPerKey.merge(key, 1, Integer::sum);
    String value = "src:" + key + ":" + n;
    loads.add(new SourceLoad(nextId++, node, key, value, ms(start), ms(end)));
    return value;
  }

  Op get(int node, String key, long start, long end, String read) {
    return add(new Op(nextId++, 1, node, Op.Kind.GET, key, null, ms(start), ms(end), 200, read, null, null, null));
  }

  Op failedGet(int node, String key, long start, long end, int status, String error) {
    return add(new Op(nextId++, 1, node, Op.Kind.GET, key, null, ms(start), ms(end), status, null, null, null, error));
  }

  /** A set at node 1 answered 200; every other node told unless named in {@code notTold}. */
  Op set(String key, String value, long start, long end, Map<Integer, String> notTold) {
    return write(Op.Kind.SET, 1, key, value, start, end, 200, notTold);
  }

  Op set(String key, String value, long start, long end) {
    return set(key, value, start, end, Map.of());
  }

  Op remove(String key, long start, long end) {
    return write(Op.Kind.REMOVE, 1, key, null, start, end, 200, Map.of());
  }

  Op write(Op.Kind kind, int node, String key, String value, long start, long end, int status,
      Map<Integer, String> notTold) {
    List<Integer> told = new ArrayList<>();
    if (status == 200) {
      for (int n = 1; n <= 3; n++) {
        if (n != node && !notTold.containsKey(n)) {
          told.add(n);
        }
      }
    }
    return add(new Op(nextId++, 2, node, kind, key, value, ms(start), ms(end), status, null, told,
        status == 200 ? notTold : Map.of(), status == 200 ? null : "failed"));
  }

  /** A write answered 200 whose answer names only {@code told} (a node it did not know of is in neither list). */
  Op setTelling(String key, String value, long start, long end, List<Integer> told) {
    return add(new Op(nextId++, 2, 1, Op.Kind.SET, key, value, ms(start), ms(end), 200, null, told, Map.of(), null));
  }

  /** A fault step begun at {@code time} and done at {@code done}. */
  FaultStep step(int fault, FaultKind kind, String what, long time, long done, boolean ownerChange, List<Integer> apiDown,
      List<Integer> apiUp) {
    FaultStep s = new FaultStep(nextId++, fault, kind, what, ms(time), ms(done), ownerChange, apiDown, apiUp);
    steps.add(s);
    return s;
  }

  /**
   * A node frozen from {@code from} to {@code to} (each signal done 10 ms after it began): owner
   * changes at both ends, the clients leave it meanwhile.
   */
  void freeze(int fault, int node, long from, long to) {
    step(fault, FaultKind.FREEZE, "SIGSTOP n" + node, from, from + 10, true, List.of(node), List.of());
    step(fault, FaultKind.FREEZE, "SIGCONT n" + node, to, to + 10, true, List.of(), List.of(node));
  }

  private Op add(Op o) {
    ops.add(o);
    return o;
  }

  History build() {
    return new History(42, Map.of(1, "http://10.0.0.1:8001", 2, "http://10.0.0.2:8001", 3, "http://10.0.0.3:8001"), ops,
        loads, steps);
  }
}
