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
import org.groupcache4j.ring.HashFunction;
import org.groupcache4j.ring.HashRing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./groupcache4j demo --exit} end to end: three node processes, three concurrent requests
 * for Tom answered with one origin load, and no process left behind. Each test gives the demo free
 * ports of its own ({@code --peer-ports}, {@code --api-ports}), so it runs beside a demo or node on
 * the default ports; two demos given the same ports do not count each other's nodes.
 */
class DemoIT {
  private Processes processes;
  private List<String> ports;

  @BeforeEach
  void setUp() throws Exception {
    processes = new Processes();
    ports = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ports.add(Integer.toString(Processes.freePort()));
    }
  }

  private List<String> demo(String... more) {
    List<String> args = new ArrayList<>(List.of("demo", "--peer-ports", String.join(",", ports.subList(0, 3)),
        "--api-ports", String.join(",", ports.subList(3, 6))));
    args.addAll(List.of(more));
    return args;
  }

  private String peer(int node) {
    return "http://127.0.0.1:" + ports.get(node - 1);
  }

  private int ownerOf(String key) {
    List<String> peers = List.of(peer(1), peer(2), peer(3));
    return peers.indexOf(HashRing.of(peers, HashRing.DEFAULT_REPLICAS, HashFunction.CRC32_IEEE).owner(key)) + 1;
  }

  @AfterEach
  void tearDown() throws Exception {
    processes.close();
  }

  @Test
  void theDemoExplainsTheClusterAndLoadsTomOnce() throws Exception {
    Processes.Result r = processes.run("demo", Duration.ofSeconds(150), demo("--exit").toArray(String[]::new));
    String out = r.output();
    assertThat(r.code()).as("demo --exit failed:%n%s", out).isZero();
    assertCorrectAccount(out);
    assertAllGone(nodePids(out));
  }

  private void assertCorrectAccount(String out) {
    int tom = ownerOf("Tom");
    assertThat(out)
        .contains("node 1   peer " + peer(1) + "   api http://127.0.0.1:" + ports.get(3))
        .contains("node 3   peer " + peer(3) + "   api http://127.0.0.1:" + ports.get(5))
        .contains("curl \"http://localhost:" + ports.get(5) + "/api?key=Tom\" &")
        .contains("answers: 630, 630, 630")
        .contains(tom == 3 ? "Node 3 owns Tom" : "Tom is owned by node " + tom)
        .contains("=> 3 concurrent requests for Tom: 1 origin load across the cluster.")
        .containsPattern("Jack +589 +node " + ownerOf("Jack") + " +node " + ownerOf("Jack"))
        .containsPattern("Sam +567 +node " + ownerOf("Sam") + " +node " + ownerOf("Sam"))
        .containsPattern("Kate +404 not found +node " + ownerOf("Kate") + " +node " + ownerOf("Kate")
            + " \\(no such row\\)")
        .containsPattern("Tom, again +630 +node " + tom + " +nobody \\(cached\\)")
        .contains("every key was loaded once, by its owner.")
        .containsPattern("nodes 1, 2, 3 answer: 600, 600, 600 - 0 origin loads: node " + ownerOf("Jack") + " \\(the owner\\)")
        .contains("nodes 1, 2, 3 answer: 589, 589, 589 - 1 origin load (node " + ownerOf("Jack") + ").")
        .contains("Stopping the 3 nodes... stopped.")
        .doesNotContain("seed");
  }

  /**
   * Two demos on the same ports at once: each port ends up with the node of one of them, and a
   * demo that finds another's node on one of its ports says so and fails; at most one gives an
   * account, and that account is right.
   */
  @Test
  void twoDemosOnTheSamePortsDoNotCountEachOthersNodes() throws Exception {
    Process a = processes.launch("demo-a", demo("--exit"));
    Process b = processes.launch("demo-b", demo("--exit"));
    int succeeded = 0;
    for (var e : java.util.Map.of("demo-a", a, "demo-b", b).entrySet()) {
      assertThat(e.getValue().waitFor(150, TimeUnit.SECONDS)).as("%s ended", e.getKey()).isTrue();
      String out = processes.logText(e.getKey());
      if (e.getValue().exitValue() == 0) {
        succeeded++;
        assertCorrectAccount(out);
      } else {
        assertThat(out).as("%s failed and says why", e.getKey())
            .containsPattern("another (demo or )?node")
            .doesNotContain("Origin loads across the cluster");
      }
      assertAllGone(pidsIn(out));
    }
    assertThat(succeeded).as("demos that gave an account").isLessThanOrEqualTo(1);
  }

  @Test
  void aRunningDemoStopsItsNodesOnSigterm() throws Exception {
    Process demo = processes.launch("demo-term", demo());
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
    Process demo = processes.launch("demo-kill", demo());
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
    List<Long> pids = pidsIn(out);
    assertThat(pids).as("node pids in:%n%s", out).hasSize(3);
    return pids;
  }

  /** The pids of the nodes a demo started, as it printed them (none if it stopped before). */
  private static List<Long> pidsIn(String out) {
    List<Long> pids = new ArrayList<>();
    Matcher m = Pattern.compile("pid (\\d+)").matcher(out);
    while (m.find()) {
      pids.add(Long.parseLong(m.group(1)));
    }
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
