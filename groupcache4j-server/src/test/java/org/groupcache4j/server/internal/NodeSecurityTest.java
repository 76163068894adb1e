package org.groupcache4j.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.groupcache4j.server.internal.cli.ServeCommand;
import org.groupcache4j.server.testing.LocalCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** What a node started from {@code serve} flags logs about its token files. */
class NodeSecurityTest {
  @TempDir
  Path dir;

  /**
   * The WARN records about {@code file} logged while {@code start} runs. In the server the
   * transport's System.Logger reaches Logback (slf4j-jdk-platform-logging), so they are caught there.
   */
  private static List<String> warningsAbout(Path file, ThrowingRunnable start) throws Exception {
    Logger project = (Logger) LoggerFactory.getLogger("org.groupcache4j");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    project.addAppender(appender);
    try {
      start.run();
    } finally {
      project.detachAppender(appender);
    }
    return appender.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains(file.toString())).toList();
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** Starts one node with {@code flags}, then stops it. */
  private static void startAndStop(String... flags) throws Exception {
    List<Node> nodes = new ArrayList<>();
    try {
      LocalCluster.start(1, "http", (self, all) -> {
        List<String> args = new ArrayList<>(List.of("--self", self, "--peers", self, "--api", "127.0.0.1:0",
            "--origin", "synthetic:100", "--api-threads", "1", "--warm-up", "0"));
        args.addAll(List.of(flags));
        return ServeCommand.configOf(args.toArray(String[]::new));
      }, new ArrayList<>(), nodes);
      assertThat(nodes).hasSize(1);
    } finally {
      nodes.forEach(Node::close);
    }
  }

  @Test
  void aShortTokenFileIsWarnedOfOnceAtStart() throws Exception {
    Path peer = Files.writeString(dir.resolve("peer.token"), "short-peer\n");
    List<String> w = warningsAbout(peer, () -> startAndStop("--peer-token-file", peer.toString()));
    assertThat(w).singleElement().asString().contains("only 10 characters").doesNotContain("short-peer");
  }

  @Test
  void aShortTokenFileUsedForEveryTokenIsWarnedOfOnceAtStart() throws Exception {
    Path all = Files.writeString(dir.resolve("all.token"), "sh0rt\n");
    List<String> w = warningsAbout(all, () -> startAndStop("--api-token-file", all.toString(),
        "--api-write-token-file", all.toString(), "--peer-token-file", all.toString()));
    assertThat(w).singleElement().asString().contains("only 5 characters");
  }
}
