package org.groupcache4j.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.groupcache4j.ring.HashRing;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The dashboard in a real browser: headless Chromium loads {@code GET /} of one node of a cluster
 * of 3 separate JVMs, and the page it renders (its DOM after the scripts ran, parsed) shows every
 * peer, the group and numbers that grow with the traffic the test sends; a frozen peer (SIGSTOP)
 * shows as down, and the owner search names the ring's owner. Screenshots are saved in
 * {@code target/dashboard-*.png}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardIT {
  private Processes processes;
  private List<String> peers;
  private int[] api;
  private List<Process> nodes = List.of();
  private Path browserProfile;

  @BeforeAll
  void startCluster() throws Exception {
    processes = new Processes();
    browserProfile = Files.createTempDirectory("groupcache4j-chromium-");
    Processes.Cluster c = processes.startCluster(3, "--origin", "synthetic:100", "--peer-connect-timeout", "500ms",
        "--peer-timeout", "1s");
    peers = c.peers();
    api = c.api();
    nodes = c.nodes();
  }

  @AfterAll
  void stopCluster() throws Exception {
    for (Process p : nodes) {
      signal("CONT", p);
    }
    processes.close();
    try (var files = Files.walk(browserProfile)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  @Test
  void showsTheClusterLiveAndAFrozenPeerAsDown() throws Exception {
    traffic(0, 60);
    Document first = browse("/", null);
    for (String peer : peers) {
      assertThat(node(first, peer).attr("data-state")).as("state of %s", peer).isEqualTo("up");
    }
    Element group = first.selectFirst("[data-group=scores]");
    assertThat(group).as("the group's panel").isNotNull();
    long gets1 = Long.parseLong(node(first, peers.get(0)).attr("data-gets"));
    assertThat(gets1).as("gets of node 1 after 60 gets").isGreaterThanOrEqualTo(60);
    assertThat(group.selectFirst("tr[data-node=" + quote(peers.get(0)) + "]").attr("data-gets")).isEqualTo(Long.toString(gets1));
    assertThat(first.getElementById("served-by").text()).isEqualTo(peers.get(0));
    assertThat(first.getElementById("ring-legend").text()).contains("%");

    traffic(1, 90);
    Document second;
    Thread background = new Thread(() -> { // traffic while the page is open: its charts move
      try {
        for (int k = 0; !Thread.currentThread().isInterrupted(); k++) {
          processes.ask(api[k % 2], "live-" + (k % 50));
        }
      } catch (Exception e) {
        // stopped
      }
    });
    background.start();
    try {
      second = browse("/?key=Tom", "dashboard-up.png");
    } finally {
      background.interrupt();
      background.join(30_000);
    }
    assertThat(Long.parseLong(node(second, peers.get(1)).attr("data-gets"))).as("gets of node 2 after 90 more")
        .isGreaterThanOrEqualTo(90);
    assertThat(Long.parseLong(node(second, peers.get(0)).attr("data-gets"))).isGreaterThanOrEqualTo(gets1);
    assertThat(second.getElementById("owner-result").attr("data-owner")).isEqualTo(HashRing.of(peers).owner("Tom"));
    assertThat(second.getElementById("kpi-up").text()).isEqualTo("3 / 3");
    assertThat(Double.parseDouble(second.getElementById("kpi-rate").attr("data-rate")))
        .as("gets per second since the page was last open (its samples are kept in the browser)").isPositive();

    signal("STOP", nodes.get(2));
    try {
      traffic(0, 30);
      Document frozen = browse("/", "dashboard-frozen-peer.png");
      assertThat(node(frozen, peers.get(2)).attr("data-state")).as("the frozen node").isEqualTo("down");
      assertThat(node(frozen, peers.get(1)).attr("data-state")).isEqualTo("up");
      assertThat(frozen.getElementById("kpi-up").text()).isEqualTo("2 / 3");
    } finally {
      signal("CONT", nodes.get(2));
    }
    await("node 3 back up on the page").atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(node(browse("/", null), peers.get(2)).attr("data-state")).isEqualTo("up"));
  }

  /** {@code gets} requests at node {@code i}, over 20 keys. */
  private void traffic(int i, int gets) throws Exception {
    for (int k = 0; k < gets; k++) {
      assertThat(processes.ask(api[i], "key-" + (k % 20)).statusCode()).isEqualTo(200);
    }
  }

  private static Element node(Document d, String url) {
    Element e = d.selectFirst("section.node[data-url=" + quote(url) + "]");
    assertThat(e).as("the card of node %s in%n%s", url, d.body() == null ? d : d.body().text()).isNotNull();
    return e;
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }

  /**
   * Loads {@code path} of node 1 in headless Chromium, lets its scripts run (a few refreshes), and
   * returns the rendered DOM; with {@code screenshot}, also saves one in target/.
   */
  private Document browse(String path, String screenshot) throws Exception {
    String url = "http://127.0.0.1:" + api[0] + path;
    List<String> cmd = new ArrayList<>(List.of(chromium(), "--headless", "--no-sandbox", "--disable-gpu",
        "--hide-scrollbars", "--user-data-dir=" + browserProfile, "--window-size=1400,1150",
        "--virtual-time-budget=7000", "--dump-dom", url));
    String dom = run(cmd);
    if (screenshot != null) {
      Path shot = Path.of("target", screenshot).toAbsolutePath();
      cmd.set(cmd.indexOf("--dump-dom"), "--screenshot=" + shot);
      run(cmd);
      assertThat(shot).as("screenshot").isRegularFile();
    }
    return Jsoup.parse(dom, url);
  }

  private String run(List<String> cmd) throws IOException, InterruptedException {
    Path out = Files.createTempFile(browserProfile.getParent(), "chromium-", ".out");
    try {
      Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(90, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new AssertionError("chromium did not finish within 90 s: " + cmd);
      }
      return Files.readString(out, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static String chromium() {
    for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
      if (Files.isExecutable(Path.of(c))) {
        return c;
      }
    }
    throw new AssertionError("no Chromium found (/usr/bin/chromium); install Debian's chromium (.ci/run does)");
  }

  private static void signal(String sig, Process p) throws Exception {
    if (p.isAlive()) {
      new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).start().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
