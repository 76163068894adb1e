package org.groupcache4j.bench.fault.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Collects a history as it happens, from any thread: the clients' operations, the origin's loads
 * and the fault steps, all timed by this one clock ({@link System#nanoTime} since it was made) and
 * numbered by one counter, so that ids follow the order in which entries began.
 */
public final class HistoryRecorder {
  private final long t0 = System.nanoTime();
  private final AtomicInteger ids = new AtomicInteger();
  private final Queue<Op> ops = new ConcurrentLinkedQueue<>();
  private final Queue<SourceLoad> loads = new ConcurrentLinkedQueue<>();
  private final Queue<FaultStep> steps = new ConcurrentLinkedQueue<>();
  private final AtomicInteger opCount = new AtomicInteger();

  /** Nanoseconds since the recorder was made. */
  public long now() {
    return System.nanoTime() - t0;
  }

  /** The id of an entry that begins now. */
  public int nextId() {
    return ids.incrementAndGet();
  }

  public void add(Op op) {
    ops.add(op);
    opCount.incrementAndGet();
  }

  public void add(SourceLoad load) {
    loads.add(load);
  }

  /** Records a fault step begun at {@code began} ({@link #now} then) and done now. */
  public FaultStep step(int fault, FaultKind kind, String what, long began, boolean ownerChange, List<Integer> apiDown,
      List<Integer> apiUp) {
    FaultStep s = new FaultStep(nextId(), fault, kind, what, began, now(), ownerChange, apiDown, apiUp);
    steps.add(s);
    return s;
  }

  /** Operations recorded so far. */
  public int operations() {
    return opCount.get();
  }

  /** Everything recorded so far. */
  public History history(long seed, Map<Integer, String> peers) {
    return new History(seed, peers, new ArrayList<>(ops), new ArrayList<>(loads), new ArrayList<>(steps));
  }
}
