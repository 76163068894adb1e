package org.groupcache4j.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.groupcache4j.server.internal.api.StatsJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node warms its request path up before it listens, within its limit, without asking its
 * origin, and says so in its log and {@code /stats}; {@code --warm-up 0} starts it at once.
 */
class WarmupIT {
  @TempDir
  Path origin;
  private Processes processes;

  @BeforeEach
  void setUp() throws Exception {
    processes = new Processes();
  }

  @AfterEach
  void tearDown() {
    processes.close();
  }

  @Test
  void theNodeListensOnlyAfterItsWarmUpWhichIsBoundedAndLeavesTheOriginAlone() throws Exception {
    Files.writeString(origin.resolve("k"), "v");
    int api = processes.startNode("warm", Map.of(), "--origin", "dir:" + origin, "--warm-up", "3s").api();

    Map<String, Object> readiness = StatsJson.object(processes.stats(api), "readiness");
    Map<String, Object> warmUp = StatsJson.object(readiness, "warmUp");
    assertThat(readiness.get("state")).isEqualTo("ready");
    assertThat(warmUp.get("ended")).as("%s", warmUp).isIn("settled", "time limit");
    assertThat(((Number) warmUp.get("limitMillis")).longValue()).isEqualTo(3_000);
    assertThat(((Number) warmUp.get("millis")).longValue()).as("bounded by its limit (and a little to stop)")
        .isBetween(1_000L, 5_000L);
    assertThat(((Number) warmUp.get("requests")).longValue()).isPositive();
    assertThat(((Number) warmUp.get("failed")).longValue()).as("%s", warmUp).isZero();
    assertThat(((Number) warmUp.get("connections")).longValue()).as("new connections, not two kept-alive ones: %s",
        warmUp).isGreaterThan(2);
    assertThat(processes.originLoads(api)).as("the warm-up's values are its own: the origin was not asked").isZero();
    assertThat(processes.ask(api, "k").body()).isEqualTo("v");

    List<String> lines = processes.logText("warm").lines().toList();
    int began = indexOf(lines, "warming up the request path on loopback before serving (at most 3s)");
    int ended = Math.max(indexOf(lines, "warm-up done: settled after"), indexOf(lines, "warm-up stopped: time limit"));
    int listens = indexOf(lines, "client API on http://127.0.0.1:" + api);
    assertThat(began).as("the warm-up's first line in%n%s", lines).isNotNegative();
    assertThat(ended).as("the warm-up's last line in%n%s", lines).isGreaterThan(began);
    assertThat(listens).as("the client API listens after the warm-up:%n%s", lines).isGreaterThan(ended);
    assertThat(processes.logText("warm")).as("the warm-up's own API is not logged").containsOnlyOnce("client API on");
  }

  @Test
  void warmUpZeroStartsColdAtOnce() throws Exception {
    int api = processes.startNode("cold", Map.of(), "--origin", "synthetic:10", "--warm-up", "0").api();
    Map<String, Object> warmUp = StatsJson.object(StatsJson.object(processes.stats(api), "readiness"), "warmUp");
    assertThat(warmUp).containsEntry("ended", "off").containsEntry("requests", 0);
    assertThat(processes.logText("cold")).doesNotContain("warm");
  }

  private static int indexOf(List<String> lines, String text) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i;
      }
    }
    return -1;
  }
}
