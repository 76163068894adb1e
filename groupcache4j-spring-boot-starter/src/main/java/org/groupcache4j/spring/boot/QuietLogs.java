package org.groupcache4j.spring.boot;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggerConfiguration;
import org.springframework.boot.logging.LoggingSystem;

/**
 * For the warm-up: until closed, the project's loggers ({@code org.groupcache4j}) log errors only,
 * except one, which logs as it did; the throw-away nodes' handoff lines and warnings are not the
 * application's. Through Spring Boot's {@link LoggingSystem}, so with whichever logging the
 * application uses; a logger given a level of its own keeps it, and closing puts back the levels
 * as they were configured (none: inherited again).
 */
final class QuietLogs implements AutoCloseable {
  static final String PROJECT = "org.groupcache4j";
  private final LoggingSystem system;
  private final String kept;
  private final LogLevel projectConfigured;
  private final LogLevel keptConfigured;

  private QuietLogs(LoggingSystem system, String kept, LogLevel projectConfigured, LogLevel keptConfigured) {
    this.system = system;
    this.kept = kept;
    this.projectConfigured = projectConfigured;
    this.keptConfigured = keptConfigured;
  }

  static QuietLogs errorsOnlyExcept(Class<?> keep) {
    try {
      LoggingSystem system = LoggingSystem.get(keep.getClassLoader());
      LoggerConfiguration project = system.getLoggerConfiguration(PROJECT);
      LoggerConfiguration kept = system.getLoggerConfiguration(keep.getName());
      if (project == null || kept == null) {
        return new QuietLogs(null, null, null, null); // a logging system that tells no levels: left as it is
      }
      system.setLogLevel(keep.getName(), kept.getEffectiveLevel());
      if (project.getEffectiveLevel().ordinal() < LogLevel.ERROR.ordinal()) {
        system.setLogLevel(PROJECT, LogLevel.ERROR);
      }
      return new QuietLogs(system, keep.getName(), project.getConfiguredLevel(), kept.getConfiguredLevel());
    } catch (RuntimeException | LinkageError e) { // no logging system Spring Boot knows: left as it is
      return new QuietLogs(null, null, null, null);
    }
  }

  @Override
  public void close() {
    if (system != null) {
      system.setLogLevel(PROJECT, projectConfigured);
      system.setLogLevel(kept, keptConfigured);
    }
  }
}
