package org.groupcache4j.bench.fault.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Histories printed for people: one entry a line, in time order, times in seconds since the run began. */
public final class HistoryText {
  private HistoryText() {}

  /** Seconds since the run began, e.g. {@code 12.870}. */
  public static String seconds(long nanos) {
    return nanos == Long.MAX_VALUE ? "never" : String.format(Locale.ROOT, "%.3f", nanos / 1e9);
  }

  /** Every entry of {@code h}, ordered by when it began; the entry {@code marked} ends with a marker. */
  public static String lines(History h, int marked, String indent) {
    record Line(long at, int id, String text) {}
    List<Line> lines = new ArrayList<>();
    for (Op o : h.ops()) {
      lines.add(new Line(o.start(), o.id(), span(o.start(), o.end()) + describe(o)));
    }
    for (SourceLoad l : h.loads()) {
      lines.add(new Line(l.start(), l.id(), span(l.start(), l.end()) + describe(l)));
    }
    for (FaultStep s : h.steps()) {
      lines.add(new Line(s.time(), s.id(), span(s.time(), s.done()) + describe(s)));
    }
    lines.sort(Comparator.comparingLong(Line::at).thenComparingInt(Line::id));
    StringBuilder sb = new StringBuilder();
    for (Line l : lines) {
      sb.append(indent).append(l.text());
      if (l.id() == marked) {
        sb.append("   ◀");
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String span(long start, long end) {
    return String.format(Locale.ROOT, "%9s–%-9s ", seconds(start), seconds(end));
  }

  /** E.g. {@code op#640 c3 SET k7 = c3-17 at n1 → 200, told n2, not told n3 (judged down)}. */
  public static String describe(Op o) {
    StringBuilder sb = new StringBuilder();
    sb.append("op#").append(o.id()).append(" c").append(o.client()).append(' ').append(o.kind()).append(' ')
        .append(o.key());
    if (o.kind() == Op.Kind.SET) {
      sb.append(" = ").append(o.written());
    }
    sb.append(" at n").append(o.node()).append(" → ");
    if (o.status() == 0) {
      sb.append("no answer: ").append(o.error());
      return sb.toString();
    }
    sb.append(o.status());
    if (o.kind() == Op.Kind.GET) {
      sb.append(' ').append(o.ok() ? o.read() : o.error());
      return sb.toString();
    }
    if (!o.ok() && o.error() != null) {
      sb.append(' ').append(o.error());
    }
    if (!o.told().isEmpty()) {
      sb.append(", told ").append(o.told().stream().map(n -> "n" + n).collect(Collectors.joining(" ")));
    }
    for (Map.Entry<Integer, String> e : o.notTold().entrySet()) {
      sb.append(", not told n").append(e.getKey()).append(" (").append(e.getValue()).append(')');
    }
    return sb.toString();
  }

  /** E.g. {@code load#7 n3 loaded k7 → src:k7:1}. */
  public static String describe(SourceLoad l) {
    return "load#" + l.id() + " n" + l.node() + " loaded " + l.key() + " → " + l.value();
  }

  /** E.g. {@code fault#2 FREEZE: SIGSTOP n3 (owner change; clients leave n3)}. */
  public static String describe(FaultStep s) {
    List<String> notes = new ArrayList<>();
    if (s.ownerChange()) {
      notes.add("owner change");
    }
    if (!s.apiDown().isEmpty()) {
      notes.add("clients leave " + nodes(s.apiDown()));
    }
    if (!s.apiUp().isEmpty()) {
      notes.add("clients back to " + nodes(s.apiUp()));
    }
    return "fault#" + s.fault() + " " + s.kind() + ": " + s.what() + (notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")");
  }

  private static String nodes(List<Integer> nodes) {
    return nodes.stream().map(n -> "n" + n).collect(Collectors.joining(" "));
  }
}
