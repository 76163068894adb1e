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
import org.groupcache4j.testing.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./groupcache4j demo --exit} end to end: three node processes reading one database, three
 * concurrent requests for Tom answered with one origin load, a score changed in the database that
 * the cluster serves only after a {@code DELETE}, with one reload, and no process or port left
 * behind. Each test gives the demo free
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
      ports.add(Integer.toString(FreePorts.port()));
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
        .containsPattern("--origin jdbc:h2:tcp://127\\.0\\.0\\.1:\\d+/mem:groupcache4j-demo-\\S+ --query "
            + "'SELECT score FROM scores WHERE name = \\?' --jdbc-user demo")
        .contains("UPDATE scores SET score = 600 WHERE name = 'Jack'")
        .contains("1 row changed: Jack 589 -> 600.")
        // the database changed, the cache did not: every node still serves what it loaded
        .contains("nodes 1, 2, 3 answer: 589, 589, 589 - 0 origin loads")
        .contains("curl -X DELETE \"http://localhost:" + ports.get(4) + "/api?key=Jack\"")
        // after the remove at node 2: the new score everywhere, from one reload by the owner
        .contains("nodes 1, 2, 3 answer: 600, 600, 600 - 1 origin load (node " + ownerOf("Jack") + ", the owner;")
        .contains("Stopping the 3 nodes... stopped; the database is closed.")
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

  /**
   * A running demo listens on 127.0.0.1 only: its nodes on the ports they were given, the demo
   * itself on the database's ephemeral port; on SIGTERM all of it stops and that port closes.
   */
  @Test
  void aRunningDemoListensOnLoopbackOnlyAndStopsItsNodesAndDatabaseOnSigterm() throws Exception {
    Process demo = processes.launch("demo-term", demo());
    List<Long> pids = awaitRunning(demo, "demo-term");
    try {
      Matcher url = Pattern.compile("jdbc:h2:tcp://127\\.0\\.0\\.1:(\\d+)/").matcher(processes.logText("demo-term"));
      assertThat(url.find()).as("database URL in:%n%s", processes.logText("demo-term")).isTrue();
      String dbPort = url.group(1);
      assertThat(listening(demo.pid())).as("listening sockets of the demo process").containsExactly("127.0.0.1:" + dbPort);
      List<String> nodeSockets = new ArrayList<>();
      for (long pid : pids) {
        nodeSockets.addAll(listening(pid));
      }
      assertThat(nodeSockets).as("listening sockets of the nodes")
          .containsExactlyInAnyOrderElementsOf(ports.stream().map(p -> "127.0.0.1:" + p).toList());

      demo.destroy(); // SIGTERM, as Ctrl-C's SIGINT
      assertThat(demo.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(demo.exitValue()).as(processes.logText("demo-term")).isZero();
      assertThat(processes.logText("demo-term")).contains("Stopping the 3 nodes... stopped; the database is closed.");
      assertAllGone(pids);
      assertThat(listeningPorts()).as("ports still listening").doesNotContain(Integer.parseInt(dbPort));
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

  /**
   * The TCP sockets process {@code pid} listens on, as "address:port" (IPv4-mapped IPv6 addresses
   * shown as IPv4), from Linux's /proc.
   */
  private static List<String> listening(long pid) throws IOException {
    List<String> inodes = new ArrayList<>();
    try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring("socket:[".length(), target.length() - 1));
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    }
    List<String> sockets = new ArrayList<>();
    for (String[] row : listenRows()) {
      if (inodes.contains(row[9])) {
        sockets.add(address(row[1]));
      }
    }
    return sockets;
  }

  /** The ports anything on this machine listens on (TCP, IPv4 and IPv6). */
  private static List<Integer> listeningPorts() throws IOException {
    List<Integer> ports = new ArrayList<>();
    for (String[] row : listenRows()) {
      ports.add(Integer.parseInt(row[1].substring(row[1].indexOf(':') + 1), 16));
    }
    return ports;
  }

  /** The rows of /proc/net/tcp and tcp6 in state LISTEN, split on blanks. */
  private static List<String[]> listenRows() throws IOException {
    List<String[]> rows = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines = Files.readAllLines(Path.of(table));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (f[3].equals("0A")) {
          rows.add(f);
        }
      }
    }
    return rows;
  }

  /** "0100007F:1F41" or its IPv6 form as "127.0.0.1:8001"; other addresses as their hex, which no test expects. */
  private static String address(String hex) {
    int colon = hex.indexOf(':');
    String ip = hex.substring(0, colon);
    int port = Integer.parseInt(hex.substring(colon + 1), 16);
    if (ip.length() == 32 && ip.startsWith("0000000000000000FFFF0000")) { // ::ffff:a.b.c.d
      ip = ip.substring(24);
    }
    if (ip.length() == 8) { // a 32-bit word in host (little-endian) order
      long v = Long.parseLong(ip, 16);
      ip = (v & 0xff) + "." + (v >> 8 & 0xff) + "." + (v >> 16 & 0xff) + "." + (v >> 24 & 0xff);
    }
    return ip + ":" + port;
  }

  private static void assertAllGone(List<Long> pids) {
    await("every node process ended").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      for (long pid : pids) {
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("node pid %d alive", pid).isFalse();
      }
    });
  }
}
