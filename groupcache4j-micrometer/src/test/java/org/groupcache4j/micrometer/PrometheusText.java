package org.groupcache4j.micrometer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A parser of the Prometheus text exposition format (0.0.4): every line is parsed, and a line
 * that is not a comment, a {@code # HELP}/{@code # TYPE} or a well-formed sample of a declared
 * family fails the parse. Tests read metric values from it rather than searching the text.
 */
public final class PrometheusText {
  /** One sample line. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;
  private final Map<String, String> types;

  private PrometheusText(List<Sample> samples, Map<String, String> types) {
    this.samples = samples;
    this.types = types;
  }

  /**
   * Parses a whole exposition.
   *
   * @throws IllegalArgumentException naming the line that is not in the format
   */
  public static PrometheusText parse(String text) {
    List<Sample> samples = new ArrayList<>();
    Map<String, String> types = new HashMap<>();
    String[] lines = text.split("\n", -1);
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n];
      try {
        if (line.isEmpty()) {
          continue;
        }
        if (line.startsWith("#")) {
          String[] f = line.split(" ", 4);
          if (f.length >= 4 && f[1].equals("TYPE")) {
            if (!f[3].matches("counter|gauge|histogram|summary|untyped")) {
              throw new IllegalArgumentException("unknown type " + f[3]);
            }
            checkName(f[2]);
            types.put(f[2], f[3]);
          } else if (f.length >= 3 && f[1].equals("HELP")) {
            checkName(f[2]);
          }
          continue;
        }
        Sample s = sample(line);
        if (family(s.name, types) == null) {
          throw new IllegalArgumentException("sample of a family without # TYPE: " + s.name);
        }
        samples.add(s);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("line " + (n + 1) + " is not Prometheus text: '" + line + "': "
            + e.getMessage(), e);
      }
    }
    return new PrometheusText(samples, types);
  }

  private static Sample sample(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    checkName(name);
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        String label = line.substring(i, eq);
        checkName(label);
        if (line.charAt(eq + 1) != '"') {
          throw new IllegalArgumentException("label value not quoted");
        }
        StringBuilder v = new StringBuilder();
        int j = eq + 2;
        for (; line.charAt(j) != '"'; j++) {
          char c = line.charAt(j);
          if (c == '\\') {
            char e = line.charAt(++j);
            v.append(e == 'n' ? '\n' : e);
          } else {
            v.append(c);
          }
        }
        if (labels.put(label, v.toString()) != null) {
          throw new IllegalArgumentException("label " + label + " twice");
        }
        i = j + 1;
        if (line.charAt(i) == ',') {
          i++;
        }
      }
      i++;
    }
    if (line.charAt(i) != ' ') {
      throw new IllegalArgumentException("no space before the value");
    }
    String[] rest = line.substring(i + 1).split(" ");
    if (rest.length > 2) {
      throw new IllegalArgumentException("more than a value and a timestamp");
    }
    return new Sample(name, Collections.unmodifiableMap(labels), value(rest[0]));
  }

  private static double value(String s) {
    return switch (s) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(s);
    };
  }

  private static void checkName(String name) {
    if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
      throw new IllegalArgumentException("bad metric or label name '" + name + "'");
    }
  }

  private static String family(String sample, Map<String, String> types) {
    if (types.containsKey(sample)) {
      return sample;
    }
    for (String suffix : new String[] {"_total", "_bucket", "_count", "_sum", "_created", "_max"}) {
      if (sample.endsWith(suffix)) {
        String base = sample.substring(0, sample.length() - suffix.length());
        if (types.containsKey(base)) {
          return base;
        }
      }
    }
    return null;
  }

  /** Every sample. */
  public List<Sample> samples() {
    return samples;
  }

  /** The declared type of a family ({@code counter}, {@code histogram}, ...), or null. */
  public String type(String family) {
    return types.get(family);
  }

  /** The samples named {@code name} whose labels include {@code labels} (pairs: name, value, ...). */
  public List<Sample> find(String name, String... labels) {
    List<Sample> out = new ArrayList<>();
    for (Sample s : samples) {
      if (s.name.equals(name) && matches(s.labels, labels)) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * The value of the one sample named {@code name} with these labels (pairs: name, value, ...).
   *
   * @throws AssertionError if there is none or more than one
   */
  public double value(String name, String... labels) {
    List<Sample> found = find(name, labels);
    if (found.size() != 1) {
      throw new AssertionError(found.size() + " samples " + name + " with labels " + List.of(labels)
          + " (expected one); samples of that name: " + find(name));
    }
    return found.get(0).value;
  }

  private static boolean matches(Map<String, String> have, String[] want) {
    for (int i = 0; i < want.length; i += 2) {
      if (!Objects.equals(have.get(want[i]), want[i + 1])) {
        return false;
      }
    }
    return true;
  }
}
