package org.groupcache4j.server.internal.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.groupcache4j.server.internal.Node;
import org.groupcache4j.server.internal.cli.ServeCommand;
import org.groupcache4j.testing.FreePorts;
import org.groupcache4j.testing.RefusingPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
  void aChangedPeerListIsLoggedOnceNamingWhoJoinedAndLeft(@TempDir Path dir) throws Exception {
    String self = "http://127.0.0.1:" + FreePorts.port();
    Path file = Files.writeString(dir.resolve("peers"), self + "\n");
    try (RefusingPort refusing = FreePorts.refusing(); // the joiner: nothing listens there, nor can; judged down, never asked
        Node node = Node.start(ServeCommand.configOf("--self", self, "--peers-file", file.toString(),
            "--origin", "synthetic:1", "--warm-up", "0"))) {
      String joiner = refusing.url("http");
      Files.writeString(dir.resolve("peers.tmp"), self + "\n" + joiner + "\n");
      Files.move(dir.resolve("peers.tmp"), file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      // The watcher's status is set after it applied the list and logged it.
      await().atMost(Duration.ofSeconds(20)).until(() -> node.peerDiscovery().peers().size() == 2);
      assertThat(lines()).filteredOn(l -> l.contains("joined") && l.contains(joiner)).as("%s", lines()).singleElement()
          .asString().startsWith("INFO ").contains(file.toString());

      Files.writeString(dir.resolve("peers.tmp"), self + "\n");
      Files.move(dir.resolve("peers.tmp"), file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      await().atMost(Duration.ofSeconds(20)).until(() -> node.peerDiscovery().peers().size() == 1);
      assertThat(lines()).filteredOn(l -> l.contains("left") && l.contains(joiner)).as("%s", lines()).hasSize(1);
    }
  }

  @Test
  void theAccessLogWritesMillisecondsWithTwoDecimals() {
    for (long nanos : new long[] {0, 4_999, 5_000, 310_000, 1_234_567, 9_995_000, 12_345_678_901L}) {
      assertThat(AccessLog.millis(nanos)).as("%d ns", nanos).isEqualTo(String.format(java.util.Locale.ROOT, "%.2f", nanos / 1e6));
    }
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
