package org.groupcache4j.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.groupcache4j.server.internal.cli.ServeCommand;
import org.groupcache4j.testing.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warm-up loads the classes the node's meters bring in before it compiles anything: a class
 * loaded only once the node serves can undo compiled code (Micrometer's {@code DoubleAdder}, a
 * second subclass of {@code LongAdder}'s superclass, made every counter on the request path
 * compiled during the warm-up not entrant at once). Checked in a JVM of its own, whose class
 * loading is logged: nothing else loads them there ({@link Main} stops after the warm-up).
 */
@Timeout(120)
class WarmupClassesTest {
  static final String RETURNED = "WARM-UP RETURNED";

  @TempDir
  Path dir;

  @Test
  void theMetersClassesAreLoadedBeforeTheWarmUpEnds() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Path out = dir.resolve("out.txt");
    Process p = new ProcessBuilder(java, "-Xlog:class+load=info:stdout", "-cp", System.getProperty("java.class.path"),
        Main.class.getName()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("the JVM ended within 90 s").isTrue();
    } finally {
      p.destroyForcibly();
    }
    List<String> lines = Files.readAllLines(out);
    int returned = indexOf(lines, RETURNED);
    assertThat(returned).as("the warm-up returned; output:%n%s", String.join("\n", lines)).isNotNegative();
    for (String cls : List.of(" java.util.concurrent.atomic.DoubleAdder ", " io.micrometer.core.instrument.MeterRegistry ",
        " org.groupcache4j.micrometer.GroupCacheMetrics$Recorder ")) {
      assertThat(indexOf(lines, cls)).as("%s loaded during the warm-up", cls.trim()).isNotNegative().isLessThan(returned);
    }
  }

  private static int indexOf(List<String> lines, String s) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(s)) {
        return i;
      }
    }
    return -1;
  }

  /** A warm-up of one second, as a node's, and nothing after it. */
  public static final class Main {
    public static void main(String[] args) throws Exception {
      NodeConfig c = ServeCommand.configOf("--self", "http://127.0.0.1:" + FreePorts.port(), "--api", "127.0.0.1:0",
          "--origin", "synthetic:10");
      Warmup.Report r = Warmup.run(c, null, List.of(true), (g, k) -> null, Duration.ofSeconds(1));
      System.out.println(RETURNED + " " + r.describe());
      System.out.flush();
      System.exit(0);
    }
  }
}
