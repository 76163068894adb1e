package org.groupcache4j.bench.fault.history;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A history as JSON lines, for inspecting a run and checking it again: a first line
 * {@code {"type":"run","seed":..,"peers":{"1":URL,..}}}, then one line per entry in time order,
 * {@code "type"} {@code "op"}, {@code "load"} or {@code "fault"}; times are nanoseconds since the
 * run began. For example:
 * <pre>
 * {"type":"op","id":640,"client":3,"node":1,"op":"SET","key":"k7","value":"c3-17","start":12001000000,
 *  "end":12870000000,"status":200,"told":[2],"notTold":{"3":"peer ... is judged down ..."}}
 * {"type":"load","id":7,"node":3,"key":"k7","value":"src:k7:1","start":1203000000,"end":1205000000}
 * {"type":"fault","id":9,"fault":2,"kind":"FREEZE","what":"SIGSTOP n3","time":10001000000,
 *  "done":10012000000,"ownerChange":true,"apiDown":[3],"apiUp":[]}
 * </pre>
 */
public final class HistoryFile {
  private HistoryFile() {}

  public static void write(History h, Path file) throws IOException {
    record Line(long at, int id, Map<String, Object> doc) {}
    List<Line> lines = new ArrayList<>();
    for (Op o : h.ops()) {
      Map<String, Object> d = doc("op", o.id());
      d.put("client", o.client());
      d.put("node", o.node());
      d.put("op", o.kind().name());
      d.put("key", o.key());
      putIf(d, "value", o.written());
      d.put("start", o.start());
      d.put("end", o.end());
      d.put("status", o.status());
      putIf(d, "read", o.read());
      if (o.isWrite()) {
        d.put("told", o.told());
        Map<String, Object> notTold = new TreeMap<>();
        o.notTold().forEach((n, why) -> notTold.put(Integer.toString(n), why));
        d.put("notTold", notTold);
      }
      putIf(d, "error", o.error());
      lines.add(new Line(o.start(), o.id(), d));
    }
    for (SourceLoad l : h.loads()) {
      Map<String, Object> d = doc("load", l.id());
      d.put("node", l.node());
      d.put("key", l.key());
      d.put("value", l.value());
      d.put("start", l.start());
      d.put("end", l.end());
      lines.add(new Line(l.start(), l.id(), d));
    }
    for (FaultStep s : h.steps()) {
      Map<String, Object> d = doc("fault", s.id());
      d.put("fault", s.fault());
      d.put("kind", s.kind().name());
      d.put("what", s.what());
      d.put("time", s.time());
      d.put("done", s.done());
      d.put("ownerChange", s.ownerChange());
      d.put("apiDown", s.apiDown());
      d.put("apiUp", s.apiUp());
      lines.add(new Line(s.time(), s.id(), d));
    }
    lines.sort((a, b) -> a.at() != b.at() ? Long.compare(a.at(), b.at()) : Integer.compare(a.id(), b.id()));
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      Map<String, Object> head = new LinkedHashMap<>();
      head.put("type", "run");
      head.put("seed", h.seed());
      Map<String, Object> peers = new TreeMap<>();
      h.peers().forEach((n, url) -> peers.put(Integer.toString(n), url));
      head.put("peers", peers);
      w.write(JSON.std.asString(head));
      w.newLine();
      for (Line l : lines) {
        w.write(JSON.std.asString(l.doc()));
        w.newLine();
      }
    }
  }

  private static Map<String, Object> doc(String type, int id) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("type", type);
    d.put("id", id);
    return d;
  }

  private static void putIf(Map<String, Object> d, String name, Object value) {
    if (value != null) {
      d.put(name, value);
    }
  }

  /** Reads a history {@link #write} wrote. */
  public static History read(Path file) throws IOException {
    long seed = 0;
    Map<Integer, String> peers = new TreeMap<>();
    List<Op> ops = new ArrayList<>();
    List<SourceLoad> loads = new ArrayList<>();
    List<FaultStep> steps = new ArrayList<>();
    int lineNo = 0;
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        try {
          Map<String, Object> d = JSON.std.mapFrom(line);
          switch (String.valueOf(d.get("type"))) {
            case "run" -> {
              seed = num(d, "seed");
              ((Map<?, ?>) d.get("peers")).forEach((n, url) -> peers.put(Integer.parseInt((String) n), (String) url));
            }
            case "op" -> {
              Map<Integer, String> notTold = new TreeMap<>();
              if (d.get("notTold") instanceof Map<?, ?> m) {
                m.forEach((n, why) -> notTold.put(Integer.parseInt((String) n), String.valueOf(why)));
              }
              ops.add(new Op((int) num(d, "id"), (int) num(d, "client"), (int) num(d, "node"),
                  Op.Kind.valueOf((String) d.get("op")), (String) d.get("key"), (String) d.get("value"), num(d, "start"),
                  num(d, "end"), (int) num(d, "status"), (String) d.get("read"), ints(d.get("told")), notTold,
                  (String) d.get("error")));
            }
            case "load" -> loads.add(new SourceLoad((int) num(d, "id"), (int) num(d, "node"), (String) d.get("key"),
                (String) d.get("value"), num(d, "start"), num(d, "end")));
            case "fault" -> steps.add(new FaultStep((int) num(d, "id"), (int) num(d, "fault"),
                FaultKind.valueOf((String) d.get("kind")), (String) d.get("what"), num(d, "time"), num(d, "done"),
                Boolean.TRUE.equals(d.get("ownerChange")), ints(d.get("apiDown")), ints(d.get("apiUp"))));
            default -> throw new IllegalArgumentException("unknown type " + d.get("type"));
          }
        } catch (IOException | RuntimeException e) {
          throw new IOException(file + ", line " + lineNo + ": not a history line (" + e.getMessage() + ")", e);
        }
      }
    }
    return new History(seed, peers, ops, loads, steps);
  }

  private static long num(Map<String, Object> d, String name) {
    Object v = d.get(name);
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException("\"" + name + "\" is not a number: " + v);
    }
    return n.longValue();
  }

  private static List<Integer> ints(Object list) {
    List<Integer> out = new ArrayList<>();
    if (list instanceof List<?> l) {
      l.forEach(x -> out.add(((Number) x).intValue()));
    }
    return out;
  }
}
