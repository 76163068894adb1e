package org.groupcache4j.spring.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports {@link UndeclaredCacheException} as Spring Boot's "APPLICATION FAILED TO START" description and action. */
class UndeclaredCacheFailureAnalyzer extends AbstractFailureAnalyzer<UndeclaredCacheException> {
  @Override
  protected FailureAnalysis analyze(Throwable root, UndeclaredCacheException cause) {
    StringBuilder d = new StringBuilder("groupcache4j caches are declared, so that every node has the same groups, and");
    cause.undeclared().forEach((name, uses) -> d.append("\n\n  cache '").append(name).append("' is used by\n    ")
        .append(String.join("\n    ", uses)).append("\n  but is not declared."));
    return new FailureAnalysis(d.toString(), "Declare the cache in the application's properties (on every node), e.g.\n\n"
        + cause.fix() + "\n\nwith the byte budget it needs.", cause);
  }
}
