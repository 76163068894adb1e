package org.groupcache4j.bench.fault.history;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The violations a check found, in time order within each kind, and how they group into cases. */
public record Report(List<Violation> violations) {
  public Report {
    violations = List.copyOf(violations);
  }

  public boolean ok() {
    return violations.isEmpty();
  }

  /** Violations of each kind (kinds without any left out). */
  public Map<Violation.Kind, Integer> counts() {
    Map<Violation.Kind, Integer> n = new EnumMap<>(Violation.Kind.class);
    violations.forEach(v -> n.merge(v.kind(), 1, Integer::sum));
    return n;
  }

  /** The first violation of each case (same {@link Violation#cause}), of each kind. */
  public Map<Violation.Kind, List<Violation>> cases() {
    Map<Violation.Kind, List<Violation>> byKind = new EnumMap<>(Violation.Kind.class);
    Set<String> seen = new LinkedHashSet<>();
    for (Violation v : violations) {
      if (seen.add(v.kind() + " " + v.cause())) {
        byKind.computeIfAbsent(v.kind(), k -> new ArrayList<>()).add(v);
      }
    }
    return byKind;
  }

  /**
   * E.g. {@code 12 violations: STALE_READ 10 (2 cases), EXTRA_LOAD 2 (2 cases)}, then the first
   * {@code examples} cases of each kind with their explaining histories.
   */
  public String summary(int examples) {
    if (ok()) {
      return "0 violations";
    }
    Map<Violation.Kind, List<Violation>> cases = cases();
    List<String> parts = new ArrayList<>();
    counts().forEach((k, n) -> parts.add(k + " " + n + " (" + cases.get(k).size() + (cases.get(k).size() == 1 ? " case)" : " cases)")));
    StringBuilder sb = new StringBuilder();
    sb.append(violations.size()).append(violations.size() == 1 ? " violation: " : " violations: ")
        .append(String.join(", ", parts)).append('\n');
    Map<Violation.Kind, List<Violation>> shown = new LinkedHashMap<>(cases);
    shown.forEach((kind, list) -> {
      sb.append('\n').append(kind).append(": ").append(kind.description).append('\n');
      for (int i = 0; i < Math.min(examples, list.size()); i++) {
        sb.append('\n').append(list.get(i).render());
      }
      if (list.size() > examples) {
        sb.append("\n(").append(list.size() - examples).append(" more ").append(kind).append(" cases not shown)\n");
      }
    });
    return sb.toString();
  }
}
