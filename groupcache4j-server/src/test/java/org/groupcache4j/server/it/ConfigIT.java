package org.groupcache4j.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.groupcache4j.server.internal.api.StatsJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The repository's {@code config.example.yaml}, started as a node process: two groups, each from
 * its own origin (the demo database, and an HTTP service that this test runs), with the ports and
 * the HTTP origin's address given as flags over the file.
 */
class ConfigIT {
  private Processes processes;
  private HttpServer backend;
  private final AtomicInteger backendCalls = new AtomicInteger();

  @BeforeEach
  void setUp() throws Exception {
    processes = new Processes();
    backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    backend.createContext("/pages/", ex -> {
      backendCalls.incrementAndGet();
      byte[] body = ("page " + ex.getRequestURI().getPath().substring("/pages/".length())).getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    backend.start();
  }

  @AfterEach
  void tearDown() {
    processes.close();
    backend.stop(0);
  }

  @Test
  void theExampleFileServesTwoGroupsFromTwoOrigins() throws Exception {
    Path example = Path.of(System.getProperty("groupcache4j.launcher")).toAbsolutePath().getParent()
        .resolve("config.example.yaml");
    int api = processes.startNode("config", Map.of(), self -> List.of("--config", example.toString(), "--peers", self,
        "--group", "pages", "--origin", "http://127.0.0.1:" + backend.getAddress().getPort() + "/pages/{key}")).api();

    assertThat(get(api, "/api/scores/Tom").body()).isEqualTo("630");
    assertThat(get(api, "/api?key=Jack").body()).as("the first group is the default").isEqualTo("589");
    assertThat(get(api, "/api/pages/home").body()).isEqualTo("page home");
    assertThat(get(api, "/api/pages/home").body()).isEqualTo("page home");
    assertThat(backendCalls.get()).as("the second get of a page is a hit").isEqualTo(1);

    Map<String, Object> groups = StatsJson.object(processes.stats(api), "groups");
    assertThat(groups).containsOnlyKeys("scores", "pages");
    assertThat(StatsJson.object(groups, "scores")).containsEntry("cacheBytes", 64 << 20);
    assertThat(StatsJson.object(groups, "pages")).containsEntry("cacheBytes", 32 << 20);
    assertThat(StatsJson.object(StatsJson.object(groups, "pages"), "origin")).containsEntry("loads", 1);
    assertThat(StatsJson.object(StatsJson.object(groups, "scores"), "origin")).containsEntry("loads", 2);
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    HttpResponse<String> r = processes.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("%s: %s", path, r.body()).isEqualTo(200);
    return r;
  }
}
