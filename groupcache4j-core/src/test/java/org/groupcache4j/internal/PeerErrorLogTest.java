package org.groupcache4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PeerErrorLogTest {
  @Test
  void logsOncePerPeerPerInterval() {
    AtomicLong now = new AtomicLong(1_000);
    PeerErrorLog log = new PeerErrorLog(Duration.ofSeconds(10), now::get);
    ConnectException refused = new ConnectException("refused");
    assertThat(log.failed("http://a", "g", "k1", refused)).isTrue();
    assertThat(log.failed("http://a", "g", "k2", refused)).isFalse();
    assertThat(log.failed("http://b", "g", "k3", refused)).as("another peer has its own window").isTrue();
    now.addAndGet(Duration.ofSeconds(9).toNanos());
    assertThat(log.failed("http://a", "g", "k4", refused)).isFalse();
    now.addAndGet(Duration.ofSeconds(2).toNanos());
    assertThat(log.failed("http://a", "g", "k5", refused)).isTrue();
  }
}
