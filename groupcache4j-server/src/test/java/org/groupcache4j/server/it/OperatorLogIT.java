package org.groupcache4j.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.groupcache4j.server.testing.TestPorts.freePort;

import com.fasterxml.jackson.jr.ob.JSON;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.groupcache4j.ring.HashRing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The node's log as a new user meets it, at the default level: an origin that answers 500, one
 * that times out, one that is stopped, and a peer that does not answer each give a WARN line that
 * names the key, the group and the origin or peer, in one format with date, time and zone (also
 * for the library's System.Logger output); repeated failures are rate-limited; {@code --log-format
 * json} writes one JSON object per line; {@code --access-log} adds a line per client API answer.
 */
class OperatorLogIT {
  private static final Pattern TEXT_LINE = Pattern.compile(
      "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) (ERROR|WARN |INFO |DEBUG|TRACE) \\S+ \\[.*");
  private final Processes processes = new Processes();
  private HttpServer origin;

  OperatorLogIT() throws Exception {}

  @AfterEach
  void stop() {
    processes.close();
    if (origin != null) {
      origin.stop(0);
    }
  }

  /** An origin: /err-* answers 500, /slow-* answers after 5 s, anything else 200. */
  private int startOrigin() throws Exception {
    origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    origin.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    origin.createContext("/", ex -> {
      String key = ex.getRequestURI().getPath().substring(1);
      byte[] body = ("value of " + key).getBytes(StandardCharsets.UTF_8);
      int status = 200;
      if (key.startsWith("err-")) {
        status = 500;
        body = "database unavailable".getBytes(StandardCharsets.UTF_8);
      } else if (key.startsWith("slow-")) {
        try {
          Thread.sleep(5000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      ex.sendResponseHeaders(status, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    origin.start();
    return origin.getAddress().getPort();
  }

  private int startNode(String name, int originPort, List<String> peers, String... extra) throws Exception {
    int api = freePort();
    List<String> args = new java.util.ArrayList<>(List.of("serve", "--self", peers.get(0), "--peers", String.join(",", peers),
        "--api", "127.0.0.1:" + api, "--origin", "http://127.0.0.1:" + originPort + "/{key}",
        "--origin-timeout", "1500ms", "--peer-connect-timeout", "300ms", "--api-threads", "1"));
    args.addAll(Arrays.asList(extra));
    Process p = processes.launch(name, args);
    await(name + " up").atMost(Processes.STARTUP).pollInterval(Duration.ofMillis(100)).until(() -> {
      assertThat(p.isAlive()).as("%s exited:%n%s", name, processes.logText(name)).isTrue();
      return processes.healthy(api);
    });
    return api;
  }

  @Test
  void originAndPeerFailuresAreLoggedOnceAtTheDefaultLevelWithKeyGroupAndWhere() throws Exception {
    int originPort = startOrigin();
    String self = "http://127.0.0.1:" + freePort();
    String deadPeer = "http://127.0.0.1:" + freePort(); // nothing listens there
    List<String> peers = List.of(self, deadPeer);
    int api = startNode("node", originPort, peers, "--access-log");
    HashRing ring = HashRing.of(peers);
    String mineErr = ownedBy(ring, self, "err-");
    String mineSlow = ownedBy(ring, self, "slow-");
    String theirs = ownedBy(ring, deadPeer, "k-");

    assertThat(processes.ask(api, mineErr).statusCode()).isEqualTo(502);
    for (int i = 0; i < 20; i++) { // more of the same within seconds: held back
      processes.ask(api, "err-x" + i);
    }
    assertThat(processes.ask(api, mineSlow).statusCode()).isEqualTo(504);
    assertThat(processes.ask(api, theirs).statusCode()).isEqualTo(200); // loaded here after the failed fetch
    origin.stop(0);
    origin = null;
    String gone = ownedBy(ring, self, "gone-");
    assertThat(processes.ask(api, gone).statusCode()).isEqualTo(502);

    await("the log lines").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      List<String> lines = processes.logText("node").lines().filter(l -> !l.isBlank()).toList();
      for (String l : lines) {
        assertThat(l).as("every line has the one format").matches(TEXT_LINE);
      }
      assertThat(lines).anySatisfy(l -> assertThat(l).contains("WARN ").contains("'" + mineErr + "'")
          .contains("group 'scores'").contains("127.0.0.1:" + originPort).contains("HTTP 500"));
      assertThat(lines.stream().filter(l -> l.contains("HTTP 500")).count())
          .as("21 origin errors within seconds are logged once or twice, not 21 times").isBetween(1L, 2L);
      assertThat(lines).anySatisfy(l -> assertThat(l).contains("WARN ").contains("'" + mineSlow + "'")
          .contains("group 'scores'").contains("timed out"));
      assertThat(lines).anySatisfy(l -> assertThat(l).contains("WARN ").contains("'" + gone + "'")
          .contains("group 'scores'").contains("127.0.0.1:" + originPort));
      assertThat(lines).as("the access log (--access-log)").anySatisfy(l -> assertThat(l).contains("INFO ")
          .contains("\"GET /api?key=" + mineErr + "\" 502 ").containsPattern(" \\d+ B [0-9.]+ ms$"));
      assertThat(lines).as("the core's System.Logger line, in the same format").anySatisfy(l -> assertThat(l)
          .contains("WARN ").contains("peer " + deadPeer + " failed").contains("group 'scores', key '"));
    });
  }

  @Test
  @SuppressWarnings("unchecked")
  void jsonFormatWritesOneObjectPerLine() throws Exception {
    int originPort = startOrigin();
    String self = "http://127.0.0.1:" + freePort();
    int api = startNode("json", originPort, List.of(self), "--log-format", "json");
    assertThat(processes.ask(api, "err-1").statusCode()).isEqualTo(502);
    await("the log lines").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      List<String> lines = processes.logText("json").lines().filter(l -> !l.isBlank()).toList();
      List<Map<String, Object>> events = new java.util.ArrayList<>();
      for (String l : lines) {
        Map<String, Object> event = JSON.std.mapFrom(l); // every line is one JSON object
        assertThat(event).containsKeys("timestamp", "level", "loggerName", "formattedMessage");
        events.add(event);
      }
      assertThat(events).anySatisfy(e -> {
        assertThat(e.get("level")).isEqualTo("WARN");
        assertThat((String) e.get("formattedMessage")).contains("key 'err-1'").contains("group 'scores'");
        assertThat((List<Object>) e.get("kvpList")).contains(Map.of("group", "scores"), Map.of("key", "err-1"));
      });
    });
  }

  private static String ownedBy(HashRing ring, String owner, String prefix) {
    for (int i = 0; ; i++) {
      if (ring.owner(prefix + i).equals(owner)) {
        return prefix + i;
      }
    }
  }
}
