package org.groupcache4j.spring.boot;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The application uses caches that are not declared in {@code groupcache4j.caches}: thrown at
 * start, with each cache, where it is used, and the properties that declare it.
 */
public class UndeclaredCacheException extends IllegalStateException {
  private static final long serialVersionUID = 1L;
  private final transient Map<String, List<String>> undeclared;

  UndeclaredCacheException(Map<String, List<String>> undeclared, Collection<String> declared) {
    super(describe(new java.util.TreeMap<>(undeclared), declared));
    this.undeclared = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(undeclared));
  }

  /** The undeclared cache names, each with the places that use it. */
  public Map<String, List<String>> undeclared() {
    return undeclared;
  }

  /** The properties that declare the missing caches. */
  public String fix() {
    return undeclared.keySet().stream().map(n -> "groupcache4j.caches." + n + ".cache-bytes=64MB")
        .collect(Collectors.joining("\n"));
  }

  private static String describe(Map<String, List<String>> undeclared, Collection<String> declared) {
    StringBuilder sb = new StringBuilder();
    undeclared.forEach((name, uses) -> sb.append("cache '").append(name).append("' is used by ")
        .append(String.join(", ", uses)).append(" but not declared; "));
    sb.append("declared caches: ").append(declared.isEmpty() ? "none" : declared)
        .append(". Every node must declare the same caches (a peer answers only for groups it has): add ")
        .append(undeclared.keySet().stream().map(n -> "groupcache4j.caches." + n + ".cache-bytes=64MB")
            .collect(Collectors.joining(", ")))
        .append(" (with the size it needs) to the application's properties");
    return sb.toString();
  }
}
