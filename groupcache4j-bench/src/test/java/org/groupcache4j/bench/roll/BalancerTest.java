package org.groupcache4j.bench.roll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.groupcache4j.bench.roll.FakeNode.Mode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The benchmark's clients reach the nodes as a load balancer would, on real sockets. */
class BalancerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private Balancer balancer;

  @AfterEach
  void close() throws InterruptedException {
    if (balancer != null) {
      balancer.close();
    }
  }

  private Balancer balancer(List<InetSocketAddress> apis) {
    balancer = new Balancer(apis, Duration.ofMillis(50));
    return balancer;
  }

  @Test
  void aRequestGoesToTheHomeNodeWhileItIsInRotation() throws Exception {
    try (FakeNode one = new FakeNode(Mode.SERVING); FakeNode two = new FakeNode(Mode.SERVING)) {
      Balancer b = balancer(List.of(one.address(), two.address()));
      try (Balancer.Session s = b.session(2)) {
        for (int i = 0; i < 5; i++) {
          Balancer.Result r = s.get("k" + i, TIMEOUT);
          assertThat(r.ok()).as(r.failure()).isTrue();
          assertThat(r.node()).isEqualTo(2);
        }
      }
      assertThat(one.answered()).isZero();
      assertThat(two.answered()).isEqualTo(5);
    }
  }

  @Test
  void a503SendsTheRequestToTheNextNode() throws Exception {
    try (FakeNode draining = new FakeNode(Mode.SERVING); FakeNode other = new FakeNode(Mode.SERVING)) {
      Balancer b = balancer(List.of(draining.address(), other.address()));
      try (Balancer.Session s = b.session(1)) {
        assertThat(s.get("k", TIMEOUT).node()).isEqualTo(1);
        draining.mode(Mode.UNAVAILABLE); // before the health check sees it: the kept-alive connection gets a 503
        Balancer.Result r = s.get("k", TIMEOUT);
        assertThat(r.ok()).as(r.failure()).isTrue();
        assertThat(r.node()).isEqualTo(2);
        assertThat(r.movedOn503()).isEqualTo(1);
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> !b.inRotation(1));
    }
  }

  @Test
  void aRefusedConnectionSendsTheRequestToTheNextNodeAndTakesTheNodeOutOfRotation() throws Exception {
    InetSocketAddress closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
    }
    try (FakeNode other = new FakeNode(Mode.SERVING)) {
      Balancer b = balancer(List.of(closed, other.address()));
      try (Balancer.Session s = b.session(1)) {
        Balancer.Result r = s.get("k", TIMEOUT);
        assertThat(r.ok()).as(r.failure()).isTrue();
        assertThat(r.node()).isEqualTo(2);
        assertThat(b.inRotation(1)).isFalse();
      }
    }
  }

  @Test
  void aKeptAliveConnectionTheNodeClosedIsRetriedOnceOnANewConnection() throws Exception {
    try (FakeNode node = new FakeNode(Mode.CLOSES_AFTER_ANSWER); FakeNode other = new FakeNode(Mode.SERVING)) {
      Balancer b = balancer(List.of(node.address(), other.address()));
      try (Balancer.Session s = b.session(1)) {
        assertThat(s.get("k1", TIMEOUT).ok()).isTrue(); // the node closes this connection after answering
        Balancer.Result r = s.get("k2", TIMEOUT);
        assertThat(r.ok()).as(r.failure()).isTrue();
        assertThat(r.retriedClosed()).isTrue();
        assertThat(r.node()).as("the retry goes to the same node, on a new connection").isEqualTo(1);
      }
      assertThat(node.answered()).isEqualTo(2);
      assertThat(other.answered()).isZero();
    }
  }

  @Test
  void aTimeoutIsAFailedRequestAndIsNotRetried() throws Exception {
    try (FakeNode slow = new FakeNode(Mode.SERVING); FakeNode other = new FakeNode(Mode.SERVING)) {
      Balancer b = balancer(List.of(slow.address(), other.address()));
      try (Balancer.Session s = b.session(1)) {
        slow.mode(Mode.SLOW);
        Balancer.Result r = s.get("k", Duration.ofMillis(300));
        assertThat(r.ok()).isFalse();
        assertThat(r.failure()).contains("no answer within 300 ms");
      }
      assertThat(other.answered()).isZero();
    }
  }

  @Test
  void withNoNodeInRotationEveryNodeIsTriedAndTheLastReasonReported() throws Exception {
    try (FakeNode one = new FakeNode(Mode.UNAVAILABLE); FakeNode two = new FakeNode(Mode.UNAVAILABLE)) {
      Balancer b = balancer(List.of(one.address(), two.address()));
      try (Balancer.Session s = b.session(1)) {
        Balancer.Result r = s.get("k", TIMEOUT);
        assertThat(r.ok()).isFalse();
        assertThat(r.movedOn503()).isEqualTo(2);
        assertThat(r.failure()).contains("every node refused or answered 503").contains("draining");
      }
    }
  }

  @Test
  void aNodeComesBackIntoRotationWhenItsHealthCheckPasses() throws IOException {
    try (FakeNode node = new FakeNode(Mode.UNAVAILABLE)) {
      Balancer b = balancer(List.of(node.address()));
      assertThat(b.inRotation(1)).isFalse();
      node.mode(Mode.SERVING);
      await().atMost(Duration.ofSeconds(5)).until(() -> b.inRotation(1));
    }
  }
}
