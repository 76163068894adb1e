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

  @Test
  void admitLetsOnePerIntervalThroughAndCountsTheRest() {
    AtomicLong now = new AtomicLong();
    RateLimitedLog limiter = new RateLimitedLog("test", Duration.ofSeconds(10), now::get);
    assertThat(limiter.admit("a")).isZero();
    assertThat(limiter.admit("a")).isEqualTo(-1);
    assertThat(limiter.admit("a")).isEqualTo(-1);
    assertThat(limiter.admit("b")).as("another topic").isZero();
    now.addAndGet(Duration.ofSeconds(10).toNanos());
    assertThat(limiter.admit("a")).isEqualTo(2);
    assertThat(RateLimitedLog.heldBack(2, "errors")).isEqualTo(" (2 more errors since the last message)");
    assertThat(RateLimitedLog.heldBack(0, "errors")).isEmpty();
  }
}
