package org.groupcache4j.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.groupcache4j.server.internal.api.StatsJson;
import org.groupcache4j.testing.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cache budget and the heap, in node processes with a small {@code -Xmx}: a budget that cannot
 * fit is refused at start with the heap flag and a budget that fits (and that budget starts); the
 * launcher's default heap follows the machine's memory; a load that runs out of heap is an error in
 * every count and makes {@code /healthz} say so.
 */
class MemoryIT {
  private static final String SMALL_HEAP = "-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";
  private Processes processes;

  @BeforeEach
  void setUp() throws Exception {
    processes = new Processes();
  }

  @AfterEach
  void tearDown() throws Exception {
    processes.close();
  }

  private Processes.Result serve(String name, String javaOpts, String cacheBytes) throws Exception {
    Process p = processes.launch(name, java.util.List.of("serve", "--self", "http://127.0.0.1:" + FreePorts.port(),
        "--cache-bytes", cacheBytes, "--origin", "synthetic:100"), Map.of("GROUPCACHE4J_JAVA_OPTS", javaOpts));
    assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("%s ended: %s", name, processes.logText(name))
        .isTrue();
    return new Processes.Result(p.exitValue(), processes.logText(name));
  }

  @Test
  void aBudgetTheHeapCannotHoldIsRefusedWithTheHeapFlagAndABudgetThatFits() throws Exception {
    Processes.Result r = serve("too-big", SMALL_HEAP, "1GiB");
    assertThat(r.code()).as(r.output()).isEqualTo(2);
    assertThat(r.output()).contains("cache-bytes 1GiB").contains("BENCHMARKS.md")
        .containsPattern("GROUPCACHE4J_JAVA_OPTS=-Xmx\\d+m");
    Matcher fits = Pattern.compile("lower the budget to at most (\\d+)MiB").matcher(r.output());
    assertThat(fits.find()).as(r.output()).isTrue();
    assertThat(Long.parseLong(fits.group(1))).isBetween(1L, 128L);

    int api = processes.startNode("fits", Map.of("GROUPCACHE4J_JAVA_OPTS", SMALL_HEAP), "--cache-bytes",
        fits.group(1) + "MiB", "--origin", "synthetic:100").api();
    assertThat(processes.ask(api, "k").statusCode()).isEqualTo(200);
  }

  @Test
  void withoutAHeapFlagTheLauncherLetsTheHeapUseMostOfTheMemory() throws Exception {
    long ram = ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    String noHeap = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1";
    int api = processes.startNode("default-heap", Map.of("GROUPCACHE4J_JAVA_OPTS", noHeap), "--origin", "synthetic:100")
        .api();
    long maxHeap = ((Number) processes.stats(api).get("maxHeapBytes")).longValue();
    assertThat(maxHeap).as("max heap of %d bytes of memory", ram).isBetween((long) (ram * 0.6), ram);

    Processes.Result r = serve("all-ram", noHeap, (ram >> 20) + "MiB");
    assertThat(r.code()).as(r.output()).isEqualTo(2);
    assertThat(r.output()).contains("lower the budget to at most");
  }

  @Test
  void aLoadThatRunsOutOfHeapIsAnErrorEverywhereAndTheNodeIsUnhealthy() throws Exception {
    int api = processes.startNode("oom", Map.of("GROUPCACHE4J_JAVA_OPTS", SMALL_HEAP), "--cache-bytes", "1MiB",
        "--origin", "synthetic:200MiB", "--max-value-bytes", "256MiB").api();
    HttpResponse<String> r = processes.ask(api, "big");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
    assertThat(r.body()).contains("out of memory").contains("'big'").contains("-Xmx");

    Map<String, Object> stats = processes.stats(api);
    Map<String, Object> group = StatsJson.object(StatsJson.object(stats, "groups"), "scores");
    assertThat(StatsJson.object(group, "origin"))
        .containsEntry("loads", 1).containsEntry("ok", 0).containsEntry("errors", 1).containsEntry("outOfMemory", 1);
    assertThat(group).containsEntry("localLoads", 0).containsEntry("localLoadErrors", 1);

    HttpResponse<String> health = processes.http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + api + "/healthz")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(503);
    assertThat(health.body()).contains("out of memory").contains("1 load(s)");
  }
}
