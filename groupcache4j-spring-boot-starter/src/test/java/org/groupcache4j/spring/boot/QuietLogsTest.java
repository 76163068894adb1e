package org.groupcache4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;

/** {@link QuietLogs}: the project's loggers log errors only until closed, one kept, every level put back. */
class QuietLogsTest {
  @Test
  void theProjectLogsErrorsOnlyUntilClosedExceptTheKeptLoggerAndLoggersWithALevelOfTheirOwn() {
    LoggingSystem system = LoggingSystem.get(getClass().getClassLoader());
    String ownName = "org.groupcache4j.quiet-test-own-level";
    system.setLogLevel(ownName, LogLevel.DEBUG);
    Log handoff = LogFactory.getLog("org.groupcache4j.handoff");
    Log kept = LogFactory.getLog(StarterWarmup.class);
    Log own = LogFactory.getLog(ownName);
    LogLevel projectBefore = system.getLoggerConfiguration(QuietLogs.PROJECT).getConfiguredLevel();
    try {
      assertThat(handoff.isWarnEnabled()).isTrue();
      try (QuietLogs quiet = QuietLogs.errorsOnlyExcept(StarterWarmup.class)) {
        assertThat(handoff.isWarnEnabled()).isFalse();
        assertThat(handoff.isErrorEnabled()).isTrue();
        assertThat(kept.isInfoEnabled()).as("the kept logger").isTrue();
        assertThat(own.isDebugEnabled()).as("a logger with a level of its own").isTrue();
      }
      assertThat(handoff.isInfoEnabled()).isTrue();
      assertThat(system.getLoggerConfiguration(QuietLogs.PROJECT).getConfiguredLevel()).isEqualTo(projectBefore);
      assertThat(system.getLoggerConfiguration(StarterWarmup.class.getName()).getConfiguredLevel())
          .as("no level of its own again").isNull();
    } finally {
      system.setLogLevel(ownName, null);
    }
  }
}
