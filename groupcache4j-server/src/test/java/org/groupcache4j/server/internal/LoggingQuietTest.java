package org.groupcache4j.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@link Logging#errorsOnlyExcept}: the project's warnings muted for a while, one logger kept, every level put back. */
class LoggingQuietTest {
  @Test
  void theProjectLogsErrorsOnlyUntilClosedExceptTheKeptLoggerAndLoggersWithALevelOfTheirOwn() {
    Logger project = (Logger) LoggerFactory.getLogger("org.groupcache4j");
    Logger own = (Logger) LoggerFactory.getLogger("org.groupcache4j.quiet-test-own-level");
    Level projectBefore = project.getLevel();
    own.setLevel(Level.DEBUG);
    System.Logger ring = System.getLogger("org.groupcache4j.ring"); // the library's loggers, through the JDK's
    org.slf4j.Logger handoff = LoggerFactory.getLogger("org.groupcache4j.handoff");
    org.slf4j.Logger kept = LoggerFactory.getLogger(Warmup.class);
    try {
      assertThat(handoff.isWarnEnabled()).isTrue();
      try (Logging.Quiet quiet = Logging.errorsOnlyExcept(Warmup.class)) {
        assertThat(handoff.isWarnEnabled()).isFalse();
        assertThat(handoff.isErrorEnabled()).isTrue();
        assertThat(ring.isLoggable(System.Logger.Level.WARNING)).isFalse();
        assertThat(ring.isLoggable(System.Logger.Level.ERROR)).isTrue();
        assertThat(kept.isInfoEnabled()).as("the kept logger").isTrue();
        assertThat(own.isDebugEnabled()).as("a logger with a level of its own").isTrue();
      }
      assertThat(project.getLevel()).isEqualTo(projectBefore);
      assertThat(handoff.isInfoEnabled()).isTrue();
      assertThat(ring.isLoggable(System.Logger.Level.WARNING)).isTrue();
      assertThat(((Logger) kept).getLevel()).as("no level of its own again").isNull();
    } finally {
      own.setLevel(null);
    }
  }
}
