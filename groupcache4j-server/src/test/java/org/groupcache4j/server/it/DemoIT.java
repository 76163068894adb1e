package org.groupcache4j.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./groupcache4j demo --exit} end to end: three node processes on the demo's fixed ports,
 * the seed's three concurrent requests for Tom answered with one origin load, and no process left
 * behind. If a port of the demo is taken, the demo says which and the test fails with that message.
 */
class DemoIT {
  private Processes processes;

  @BeforeEach
  void setUp() throws Exception {
    processes = new Processes();
  }

  @AfterEach
  void tearDown() throws Exception {
    processes.close();
  }

  @Test
  void theDemoExplainsTheClusterAndLoadsTomOnce() throws Exception {
    Processes.Result r = processes.run("demo", Duration.ofSeconds(150), "demo", "--exit");
    String out = r.output();
    assertThat(r.code()).as("demo --exit failed:%n%s", out).isZero();
    assertThat(out)
        .contains("node 1   peer http://127.0.0.1:8001   api http://127.0.0.1:9001")
        .contains("node 3   peer http://127.0.0.1:8003   api http://127.0.0.1:9999")
        .contains("curl \"http://localhost:9999/api?key=Tom\" &")
        .contains("answers: 630, 630, 630")
        .contains("Tom is owned by node 1")
        .contains("=> 3 concurrent requests for Tom: 1 origin load across the cluster.")
        .containsPattern("Jack +589 +node 3 +node 3")
        .containsPattern("Sam +567 +node 1 +node 1")
        .containsPattern("Kate +404 not found +node \\d +node \\d \\(no such row\\)")
        .containsPattern("Tom, again +630 +node 1 +nobody \\(cached\\)")
        .contains("every key was loaded once, by its owner.")
        .contains("Stopping the 3 nodes... stopped.");

    assertAllGone(nodePids(out));
  }

  @Test
  void aRunningDemoStopsItsNodesOnSigterm() throws Exception {
    Process demo = processes.launch("demo-term", List.of("demo"));
    List<Long> pids = awaitRunning(demo, "demo-term");
    try {
      demo.destroy(); // SIGTERM, as Ctrl-C's SIGINT
      assertThat(demo.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(demo.exitValue()).as(processes.logText("demo-term")).isZero();
      assertThat(processes.logText("demo-term")).contains("Stopping the 3 nodes... stopped.");
      assertAllGone(pids);
    } finally {
      pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }
  }

  @Test
  void nodesOfADemoKilledWithSigkillStopByThemselves() throws Exception {
    Process demo = processes.launch("demo-kill", List.of("demo"));
    List<Long> pids = awaitRunning(demo, "demo-kill");
    try {
      demo.destroyForcibly(); // SIGKILL: no hook runs; the nodes watch their parent
      assertAllGone(pids);
    } finally {
      pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
      deleteNodeLogs(processes.logText("demo-kill")); // a killed demo cannot delete them itself
    }
  }

  private List<Long> awaitRunning(Process demo, String name) {
    await(name + " running").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
      assertThat(demo.isAlive()).as("demo exited:%n%s", processes.logText(name)).isTrue();
      return processes.logText(name).contains("Press Ctrl-C to stop the three nodes.");
    });
    List<Long> pids = nodePids(processes.logText(name));
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("node pid %d alive", pid).isTrue();
    }
    return pids;
  }

  private static void deleteNodeLogs(String out) throws IOException {
    Matcher m = Pattern.compile("node logs: (\\S+)/node\\{1,2,3\\}\\.log").matcher(out);
    if (m.find()) {
      Path dir = Path.of(m.group(1));
      if (dir.getFileName().toString().startsWith("groupcache4j-demo-") && Files.isDirectory(dir)) {
        try (var files = Files.list(dir)) {
          for (Path f : (Iterable<Path>) files::iterator) {
            Files.deleteIfExists(f);
          }
        }
        Files.deleteIfExists(dir);
      }
    }
  }

  private static List<Long> nodePids(String out) {
    List<Long> pids = new ArrayList<>();
    Matcher m = Pattern.compile("pid (\\d+)").matcher(out);
    while (m.find()) {
      pids.add(Long.parseLong(m.group(1)));
    }
    assertThat(pids).as("node pids in:%n%s", out).hasSize(3);
    return pids;
  }

  private static void assertAllGone(List<Long> pids) {
    await("every node process ended").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      for (long pid : pids) {
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("node pid %d alive", pid).isFalse();
      }
    });
  }
}
