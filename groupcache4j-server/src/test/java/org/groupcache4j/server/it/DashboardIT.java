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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.groupcache4j.server.internal.api.StatsJson;
import org.groupcache4j.ring.HashRing;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The dashboard in a real browser: headless Chromium loads {@code GET /} of one node of a cluster
 * of 3 separate JVMs, and the page it renders (its DOM after the scripts ran, parsed) shows every
 * peer, the group and numbers that grow with the traffic the test sends; a frozen peer (SIGSTOP)
 * shows as down, and the owner search names the ring's owner. Each card's ownership state and
 * "ownership changes" block show what the node's {@code /stats} says: hints held for the frozen
 * peer, then, in a rolling restart of node 3, the entries it handed to the others and what it found
 * at the keys' previous owners when it came back. Screenshots are saved in
 * {@code target/dashboard-*.png}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {
  private static final List<String> FLAGS = List.of("--origin", "synthetic:100", "--peer-connect-timeout", "500ms",
      "--peer-timeout", "1s");
  private Processes processes;
  private List<String> peers;
  private int[] api;
  private List<Process> nodes = List.of();
  private Path browserProfile;

  @BeforeAll
  void startCluster() throws Exception {
    processes = new Processes();
    browserProfile = Files.createTempDirectory("groupcache4j-chromium-");
    Processes.Cluster c = processes.startCluster(3, FLAGS.toArray(String[]::new));
    peers = c.peers();
    api = c.api();
    nodes = new ArrayList<>(c.nodes());
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
  @Order(1)
  void showsTheClusterLiveAndAFrozenPeerAsDown() throws Exception {
    traffic(0, 60);
    Document first = browse("/", null);
    for (int i = 0; i < peers.size(); i++) {
      assertThat(node(first, peers.get(i)).attr("data-state")).as("state of %s", peers.get(i)).isEqualTo("up");
      assertThat(node(first, peers.get(i)).attr("data-ownership")).as("ownership of %s", peers.get(i)).isEqualTo("ready");
      showsItsOwnershipChanges(first, i);
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
      // A remove of a key of node 3 through node 1 cannot reach node 3: node 1 holds a hint for it.
      String key = ownedBy(peers.get(2), "hinted-");
      processes.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + api[0]
          + "/api?key=" + key)).DELETE().timeout(Duration.ofSeconds(30)).build(),
          java.net.http.HttpResponse.BodyHandlers.discarding());
      await("node 1 holds a hint for the frozen node 3").atMost(Duration.ofSeconds(30)).until(() ->
          hintsPending(processes.stats(api[0])) > 0);
      Document frozen = browse("/", "dashboard-frozen-peer.png");
      assertThat(node(frozen, peers.get(2)).attr("data-state")).as("the frozen node").isEqualTo("down");
      assertThat(node(frozen, peers.get(1)).attr("data-state")).isEqualTo("up");
      assertThat(frozen.getElementById("kpi-up").text()).isEqualTo("2 / 3");
      assertThat(moves(frozen, peers.get(0)).selectFirst("[data-k=hintsPending]").text())
          .as("hints node 1 holds for node 3, on the page").isNotEqualTo("0");
      showsItsOwnershipChanges(frozen, 0);
      showsItsOwnershipChanges(frozen, 1);
    } finally {
      signal("CONT", nodes.get(2));
    }
    await("node 3 back up on the page").atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(node(browse("/", null), peers.get(2)).attr("data-state")).isEqualTo("up"));
  }

  @Test
  @Order(2)
  void showsARollingRestartInTheOwnershipChangesOfEachNode() throws Exception {
    await("every node ready and up for the others").atMost(Duration.ofSeconds(60)).until(() -> {
      for (int i = 0; i < 3; i++) {
        Map<String, Object> stats = processes.stats(api[i]);
        if (!"ready".equals(StatsJson.object(stats, "ownership").get("state"))) {
          return false;
        }
        for (Object p : StatsJson.object(stats, "peerStates").values()) {
          if (!(p instanceof Map<?, ?> m) || !"up".equals(m.get("state")) || !"ready".equals(m.get("ownership"))) {
            return false;
          }
        }
      }
      return true;
    });
    for (int k = 0; k < 60; k++) { // through nodes 1 and 2: node 3 keeps the keys it owns
      assertThat(processes.ask(api[k % 2], "roll-" + k).statusCode()).isEqualTo(200);
    }

    // Node 3 stops (SIGTERM): it hands its entries to nodes 1 and 2, as its last log line counts.
    Process leaving = nodes.get(2);
    leaving.destroy();
    assertThat(leaving.waitFor(60, TimeUnit.SECONDS)).as("node 3 stopped after SIGTERM").isTrue();
    String log = processes.logText("node3");
    Matcher handoff = Pattern.compile("handoff of " + Pattern.quote(peers.get(2))
        + ": (\\d+) entries .* ms: (\\d+) kept, (\\d+) dropped").matcher(log);
    assertThat(handoff.find()).as("node 3's handoff line in%n%s", log).isTrue();
    long kept = Long.parseLong(handoff.group(2));
    long dropped = Long.parseLong(handoff.group(3));
    assertThat(kept).as("entries nodes 1 and 2 kept from node 3").isPositive();
    Document gone = await("node 3 down on the page").atMost(Duration.ofSeconds(60)).until(() -> browse("/", null),
        d -> "down".equals(node(d, peers.get(2)).attr("data-state")));
    assertThat(node(gone, peers.get(2)).attr("data-ownership")).as("what node 3 last said to node 1").isEqualTo("draining");
    long received = 0;
    long receivedDropped = 0;
    for (int i = 0; i < 2; i++) {
      assertThat(node(gone, peers.get(i)).attr("data-ownership")).isEqualTo("ready");
      showsItsOwnershipChanges(gone, i);
      received += Long.parseLong(moves(gone, peers.get(i)).selectFirst("[data-k=received]").text());
      receivedDropped += Long.parseLong(moves(gone, peers.get(i)).selectFirst("[data-k=receivedDropped]").text());
    }
    assertThat(received).as("entries received, on the cards of nodes 1 and 2").isEqualTo(kept);
    assertThat(receivedDropped).as("entries dropped, on the cards of nodes 1 and 2").isEqualTo(dropped);

    // Node 3 comes back: it takes the keys it owns back from nodes 1 and 2 before it is ready (and
    // would find any it did not take at their previous owners).
    List<String> args = new ArrayList<>(List.of("serve", "--self", peers.get(2), "--peers", String.join(",", peers),
        "--api", "127.0.0.1:" + api[2], "--api-threads", "1"));
    args.addAll(FLAGS);
    Process again = processes.launch("node3", args);
    nodes.set(2, again);
    await("node 3 up and ready again").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
      assertThat(again.isAlive()).as("node 3 exited:%n%s", processes.logText("node3")).isTrue();
      return processes.healthy(api[2]) && "ready".equals(StatsJson.object(processes.stats(api[2]), "ownership").get("state"))
          && StatsJson.object(processes.stats(api[0]), "peerStates").get(peers.get(2)) instanceof Map<?, ?> m
          && "up".equals(m.get("state")) && "ready".equals(m.get("ownership"));
    });
    for (int k = 0; k < 60; k++) {
      assertThat(processes.ask(api[2], "roll-" + k).statusCode()).isEqualTo(200);
    }
    long found = 0;
    for (Object g : StatsJson.object(processes.stats(api[2]), "groups").values()) {
      found += ((Number) ((Map<?, ?>) g).get("foundAtPreviousOwner")).longValue();
    }
    long takenBack = ((Number) StatsJson.object(processes.stats(api[2]), "handoff").get("received")).longValue();
    assertThat(takenBack).as("keys node 3 took back before it was ready").isPositive();
    Document back = browse("/", "dashboard-rolled.png");
    assertThat(node(back, peers.get(2)).attr("data-state")).isEqualTo("up");
    assertThat(node(back, peers.get(2)).attr("data-ownership")).isEqualTo("ready");
    assertThat(moves(back, peers.get(2)).selectFirst("[data-k=received]").text())
        .as("taken back, on node 3's card").isEqualTo(Long.toString(takenBack));
    assertThat(moves(back, peers.get(2)).selectFirst("[data-k=foundAtPreviousOwner]").text())
        .as("found at previous owners, on node 3's card").isEqualTo(Long.toString(found));
    for (int i = 0; i < 3; i++) {
      showsItsOwnershipChanges(back, i);
    }
  }

  /**
   * Asserts that the "ownership changes" block on node {@code i + 1}'s card shows the numbers of
   * its {@code /stats} (read now; the test sends no traffic meanwhile, so they have not moved).
   */
  private void showsItsOwnershipChanges(Document page, int i) throws Exception {
    Map<String, Object> stats = processes.stats(api[i]);
    Map<String, Object> handoff = StatsJson.object(stats, "handoff");
    Map<String, Object> ownership = StatsJson.object(stats, "ownership");
    long found = 0;
    long anew = 0;
    for (Object g : StatsJson.object(stats, "groups").values()) {
      found += ((Number) ((Map<?, ?>) g).get("foundAtPreviousOwner")).longValue();
      anew += ((Number) ((Map<?, ?>) g).get("notFoundAtPreviousOwner")).longValue();
    }
    Map<String, Long> expected = new java.util.LinkedHashMap<>();
    for (String k : List.of("handedOff", "handedOffKept", "received", "receivedDropped", "loadedAhead")) {
      expected.put(k, ((Number) handoff.get(k)).longValue());
    }
    expected.put("foundAtPreviousOwner", found);
    expected.put("notFoundAtPreviousOwner", anew);
    expected.put("hintsPending", hintsPending(stats));
    expected.put("catchUps", ((Number) ownership.get("catchUps")).longValue());
    expected.put("coarseDrops", ((Number) ownership.get("coarseDrops")).longValue());
    Element block = moves(page, peers.get(i));
    for (Map.Entry<String, Long> e : expected.entrySet()) {
      assertThat(e.getValue()).as("%s of node %d: small enough to be shown as it is", e.getKey(), i + 1)
          .isLessThan(10_000);
      Element shown = block.selectFirst("[data-k=" + e.getKey() + "]");
      assertThat(shown).as("%s in the ownership changes of node %d:%n%s", e.getKey(), i + 1, block).isNotNull();
      assertThat(shown.text()).as("%s of node %d on the page", e.getKey(), i + 1).isEqualTo(Long.toString(e.getValue()));
    }
  }

  /** The "ownership changes" block of a node's card. */
  private static Element moves(Document d, String url) {
    Element e = node(d, url).selectFirst(".moves");
    assertThat(e).as("the ownership changes of %s in%n%s", url, node(d, url)).isNotNull();
    assertThat(e.text()).contains("ownership changes", "handed off", "received", "hints pending", "catch-ups");
    return e;
  }

  private static long hintsPending(Map<String, Object> stats) throws IOException {
    long n = 0;
    for (Object v : StatsJson.object(StatsJson.object(stats, "ownership"), "hintsPending").values()) {
      n += ((Number) v).longValue();
    }
    return n;
  }

  private String ownedBy(String owner, String prefix) {
    HashRing ring = HashRing.of(peers);
    for (int i = 0; ; i++) {
      if (ring.owner(prefix + i).equals(owner)) {
        return prefix + i;
      }
    }
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
