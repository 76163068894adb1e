package org.groupcache4j.bench.roll;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The arithmetic of the restart benchmark: windows of requests, percentiles, medians, the origin's count. */
class RollFiguresTest {
  private static Balancer.Result ok(int node) {
    return new Balancer.Result(true, node, 0, 0, false, null);
  }

  @Test
  void aWindowTakesTheRequestsSentInItAndAtTheNodeAsked() {
    RollLoad.Samples s = new RollLoad.Samples();
    for (int i = 1; i <= 100; i++) {
      s.add(i * 1_000_000_000L, 0, i * 1_000_000L, ok(i % 2 + 1)); // sent at i s, latency i ms
    }
    s.add(50_500_000_000L, 0, 7_000_000L, new Balancer.Result(false, 1, 1, 0, true, "x"));
    RollLoad.Window all = s.window(Long.MIN_VALUE, Long.MAX_VALUE, 0);
    assertThat(all.requests()).isEqualTo(101);
    assertThat(all.failed()).isEqualTo(1);
    assertThat(all.movedOn503()).isEqualTo(1);
    assertThat(all.retriedClosed()).isEqualTo(1);
    RollLoad.Window firstTen = s.window(1_000_000_000L, 11_000_000_000L, 0);
    assertThat(firstTen.requests()).isEqualTo(10);
    assertThat(firstTen.p99()).isEqualTo(10.0);
    assertThat(firstTen.quantileMillis(0.5)).isEqualTo(5.0); // nearest rank: the 5th of 10
    RollLoad.Window atNode2 = s.window(1_000_000_000L, 11_000_000_000L, 2);
    assertThat(atNode2.requests()).isEqualTo(5); // the odd seconds
    assertThat(s.window(0, 1, 0).p99()).isNaN();
  }

  @Test
  void mergedSamplesKeepEveryRequest() {
    RollLoad.Samples a = new RollLoad.Samples();
    RollLoad.Samples b = new RollLoad.Samples();
    for (int i = 0; i < 3000; i++) {
      (i % 3 == 0 ? a : b).add(i, 0, 1_000L * i, ok(1));
    }
    RollLoad.Samples m = RollLoad.Samples.merge(List.of(a, b));
    assertThat(m.size()).isEqualTo(3000);
    assertThat(m.window(Long.MIN_VALUE, Long.MAX_VALUE, 1).quantileMillis(1.0)).isEqualTo(2.999);
  }

  @Test
  void medianAndSpread() {
    assertThat(RollBench.format(List.of(3.0, 1.0, 2.0), "%.1f")).isEqualTo("2.0 [1.0–3.0]");
    assertThat(RollBench.format(List.of(4.0, 1.0), "%.1f")).isEqualTo("2.5 [1.0–4.0]");
    assertThat(RollBench.format(List.of(5.0), "%.1f s")).isEqualTo("5.0 s");
    assertThat(RollBench.format(List.of(Double.NaN), "%.1f")).isEqualTo("–");
  }

  @Test
  void theOriginCountsEveryLoadPerKey() throws Exception {
    try (CountingOrigin origin = CountingOrigin.start(20)) {
      HttpClient http = HttpClient.newHttpClient();
      long start = System.nanoTime();
      long afterTwo = 0;
      for (String key : List.of("a", "b", "a", "a b/c")) {
        if (origin.loads() == 2) {
          afterTwo = System.nanoTime();
        }
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(origin.prefix()
            + key.replace(" ", "%20").replace("/", "%2F"))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("value-of-" + key).hasSize(20);
      }
      assertThat(origin.loads()).isEqualTo(4);
      assertThat(origin.loadsPerKey()).containsEntry("a", 2L).containsEntry("b", 1L).containsEntry("a b/c", 1L);
      long end = System.nanoTime();
      assertThat(origin.loadsBetween(start, end)).isEqualTo(4);
      assertThat(origin.loadsBetween(afterTwo, end)).isEqualTo(2);
      assertThat(origin.loadsBetween(start, afterTwo)).isEqualTo(2);
      assertThat(origin.loadsBetween(end, end + 1_000_000_000L)).isZero();
    }
  }
}
