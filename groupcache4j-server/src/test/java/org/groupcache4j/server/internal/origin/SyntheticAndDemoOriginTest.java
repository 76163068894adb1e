package org.groupcache4j.server.internal.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.groupcache4j.KeyNotFoundException;
import org.junit.jupiter.api.Test;

class SyntheticAndDemoOriginTest {
  @Test
  void syntheticValuesMatchTheGetterOfTheGoBenchmarkNodes() throws Exception {
    Origin o = Origins.create("synthetic:100", settings());
    byte[] v = o.fetch("Tom");
    assertThat(v).hasSize(100);
    assertThat(new String(v, StandardCharsets.US_ASCII)).isEqualTo("value-of-Tom" + ".".repeat(88));
    // Longer than SIZE: not cut (Go pads while shorter).
    assertThat(new String(SyntheticOrigin.value("a-rather-long-key", 10), StandardCharsets.UTF_8))
        .isEqualTo("value-of-a-rather-long-key");
    // SIZE counts bytes, not chars.
    byte[] u = SyntheticOrigin.value("ключ", 20);
    assertThat(u).hasSize(20);
    assertThat(new String(u, StandardCharsets.UTF_8)).isEqualTo("value-of-ключ" + "..."); // 17 bytes + 3
    assertThat(o.describe()).isEqualTo("synthetic:100");
  }

  @Test
  void syntheticDelay() throws Exception {
    Origin o = Origins.create("synthetic:1KiB,delay=150ms", settings());
    assertThat(o.describe()).isEqualTo("synthetic:1024,delay=150ms");
    long t0 = System.nanoTime();
    assertThat(o.fetch("k")).hasSize(1024);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
  }

  @Test
  void syntheticSpecErrors() {
    assertThatThrownBy(() -> Origins.create("synthetic:", settings())).isInstanceOf(OriginConfigException.class)
        .hasMessageContaining("SIZE");
    assertThatThrownBy(() -> Origins.create("synthetic:1GiB", settings())).hasMessageContaining("larger than the value limit");
    assertThatThrownBy(() -> Origins.create("synthetic:10,delay=x", settings())).hasMessageContaining("delay");
  }

  @Test
  void demoHasTomJackSamAndGeneratedPlayers() throws Exception {
    try (Origin o = Origins.create("demo", settings())) {
      assertThat(text(o, "Tom")).isEqualTo("630");
      assertThat(text(o, "Jack")).isEqualTo("589");
      assertThat(text(o, "Sam")).isEqualTo("567");
      assertThat(text(o, DemoDatabase.generatedName(42))).isEqualTo(Integer.toString(DemoDatabase.generatedScore(42)));
      assertThat(text(o, DemoDatabase.generatedName(DemoDatabase.GENERATED)))
          .isEqualTo(Integer.toString(DemoDatabase.generatedScore(DemoDatabase.GENERATED)));
      assertThatThrownBy(() -> o.fetch("Kate")).isInstanceOf(KeyNotFoundException.class);
      assertThat(o.describe()).contains("demo").contains("H2");
    }
  }

  @Test
  void twoDemoDatabasesAreIndependent() throws Exception {
    try (Origin a = Origins.create("demo", settings()); Origin b = Origins.create("demo", settings())) {
      assertThat(text(a, "Tom")).isEqualTo(text(b, "Tom"));
    }
  }

  @Test
  void unknownKindsListTheKnownOnes() {
    assertThatThrownBy(() -> Origins.create("redis://x", settings())).isInstanceOf(OriginConfigException.class)
        .hasMessageContaining(Origins.ACCEPTED);
  }

  private static String text(Origin o, String key) throws Exception {
    return new String(o.fetch(key), StandardCharsets.UTF_8);
  }

  private static Origins.Settings settings() {
    return new Origins.Settings(null, null, null, 2, Duration.ofSeconds(5), 1 << 20);
  }
}
