package org.groupcache4j.bench.fault.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Histories of a cache that keeps every promise, made at random: each operation takes effect at
 * one instant inside its interval, in one order; a get of a key that holds nothing loads it from
 * the source at that instant. The checker finds nothing wrong with any of them, and finds the one
 * read or load that a history is then made to get wrong.
 */
class LinearizableHistoriesTest {
  private static final HistoryChecker.Bounds BOUNDS = new HistoryChecker.Bounds(Duration.ZERO, Duration.ofSeconds(5),
      Duration.ZERO);

  @Property(tries = 300)
  void aHistoryThatKeepsThePromisesPasses(@ForAll long seed) {
    History h = linearizable(seed);

    assertThat(HistoryChecker.check(h, BOUNDS).violations()).as("%s", h).isEmpty();
  }

  @Property(tries = 300)
  void aReadOfAValueOverwrittenBeforeTheReadBeganIsStale(@ForAll long seed) {
    History h = linearizable(seed);
    Op stale = null;
    String older = null;
    for (Op r : h.ops()) {
      for (Op w : h.ops()) {
        for (Op x : h.ops()) {
          if (stale == null && r.kind() == Op.Kind.GET && x.kind() == Op.Kind.SET && w.isWrite() && w.key().equals(r.key())
              && x.key().equals(r.key()) && x.end() < w.start() && w.end() < r.start()) {
            stale = r;
            older = x.written();
          }
        }
      }
    }
    Assume.that(stale != null);
    Op read = stale;
    History wrong = replace(h, read, new Op(read.id(), read.client(), read.node(), read.kind(), read.key(), null, read.start(),
        read.end(), 200, older, null, null, null));

    Report report = HistoryChecker.check(wrong, BOUNDS);

    assertThat(report.violations()).extracting(Violation::kind, Violation::subject)
        .containsExactly(tuple(Violation.Kind.STALE_READ, read.id()));
  }

  @Property(tries = 300)
  void aSecondLoadWithNoRemoveBetweenIsAnExtraLoad(@ForAll long seed) {
    History h = linearizable(seed);
    Assume.that(!h.loads().isEmpty());
    SourceLoad first = h.loads().get(new Random(seed).nextInt(h.loads().size()));
    boolean removeUnderWay = h.ops().stream().anyMatch(o -> o.kind() == Op.Kind.REMOVE && o.key().equals(first.key())
        && o.end() >= first.start());
    Assume.that(!removeUnderWay);
    SourceLoad again = new SourceLoad(1_000_000, 2, first.key(), "src:" + first.key() + ":again", first.start() + 1,
        first.end() + 1);
    List<SourceLoad> loads = new ArrayList<>(h.loads());
    loads.add(again);

    Report report = HistoryChecker.check(new History(h.seed(), h.peers(), h.ops(), loads, h.steps()), BOUNDS);

    assertThat(report.violations()).extracting(Violation::kind, Violation::subject)
        .containsExactly(tuple(Violation.Kind.EXTRA_LOAD, again.id()));
  }

  private static History replace(History h, Op old, Op now) {
    List<Op> ops = new ArrayList<>(h.ops());
    ops.set(ops.indexOf(old), now);
    return new History(h.seed(), h.peers(), ops, h.loads(), h.steps());
  }

  /** Up to 60 operations on up to 3 keys at 3 nodes, each taking effect at a distinct instant of its interval. */
  static History linearizable(long seed) {
    Random r = new Random(seed);
    int n = 1 + r.nextInt(60);
    int keys = 1 + r.nextInt(3);
    record Planned(int index, Op.Kind kind, String key, int node, long start, long end, long at) {}
    List<Planned> planned = new ArrayList<>();
    Set<Long> instants = new HashSet<>();
    for (int i = 0; i < n; i++) {
      long start = r.nextInt(2_000) * 1_000_000L + r.nextInt(1_000_000);
      long end = start + 1_000_000L + r.nextInt(100_000_000); // 1 to 101 ms
      long at;
      do {
        at = start + (long) (r.nextDouble() * (end - start)); // in [start, end)
      } while (!instants.add(at));
      double dice = r.nextDouble();
      Op.Kind kind = dice < 0.25 ? Op.Kind.SET : dice < 0.4 ? Op.Kind.REMOVE : Op.Kind.GET;
      planned.add(new Planned(i, kind, "k" + r.nextInt(keys), 1 + r.nextInt(3), start, end, at));
    }
    planned.sort(Comparator.comparingLong(Planned::at));
    Map<String, String> state = new HashMap<>();
    Map<String, Integer> loaded = new HashMap<>();
    List<Op> ops = new ArrayList<>();
    List<SourceLoad> loads = new ArrayList<>();
    for (Planned p : planned) {
      int id = p.index() + 1;
      List<Integer> others = new ArrayList<>(List.of(1, 2, 3));
      others.remove(Integer.valueOf(p.node()));
      switch (p.kind()) {
        case SET -> {
          String v = "v" + id;
          state.put(p.key(), v);
          ops.add(new Op(id, 1, p.node(), Op.Kind.SET, p.key(), v, p.start(), p.end(), 200, null, others, Map.of(), null));
        }
        case REMOVE -> {
          state.remove(p.key());
          ops.add(new Op(id, 1, p.node(), Op.Kind.REMOVE, p.key(), null, p.start(), p.end(), 200, null, others, Map.of(), null));
        }
        case GET -> {
          String v = state.get(p.key());
          if (v == null) {
            v = "src:" + p.key() + ":" + loaded.merge(p.key(), 1, Integer::sum);
            loads.add(new SourceLoad(10_000 + id, 3, p.key(), v, p.at(), p.at() + 1));
            state.put(p.key(), v);
          }
          ops.add(new Op(id, 1, p.node(), Op.Kind.GET, p.key(), null, p.start(), p.end(), 200, v, null, null, null));
        }
      }
    }
    return new History(seed, Map.of(1, "http://n1", 2, "http://n2", 3, "http://n3"), ops, loads, List.of());
  }
}
