package org.groupcache4j.bench.fault.history;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.groupcache4j.internal.LongArrays;

/**
 * Checks a {@link History} against the cluster's promises, and shrinks each violation to the part
 * of the history that explains it. Pure: no clock, no I/O; the same history gives the same report.
 *
 * <h2>The model</h2>
 * A key's value is made in one of two ways, and every value is told apart: a <b>set</b> writes a
 * value no other set writes (client and sequence number), and a <b>source load</b> gets a value no
 * other load got (the harness's origin counts its loads per key). A value read is therefore traced
 * to the one set or load that made it, its <em>producer</em>. Sets never reach the source: a value
 * loaded from the source is older than every set that returned before the load began, unless a
 * remove dropped that set's value in between; a remove asks the next get to load the key anew.
 *
 * <p>Every operation is an interval on one clock: from the client's send to its answer; a source
 * load from its arrival at the origin to its answer. A write answered 200 took effect within its
 * interval; one that failed or got no answer may take effect at any time after it began (its
 * interval never ends, {@link Op#effectEnd}). "Older than" is the real-time partial order of these
 * intervals, so that a read may see any write that overlaps it:
 * <ul>
 *   <li>a value written by set {@code X} is <em>not older</em> than write {@code W} if {@code X}
 *       is {@code W}, or {@code X} had not ended when {@code W} began ({@code X} is concurrent
 *       with or later than {@code W});</li>
 *   <li>a value made by source load {@code L} is not older than {@code W} if some remove
 *       {@code X} began before {@code L} began and had not ended when {@code W} began: {@code X}
 *       is {@code W} itself, or a remove concurrent with or later than {@code W}, and {@code L}
 *       is a load after it. Without such a remove the loaded value predates {@code W}.</li>
 * </ul>
 *
 * <h2>The promises</h2>
 * <ol>
 *   <li><b>No stale read</b> ({@link Violation.Kind#STALE_READ}): a get answered 200 that began
 *       after a write {@code W} of its key had returned 200 sees a value not older than {@code W};
 *       except at a node {@code W}'s answer names outside {@code told} (not told, or to be told
 *       later), and there only while the read begins within {@link Bounds#notToldBound} of
 *       {@code W}'s return. A value that no set of the key wrote and no load of the key made, or
 *       made only after the read ended, is {@link Violation.Kind#UNEXPLAINED_VALUE}.</li>
 *   <li><b>Fill once</b> ({@link Violation.Kind#EXTRA_LOAD}): between two owner changes (the fault
 *       steps marked {@link FaultStep#ownerChange}: a fault's beginning and end), each key is
 *       loaded from the source at most once, whichever node loads it; each further load needs a
 *       remove of the key of its own, one that began before the load and had not ended when the
 *       previous load of the key began (it dropped what that load brought, or made it be thrown
 *       away). A set calls for no load: its value is stored at the owner. The nodes learn of an
 *       owner change at slightly different times, so a load from when the step began until
 *       {@link Bounds#ownerChangeWindow} after it was done may count to either side of it; and
 *       while they disagree, the owner on each side loads once after a remove, so a remove calls
 *       for one load on each side of a change.</li>
 *   <li><b>No failed read</b> ({@link Violation.Kind#FAILED_READ}, {@link Violation.Kind#LATE_READ}):
 *       every get is answered 200 within {@link Bounds#readDeadline}, except one sent to a node
 *       the clients had left ({@link FaultStep#apiDown} to {@link FaultStep#apiUp}: frozen,
 *       killed, or off the network) while it was under way; a load balancer cannot do better for a
 *       request already sent.</li>
 * </ol>
 * Writes promise nothing of their own beyond their answer: one that fails or times out is simply
 * of unknown effect.
 *
 * <h2>Shrinking</h2>
 * Each violation comes with the smallest part of the history that explains it, a fixed function
 * of the history: for a stale read, the read, the write it contradicts, the producer of the value
 * it saw, and every write and source load of the key between the write's beginning and the read's
 * end; for an extra load, the loads of the key counted between the owner changes it could count
 * to (if that does not show it again on its own: with the stretch before them too; else every load
 * back to an owner change that no later load could count before), the removes that could call for
 * them and the sets among them; for a failed read, the read. Each comes with every step of the faults overlapping
 * its stretch and of the last fault before it (what a fault leaves behind, a peer judged down,
 * outlasts it). Other reads are left out (they are counted): no read changes another's verdict.
 * Each explanation is checked again on its own and must still show its violation.
 */
public final class HistoryChecker {
  /**
   * The limits the promises allow.
   *
   * @param notToldBound how long after a write returned a node it names as not told may still
   *     serve the value from before it (the group's hot-store max age, or the bound within which
   *     missed writes are delivered)
   * @param readDeadline the longest a read may take
   * @param ownerChangeWindow how long after a fault step is done the nodes may still disagree about
   *     who owns a key (failure detection, taking a peer back, reading a peers file): a load from
   *     when the step began to this long after it was done may count to the owners before the
   *     change or after it
   * @param loadTransit how long before the origin saw a load the node may have begun it (the
   *     origin times a load when its request arrives): a remove that ended less than this before
   *     a load reached the origin is taken as concurrent with it, as it may have been at the node
   */
  public record Bounds(Duration notToldBound, Duration readDeadline, Duration ownerChangeWindow, Duration loadTransit) {
    /** Bounds without a load transit: loads timed where they began. */
    public Bounds(Duration notToldBound, Duration readDeadline, Duration ownerChangeWindow) {
      this(notToldBound, readDeadline, ownerChangeWindow, Duration.ZERO);
    }

    public Bounds {
      if (notToldBound.isNegative() || ownerChangeWindow.isNegative() || readDeadline.isNegative()
          || readDeadline.isZero() || loadTransit.isNegative()) {
        throw new IllegalArgumentException("the not-told bound and the owner-change window must not be negative and "
            + "the read deadline must be positive (not-told bound " + notToldBound + ", read deadline " + readDeadline
            + ", owner-change window " + ownerChangeWindow + ")");
      }
    }
  }

  private final History h;
  private final long notToldBound;
  private final long readDeadline;
  private final long ownerChangeWindow;
  private final long loadTransit;
  private final boolean recheckExplanations;
  private final Map<String, List<Op>> writesByKey = new TreeMap<>();
  private final Map<String, List<Op>> readsByKey = new TreeMap<>();
  private final Map<String, List<SourceLoad>> loadsByKey = new TreeMap<>();
  private final Map<Integer, long[]> faultSpans = new LinkedHashMap<>(); // fault -> its first step's beginning, last step's end
  private final Map<Integer, List<FaultStep>> faultSteps = new LinkedHashMap<>();

  private HistoryChecker(History h, Bounds b, boolean recheckExplanations) {
    this.h = h;
    this.notToldBound = b.notToldBound().toNanos();
    this.readDeadline = b.readDeadline().toNanos();
    this.ownerChangeWindow = b.ownerChangeWindow().toNanos();
    this.loadTransit = b.loadTransit().toNanos();
    this.recheckExplanations = recheckExplanations;
    for (Op o : h.ops()) {
      (o.isWrite() ? writesByKey : readsByKey).computeIfAbsent(o.key(), k -> new ArrayList<>()).add(o);
    }
    for (SourceLoad l : h.loads()) {
      loadsByKey.computeIfAbsent(l.key(), k -> new ArrayList<>()).add(l);
    }
    for (FaultStep s : h.steps()) {
      faultSteps.computeIfAbsent(s.fault(), f -> new ArrayList<>()).add(s);
      faultSpans.merge(s.fault(), new long[] {s.time(), s.done()},
          (a, b2) -> new long[] {Math.min(a[0], b2[0]), Math.max(a[1], b2[1])});
    }
  }

  /** Checks every promise over the whole history. */
  public static Report check(History history, Bounds bounds) {
    return new HistoryChecker(history, bounds, true).run();
  }

  private Report run() {
    List<Violation> out = new ArrayList<>();
    values(out);
    loads(out);
    availability(out);
    Map<Integer, Long> startOf = new HashMap<>();
    h.ops().forEach(o -> startOf.put(o.id(), o.start()));
    h.loads().forEach(l -> startOf.put(l.id(), l.start()));
    out.sort(Comparator.comparing(Violation::kind).thenComparingLong(v -> startOf.getOrDefault(v.subject(), Long.MAX_VALUE)));
    return new Report(out);
  }

  // ---- promise 1: no stale read

  private void values(List<Violation> out) {
    for (Map.Entry<String, List<Op>> e : readsByKey.entrySet()) {
      String key = e.getKey();
      List<Op> writes = new ArrayList<>(writesByKey.getOrDefault(key, List.of()));
      writes.sort(Comparator.comparingLong(Op::start)); // a read looks only at the writes that began in its window
      long[] starts = new long[writes.size()];
      for (int i = 0; i < starts.length; i++) {
        starts[i] = writes.get(i).start();
      }
      Map<String, Op> setOf = new HashMap<>();
      List<Op> removes = new ArrayList<>();
      for (Op w : writes) {
        if (w.kind() == Op.Kind.SET) {
          setOf.put(w.written(), w);
        } else {
          removes.add(w);
        }
      }
      long[] removeStarts = new long[removes.size()];
      long[] removeEnds = new long[removes.size()]; // the latest effect end of the removes up to each, by start
      for (int i = 0; i < removeEnds.length; i++) {
        removeStarts[i] = removes.get(i).start();
        removeEnds[i] = Math.max(i == 0 ? Long.MIN_VALUE : removeEnds[i - 1], removes.get(i).effectEnd());
      }
      Map<String, SourceLoad> loadOf = new HashMap<>();
      for (SourceLoad l : loadsByKey.getOrDefault(key, List.of())) {
        loadOf.put(l.value(), l);
      }
      for (Op r : e.getValue()) {
        if (!r.ok()) {
          continue;
        }
        Op set = setOf.get(r.read());
        SourceLoad load = set == null ? loadOf.get(r.read()) : null;
        if (set == null && load == null) {
          out.add(unexplained(r, "no set of " + key + " wrote it and no source load of " + key + " made it"));
          continue;
        }
        long made = set != null ? set.start() : load.start();
        if (made >= r.end()) {
          out.add(unexplained(r, "it was " + (set != null ? "written by op#" + set.id() : "loaded by load#" + load.id())
              + " only at " + HistoryText.seconds(made) + ", after the read ended"));
          continue;
        }
        // The value is older than every write W with W.start >= newerThan.
        long newerThan = set != null ? set.effectEnd() : latestRemoveEnd(removeStarts, removeEnds, load.start());
        Op against = null;
        for (int i = LongArrays.lowerBound(starts, newerThan); i < starts.length && starts[i] < r.start(); i++) {
          Op w = writes.get(i);
          if (!w.ok() || w.end() >= r.start() || w == set || excused(w, r)) {
            continue;
          }
          if (against == null || w.end() > against.end()) {
            against = w;
          }
        }
        if (against != null) {
          out.add(stale(r, against, set, load));
        }
      }
    }
  }

  /** Whether {@code w} names {@code r}'s node as not told and {@code r} began within the bound. */
  private boolean excused(Op w, Op r) {
    return w.notTold().containsKey(r.node()) && r.start() - w.end() < notToldBound;
  }

  /**
   * The latest end of a remove that began before {@code t}, or {@link Long#MIN_VALUE}:
   * {@code removeStarts} the removes' starts in order, {@code removeEnds} the running maximum of
   * their effect ends.
   */
  private static long latestRemoveEnd(long[] removeStarts, long[] removeEnds, long t) {
    int began = LongArrays.lowerBound(removeStarts, t); // how many removes began before t
    return began == 0 ? Long.MIN_VALUE : removeEnds[began - 1];
  }

  private Violation stale(Op r, Op w, Op set, SourceLoad load) {
    String key = r.key();
    String node = "n" + r.node();
    String standing;
    if (w.told().contains(r.node())) {
      standing = node + " was told";
    } else if (w.notTold().containsKey(r.node())) {
      standing = node + " was named not told, but the read began " + HistoryText.seconds(r.start() - w.end())
          + " s after the write returned (bound " + HistoryText.seconds(notToldBound) + " s)";
    } else if (w.node() == r.node()) {
      standing = node + " made the write";
    } else {
      standing = node + " is not named in the write's answer";
    }
    String older = set != null
        ? r.read() + " was written by op#" + set.id() + ", which returned at " + HistoryText.seconds(set.end())
            + ", before op#" + w.id() + " began"
        : r.read() + " was loaded by n" + load.node() + " at " + HistoryText.seconds(load.start())
            + " s (load#" + load.id() + "), and no remove of " + key + " that began before that load was still under way"
            + " when op#" + w.id() + " began";
    String headline = node + " read " + key + " = " + r.read() + " (op#" + r.id() + ", from " + HistoryText.seconds(r.start())
        + " s), but op#" + w.id() + " " + (w.kind() == Op.Kind.SET ? "set " + key + " = " + w.written() : "removed " + key)
        + " at n" + w.node() + " and returned at " + HistoryText.seconds(w.end()) + " s, before the read began; " + standing
        + "; " + older;
    long lo = w.start();
    long hi = r.end();
    List<Op> ops = new ArrayList<>(List.of(r, w));
    if (set != null) {
      ops.add(set);
    }
    for (Op x : writesByKey.getOrDefault(key, List.of())) {
      if (overlaps(x.start(), x.end(), lo, hi)) { // a write left out can only make the value older still
        ops.add(x);
      }
    }
    List<SourceLoad> loads = new ArrayList<>();
    if (load != null) {
      loads.add(load);
    }
    for (SourceLoad l : loadsByKey.getOrDefault(key, List.of())) {
      if (overlaps(l.start(), l.end(), lo, hi)) {
        loads.add(l);
      }
    }
    History explanation = subset(ops, loads, stepsAround(lo, hi));
    Violation v = new Violation(Violation.Kind.STALE_READ, key, r.id(), headline,
        key + " " + node + " " + r.read(), explanation, leftOut(key, r, lo, hi));
    return rechecked(v);
  }

  private Violation unexplained(Op r, String why) {
    String headline = "n" + r.node() + " read " + r.key() + " = " + r.read() + " (op#" + r.id() + ", "
        + HistoryText.seconds(r.start()) + "–" + HistoryText.seconds(r.end()) + " s): " + why;
    List<Op> ops = new ArrayList<>(List.of(r));
    List<SourceLoad> loads = new ArrayList<>();
    for (Op x : writesByKey.getOrDefault(r.key(), List.of())) {
      if (x.kind() == Op.Kind.SET && r.read().equals(x.written())) {
        ops.add(x);
      }
    }
    for (List<SourceLoad> ls : loadsByKey.values()) {
      for (SourceLoad l : ls) {
        if (l.value().equals(r.read())) {
          loads.add(l);
        }
      }
    }
    History explanation = subset(ops, loads, stepsAround(r.start(), r.end()));
    return rechecked(new Violation(Violation.Kind.UNEXPLAINED_VALUE, r.key(), r.id(), headline,
        r.key() + " n" + r.node() + " " + r.read(), explanation, ""));
  }

  // ---- promise 2: fill once per owner change

  /** An owner change: from when its step began to the end of the window after it was done. */
  private record Change(FaultStep step, long from, long until) {}

  /** What one stretch between owner changes holds of a key: its loads so far. */
  private static final class Epoch {
    final List<SourceLoad> loads = new ArrayList<>();

    SourceLoad last() {
      return loads.get(loads.size() - 1);
    }
  }

  private void loads(List<Violation> out) {
    List<Change> changes = new ArrayList<>();
    for (FaultStep s : h.steps()) {
      if (s.ownerChange()) {
        changes.add(new Change(s, s.time(), s.done() + ownerChangeWindow));
      }
    }
    for (Map.Entry<String, List<SourceLoad>> e : loadsByKey.entrySet()) {
      String key = e.getKey();
      List<Op> removes = new ArrayList<>();
      for (Op w : writesByKey.getOrDefault(key, List.of())) {
        if (w.kind() == Op.Kind.REMOVE) {
          removes.add(w);
        }
      }
      Removes byStart = new Removes(removes);
      Map<Integer, Epoch> epochs = new TreeMap<>();
      // A remove calls for one load in each epoch: while the nodes disagree about an owner
      // change, the owner by the old ring and the owner by the new one each load once after it.
      Map<Op, Map<Integer, SourceLoad>> usedBy = new HashMap<>();
      for (SourceLoad l : e.getValue()) {
        int earliest = earliestEpoch(changes, l.start());
        int latest = latestEpoch(changes, l.start());
        boolean counted = false;
        for (int epoch = earliest; epoch <= latest && !counted; epoch++) {
          Epoch at = epochs.get(epoch);
          Op why = at == null ? null : removeCallingFor(byStart, spentIn(usedBy, epoch), at.last(), l);
          if (at == null || why != null) {
            if (why != null) {
              usedBy.computeIfAbsent(why, x -> new HashMap<>()).put(epoch, l);
            }
            epochs.computeIfAbsent(epoch, x -> new Epoch()).loads.add(l);
            counted = true;
          }
        }
        if (!counted) {
          Epoch at = epochs.get(latest);
          SourceLoad previous = at.last();
          at.loads.add(l);
          out.add(extraLoad(key, l, previous, changes, earliest, latest, epochs, usedBy));
        }
      }
    }
  }

  /** The first epoch a load at {@code t} may count to: every change whose window ended before {@code t} is behind it. */
  private static int earliestEpoch(List<Change> changes, long t) {
    int n = 0;
    for (Change c : changes) {
      n += c.until() < t ? 1 : 0;
    }
    return n;
  }

  /** The last epoch a load at {@code t} may count to: every change begun by {@code t} is behind it. */
  private static int latestEpoch(List<Change> changes, long t) {
    int n = 0;
    for (Change c : changes) {
      n += c.from() <= t ? 1 : 0;
    }
    return n;
  }

  /**
   * A key's removes by start, for {@link #removeCallingFor}: those answered 200 with the longest
   * of their durations (a remove that ended after a time began at most that long before it), and
   * those without a 200, whose effect has no known end.
   */
  private static final class Removes {
    final List<Op> answered = new ArrayList<>();
    final long[] starts;
    final List<Op> unanswered = new ArrayList<>();
    long longest;

    Removes(List<Op> removes) {
      for (Op x : removes) {
        if (x.ok()) {
          answered.add(x);
          longest = Math.max(longest, x.end() - x.start());
        } else {
          unanswered.add(x);
        }
      }
      answered.sort(Comparator.comparingLong(Op::start));
      starts = new long[answered.size()];
      for (int i = 0; i < starts.length; i++) {
        starts[i] = answered.get(i).start();
      }
    }
  }

  /** Whether a remove was spent on a load counted in {@code epoch}. */
  private static Predicate<Op> spentIn(Map<Op, Map<Integer, SourceLoad>> usedBy, int epoch) {
    return x -> usedBy.getOrDefault(x, Map.of()).containsKey(epoch);
  }

  /**
   * A remove, not yet spent on another load of the epoch, that calls for load {@code l} after {@code previous}:
   * it began before {@code l} and had not ended when {@code previous} began (less the load
   * transit); the one that ended first, or null.
   */
  private Op removeCallingFor(Removes removes, Predicate<Op> spent, SourceLoad previous, SourceLoad l) {
    Op why = null;
    long endedAfter = previous.start() - loadTransit;
    for (int i = LongArrays.lowerBound(removes.starts, endedAfter - removes.longest); i < removes.starts.length
        && removes.starts[i] < l.start(); i++) {
      Op x = removes.answered.get(i);
      if (!spent.test(x) && x.effectEnd() > endedAfter && (why == null || x.effectEnd() < why.effectEnd())) {
        why = x;
      }
    }
    for (Op x : removes.unanswered) {
      if (!spent.test(x) && x.start() < l.start() && (why == null || x.effectEnd() < why.effectEnd())) {
        why = x;
      }
    }
    return why;
  }

  private Violation extraLoad(String key, SourceLoad l, SourceLoad previous, List<Change> changes, int earliest, int latest,
      Map<Integer, Epoch> epochs, Map<Op, Map<Integer, SourceLoad>> usedBy) {
    FaultStep since = latest == 0 ? null : changes.get(latest - 1).step();
    String sinceText = since == null ? "since the run began"
        : "since the owner change at " + HistoryText.seconds(since.time()) + " s (" + HistoryText.describe(since) + ")";
    String window = earliest == latest ? "" : ", nor before the owner change" + (latest - earliest == 1 ? "" : "s")
        + " it came within " + HistoryText.seconds(ownerChangeWindow) + " s of";
    String headline = "load#" + l.id() + ": n" + l.node() + " loaded " + key + " at " + HistoryText.seconds(l.start())
        + " s, and " + key + " was loaded already " + sinceText + window + " (last by n" + previous.node() + " at "
        + HistoryText.seconds(previous.start()) + " s, load#" + previous.id() + "), with no remove of " + key
        + " since that load to call for another";
    // The shortest explanation that shows the violation again: the loads counted in the epochs it could count to, then
    // those and the epoch before them, else every load back to an owner change no later load may count before.
    List<List<SourceLoad>> candidates = new ArrayList<>();
    for (int first : new int[] {earliest, earliest - 1}) {
      List<SourceLoad> loads = new ArrayList<>();
      epochs.forEach((epoch, at) -> {
        if (epoch >= first && epoch <= latest) {
          loads.addAll(at.loads);
        }
      });
      loads.sort(Comparator.comparingLong(SourceLoad::start).thenComparingInt(SourceLoad::id));
      candidates.add(loads);
    }
    candidates.add(loadsBackToAStableChange(key, l, changes, earliest));
    Violation shown = null;
    for (List<SourceLoad> loads : candidates) {
      long firstLoad = loads.get(0).start();
      Set<SourceLoad> in = new HashSet<>(loads);
      List<Op> ops = new ArrayList<>();
      for (Op x : writesByKey.getOrDefault(key, List.of())) {
        Map<Integer, SourceLoad> spentOn = usedBy.getOrDefault(x, Map.of());
        if ((spentOn.isEmpty() || spentOn.values().stream().anyMatch(in::contains)) && overlaps(x.start(), x.effectEnd(), firstLoad, l.end())) {
          ops.add(x); // every remove that could call for one of these loads and was not spent on another, and the sets
        }
      }
      List<FaultStep> steps = new ArrayList<>();
      int lowest = latestEpoch(changes, firstLoad);
      for (SourceLoad x : loads) {
        lowest = Math.min(lowest, earliestEpoch(changes, x.start()));
      }
      for (int c = Math.max(0, lowest - 1); c < latest; c++) {
        steps.add(changes.get(c).step());
      }
      steps.addAll(stepsOfFaultsOverlapping(firstLoad, l.end(), null));
      shown = new Violation(Violation.Kind.EXTRA_LOAD, key, l.id(), headline, key + " epoch " + latest,
          subset(ops, loads, steps), leftOut(key, null, firstLoad, l.end()));
      if (showsAgain(shown)) {
        break;
      }
    }
    return rechecked(shown); // the last one always shows it
  }

  /** Every load of {@code key} up to {@code l}, back to an owner change that no later load may count before. */
  private List<SourceLoad> loadsBackToAStableChange(String key, SourceLoad l, List<Change> changes, int earliest) {
    List<SourceLoad> all = loadsByKey.get(key);
    int from = earliest;
    while (true) {
      long since = from == 0 ? Long.MIN_VALUE : changes.get(from - 1).from();
      int least = from;
      for (SourceLoad x : all) {
        if (x.start() >= since && x.start() <= l.start()) {
          least = Math.min(least, earliestEpoch(changes, x.start()));
        }
      }
      if (least == from) {
        break;
      }
      from = least;
    }
    long lo = from == 0 ? Long.MIN_VALUE : changes.get(from - 1).from();
    List<SourceLoad> loads = new ArrayList<>();
    for (SourceLoad x : all) {
      if (x.start() >= lo && x.start() <= l.start()) {
        loads.add(x);
      }
    }
    return loads;
  }

  // ---- promise 3: every read answered 200, in time

  private void availability(List<Violation> out) {
    Map<Integer, List<long[]>> away = new HashMap<>();
    Map<Integer, Long> leftAt = new HashMap<>();
    for (FaultStep s : h.steps()) {
      for (int n : s.apiDown()) {
        leftAt.putIfAbsent(n, s.time());
      }
      for (int n : s.apiUp()) {
        Long from = leftAt.remove(n);
        if (from != null) {
          away.computeIfAbsent(n, k -> new ArrayList<>()).add(new long[] {from, s.done()});
        }
      }
    }
    leftAt.forEach((n, from) -> away.computeIfAbsent(n, k -> new ArrayList<>()).add(new long[] {from, Long.MAX_VALUE}));
    for (Op r : h.ops()) {
      if (r.kind() != Op.Kind.GET) {
        continue;
      }
      boolean late = r.ok() && r.end() - r.start() > readDeadline;
      if (r.ok() && !late) {
        continue;
      }
      boolean excused = false;
      for (long[] span : away.getOrDefault(r.node(), List.of())) {
        excused |= overlaps(r.start(), r.end(), span[0], span[1]);
      }
      if (!excused) {
        out.add(failedRead(r, late));
      }
    }
  }

  private Violation failedRead(Op r, boolean late) {
    String what = late ? "answered 200 only after " + HistoryText.seconds(r.end() - r.start()) + " s (deadline "
        + HistoryText.seconds(readDeadline) + " s)"
        : r.status() == 0 ? "no answer: " + r.error() : "answered " + r.status() + ": " + r.error();
    String headline = "c" + r.client() + " asked n" + r.node() + " for " + r.key() + " from " + HistoryText.seconds(r.start())
        + " s (op#" + r.id() + "), which was up for its clients: " + what;
    List<FaultStep> steps = stepsAround(r.start(), r.end());
    History explanation = subset(List.of(r), List.of(), steps);
    String cause = "n" + r.node() + " " + r.status() + (steps.isEmpty() ? "" : " after fault#" + steps.get(0).fault());
    return rechecked(new Violation(late ? Violation.Kind.LATE_READ : Violation.Kind.FAILED_READ, r.key(), r.id(), headline,
        cause, explanation, ""));
  }

  // ---- shrinking

  private static boolean overlaps(long start, long end, long lo, long hi) {
    return start <= hi && end >= lo;
  }

  /**
   * Every step of each fault that overlaps {@code [lo, hi]}, and of the last fault that began
   * before {@code lo}: what a fault leaves behind (a peer judged down, taken back later) outlasts it.
   */
  private List<FaultStep> stepsAround(long lo, long hi) {
    List<FaultStep> steps = new ArrayList<>();
    FaultStep before = null;
    for (FaultStep s : h.steps()) {
      if (s.time() < lo) {
        before = s;
      }
    }
    if (before != null) {
      steps.addAll(faultSteps.get(before.fault()));
    }
    steps.addAll(stepsOfFaultsOverlapping(lo, hi, null));
    return steps;
  }

  /** Every step of each fault that overlaps {@code [lo, hi]}, and of {@code also}'s fault. */
  private List<FaultStep> stepsOfFaultsOverlapping(long lo, long hi, FaultStep also) {
    List<FaultStep> steps = new ArrayList<>();
    faultSpans.forEach((fault, span) -> {
      long end = faultSteps.get(fault).size() == 1 ? Long.MAX_VALUE : span[1]; // a fault never ended lasts on
      if (overlaps(span[0], end, lo, hi) || (also != null && also.fault() == fault)) {
        steps.addAll(faultSteps.get(fault));
      }
    });
    return steps;
  }

  private History subset(List<Op> ops, List<SourceLoad> loads, List<FaultStep> steps) {
    return new History(h.seed(), h.peers(), distinct(ops, Op::id), distinct(loads, SourceLoad::id),
        distinct(steps, FaultStep::id));
  }

  private static <T> List<T> distinct(List<T> entries, java.util.function.ToIntFunction<T> id) {
    Map<Integer, T> byId = new LinkedHashMap<>();
    entries.forEach(e -> byId.putIfAbsent(id.applyAsInt(e), e));
    return List.copyOf(byId.values());
  }

  /** The reads of {@code key} in {@code [lo, hi]} that an explanation leaves out, counted per node. */
  private String leftOut(String key, Op subject, long lo, long hi) {
    Map<Integer, Integer> perNode = new TreeMap<>();
    int n = 0;
    for (Op r : readsByKey.getOrDefault(key, List.of())) {
      if (r != subject && overlaps(r.start(), r.end(), lo, hi)) {
        perNode.merge(r.node(), 1, Integer::sum);
        n++;
      }
    }
    if (n == 0) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    perNode.forEach((node, c) -> parts.add(c + " at n" + node));
    return "left out: " + n + (n == 1 ? " other read" : " other reads") + " of " + key + " in this stretch ("
        + String.join(", ", parts) + "); a read cannot change another read's verdict";
  }

  /** Whether the explanation, checked on its own, shows the same violation of the same read or load. */
  private boolean showsAgain(Violation v) {
    if (!recheckExplanations) {
      return true;
    }
    Report again = new HistoryChecker(v.explanation(), new Bounds(Duration.ofNanos(notToldBound),
        Duration.ofNanos(readDeadline), Duration.ofNanos(ownerChangeWindow), Duration.ofNanos(loadTransit)), false).run();
    return again.violations().stream().anyMatch(x -> x.kind() == v.kind() && x.subject() == v.subject());
  }

  /** Checks the explanation again on its own: it must show the same violation of the same read or load. */
  private Violation rechecked(Violation v) {
    if (!showsAgain(v)) {
      throw new IllegalStateException("the shrunk history of this violation does not show it again (a checker bug): "
          + v.render());
    }
    return v;
  }
}
