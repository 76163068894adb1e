package org.groupcache4j.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.jr.ob.JSON;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.groupcache4j.ring.HashRing;
import org.groupcache4j.testing.FreePorts;
import org.groupcache4j.testing.RefusingPort;
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
  private RefusingPort dead;

  OperatorLogIT() throws Exception {}

  @AfterEach
  void stop() {
    processes.close();
    if (origin != null) {
      origin.stop(0);
    }
    if (dead != null) {
      dead.close();
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

  /** A node whose peers are itself and {@code others}, in front of the origin on {@code originPort}. */
  private Processes.Node startNode(String name, int originPort, List<String> others, String... extra) throws Exception {
    return processes.startNode(name, Map.of(), self -> {
      List<String> peers = new ArrayList<>(List.of(self));
      peers.addAll(others);
      List<String> args = new ArrayList<>(List.of("--peers", String.join(",", peers),
          "--origin", "http://127.0.0.1:" + originPort + "/{key}", "--origin-timeout", "1500ms",
          "--peer-connect-timeout", "300ms"));
      args.addAll(Arrays.asList(extra));
      return args;
    });
  }

  @Test
  void originAndPeerFailuresAreLoggedOnceAtTheDefaultLevelWithKeyGroupAndWhere() throws Exception {
    int originPort = startOrigin();
    dead = FreePorts.refusing(); // nothing listens there, nor can another process while the test runs
    String deadPeer = dead.url("http");
    Processes.Node node = startNode("node", originPort, List.of(deadPeer), "--access-log");
    int api = node.api();
    String self = node.self();
    HashRing ring = HashRing.of(List.of(self, deadPeer));
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
    int api = startNode("json", originPort, List.of(), "--log-format", "json").api();
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
