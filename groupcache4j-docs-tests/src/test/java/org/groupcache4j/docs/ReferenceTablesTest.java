package org.groupcache4j.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.groupcache4j.server.internal.Node;
import org.groupcache4j.server.internal.api.StatsJson;
import org.groupcache4j.server.internal.cli.ServeCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference tables that describe what a running node answers, compared with a running node:
 * the {@code /stats} fields of docs/server.md and the meters of docs/operations.md name every
 * field and every {@code groupcache_} meter that two nodes of a cluster show after some gets
 * (fetches between them included), and name nothing they do not have.
 */
class ReferenceTablesTest {
  /** Object keys that are data (peer URLs, group names), written as placeholders in the table. */
  private static final Set<String> DYNAMIC = Set.of("peerStates", "groups");
  private static final Set<String> PLACEHOLDERS = Set.of("URL", "G", "NAME");
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");

  @TempDir
  static Path dir;
  private static final List<Node> nodes = new ArrayList<>();
  private static final HttpClient http = HttpClient.newHttpClient();
  private static String api;

  @BeforeAll
  static void twoNodes() throws Exception {
    List<String> peers = List.of("http://127.0.0.1:" + Ports.freePort(), "http://127.0.0.1:" + Ports.freePort());
    Path file = Files.writeString(dir.resolve("peers.txt"), String.join("\n", peers) + "\n");
    String apiPort = Ports.freePort();
    // A short warm-up: its report is in /stats, and the test does not wait for the default's 10 s.
    nodes.add(Node.start(ServeCommand.configOf("--self", peers.get(0), "--peers-file", file.toString(),
        "--api", "127.0.0.1:" + apiPort, "--origin", "synthetic:16", "--warm-up", "1s")));
    nodes.add(Node.start(ServeCommand.configOf("--self", peers.get(1), "--peers", String.join(",", peers),
        "--origin", "synthetic:16", "--warm-up", "0")));
    api = "http://127.0.0.1:" + apiPort;
    await().atMost(Duration.ofSeconds(30)).until(() -> get("/healthz").equals("ok\n"));
    for (int i = 0; i < 40; i++) { // about half of them owned by node 2: fetched from it
      get("/api?key=k" + i);
    }
    Object peerLoads = StatsJson.object(StatsJson.object(stats(), "groups"), "scores").get("peerLoads");
    assertThat(((Number) peerLoads).longValue()).as("values node 1 fetched from node 2").isPositive();
  }

  @AfterAll
  static void stop() {
    nodes.forEach(Node::close);
  }

  @Test
  void theStatsTableNamesEveryFieldOfStatsAndNoOther() throws Exception {
    Set<String> fields = new TreeSet<>();
    keys(stats(), null, fields);
    List<String[]> rows = table("docs/server.md", "stats-fields");
    Set<String> documented = new TreeSet<>();
    Set<String> named = new TreeSet<>();
    for (String[] row : rows) {
      for (int c = 0; c < row.length; c++) {
        Matcher m = CODE.matcher(row[c]);
        while (m.find()) {
          for (String part : m.group(1).split("[.,/ ]+")) {
            if (part.matches("[A-Za-z]+")) {
              documented.add(part);
              if (c == 0 && !PLACEHOLDERS.contains(part)) {
                named.add(part);
              }
            }
          }
        }
      }
    }
    assertThat(documented).as("fields of a running node's /stats that the table of docs/server.md does not name")
        .containsAll(fields);
    assertThat(fields).as("fields the table of docs/server.md names (first column) that /stats does not have")
        .containsAll(named);
  }

  @Test
  void theMetricsTableNamesEveryMeterAndNoOther() throws Exception {
    Set<String> meters = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^# TYPE (groupcache_\\w+) ").matcher(get("/metrics"));
    while (m.find()) {
      meters.add(m.group(1));
    }
    Set<String> documented = new TreeSet<>();
    for (String[] row : table("docs/operations.md", "metrics")) {
      Matcher c = CODE.matcher(row[0]);
      while (c.find()) {
        documented.add(c.group(1));
      }
    }
    assertThat(meters).as("groupcache_ meters of a running node").hasSizeGreaterThan(10);
    assertThat(documented).as("the meters in the table of docs/operations.md against /metrics")
        .containsExactlyInAnyOrderElementsOf(meters);
  }

  /** Every key of {@code json}'s objects, but the keys of the objects that map data to values. */
  private static void keys(Object json, String parent, Set<String> out) {
    if (json instanceof Map<?, ?> map) {
      boolean data = parent != null && DYNAMIC.contains(parent);
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!data) {
          out.add(String.valueOf(e.getKey()));
        }
        keys(e.getValue(), data ? null : String.valueOf(e.getKey()), out);
      }
    } else if (json instanceof List<?> list) {
      list.forEach(v -> keys(v, parent, out));
    }
  }

  /** The cells of the table below {@code <!-- reference: NAME -->} on {@code page}, header and separator left out. */
  static List<String[]> table(String page, String name) {
    Page p = Docs.page(page);
    int marker = p.markers("reference").stream().filter(m -> m.value().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError(page + " has no <!-- reference: " + name + " -->")).line();
    List<String[]> rows = new ArrayList<>();
    List<String> lines = p.lines();
    for (int i = marker; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      if (i < marker + 2) {
        continue; // the header and the |---| line
      }
      String row = lines.get(i).replace("\\|", "\u0000");
      String[] cells = row.substring(1, row.lastIndexOf('|')).split("\\|");
      for (int c = 0; c < cells.length; c++) {
        cells[c] = cells[c].replace('\u0000', '|').strip();
      }
      rows.add(cells);
    }
    assertThat(rows).as("rows of the table below <!-- reference: %s --> in %s", name, page).isNotEmpty();
    return rows;
  }

  private static Map<String, Object> stats() throws Exception {
    return StatsJson.parse(get("/stats"));
  }

  private static String get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(api + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }
}
