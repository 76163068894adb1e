package org.groupcache4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.groupcache4j.spring.boot.app.HeapShortApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code groupcache} health goes DOWN, saying why, when the heap is short, and UP again when
 * it is not: an application started in a JVM of its own with a 128 MiB heap, which then holds on
 * to most of it ({@link HeapShortApplication}).
 */
class HeapShortHealthTest {
  @TempDir
  Path dir;

  @Test
  void theHealthIsDownWhileTheOldGenerationIsAllButFullAfterACollection() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Path out = dir.resolve("app.out");
    Process p = new ProcessBuilder(java, "-Xmx128m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        HeapShortApplication.class.getName()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the application ended within 2 minutes").isTrue();
    } finally {
      p.destroyForcibly();
    }
    List<String> reports = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(out), StandardCharsets.UTF_8))) {
      r.lines().filter(l -> l.startsWith("HEALTH ")).forEach(reports::add);
    }
    assertThat(p.exitValue()).as("exit status; output:%n%s", Files.readString(out)).isZero();
    assertThat(reports).hasSize(3);
    assertThat(reports.get(0)).isEqualTo("HEALTH UP -");
    assertThat(reports.get(1)).startsWith("HEALTH DOWN heap pool '")
        .contains("% full after garbage collection").contains("raise -Xmx or lower groupcache4j.caches.*.cache-bytes");
    assertThat(reports.get(2)).isEqualTo("HEALTH UP -");
  }
}
