package org.groupcache4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitedLogTest {
  @Test
  void logsOncePerTopicPerInterval() {
    AtomicLong now = new AtomicLong(1_000);
    RateLimitedLog log = new RateLimitedLog("test", Duration.ofSeconds(10), now::get);
    assertThat(log.log("http://a", Level.DEBUG, () -> "k1", null)).isTrue();
    assertThat(log.log("http://a", Level.DEBUG, () -> "k2", null)).isFalse();
    assertThat(log.log("http://b", Level.DEBUG, () -> "k3", null)).as("another topic has its own window").isTrue();
    now.addAndGet(Duration.ofSeconds(9).toNanos());
    assertThat(log.log("http://a", Level.DEBUG, () -> "k4", null)).isFalse();
    now.addAndGet(Duration.ofSeconds(2).toNanos());
    assertThat(log.log("http://a", Level.DEBUG, () -> "k5", new IllegalStateException())).isTrue();
  }
}
