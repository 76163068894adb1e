package org.groupcache4j.server.internal.observe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.lang.management.MemoryUsage;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The operator's events: one line each, rate-limited, naming peer, group and key. */
class OperatorEventsTest {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger project = (Logger) LoggerFactory.getLogger("org.groupcache4j");

  @BeforeEach
  void attach() {
    appender.start();
    project.addAppender(appender);
  }

  @AfterEach
  void detach() {
    project.detachAppender(appender);
  }

  private List<String> lines() {
    return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
  }

  @Test
  void membershipChangesAreLoggedWithWhoJoinedAndLeft() {
    OperatorLog log = new OperatorLog("http://a:1");
    log.peersChanged(List.of("http://a:1", "http://b:1"));
    log.peersChanged(List.of("http://a:1", "http://b:1"));
    assertThat(lines()).as("the first list and an unchanged one").isEmpty();
    log.peersChanged(List.of("http://a:1", "http://c:1"));
    assertThat(lines()).singleElement().asString()
        .contains("peer list changed to 2 peers").contains("joined [http://c:1]").contains("left [http://b:1]");
  }

  @Test
  void memoryPressureIsOneWarningAMinute() {
    try (MemoryWatch watch = new MemoryWatch(() -> 1L << 30)) {
      MemoryUsage full = new MemoryUsage(0, 95L << 20, 100L << 20, 100L << 20);
      assertThat(watch.pressure("Tenured Gen", full)).isTrue();
      assertThat(watch.pressure("Tenured Gen", full)).isFalse();
    }
    assertThat(lines()).singleElement().asString().startsWith("WARN memory pressure: heap pool 'Tenured Gen' is 95% full")
        .contains("cache budgets 1024 MiB").contains("lower --cache-bytes or raise -Xmx");
  }
}
