package org.groupcache4j.http.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.groupcache4j.http.internal.TransportConfig;
import org.groupcache4j.http.internal.http1.IoResources;
import org.groupcache4j.http.internal.protocol.PeerUrl;
import org.groupcache4j.http.internal.protocol.RingCheck;
import org.groupcache4j.http.internal.security.PeerSecurity;
import org.groupcache4j.testing.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The first connection, opened ahead of any fetch, and its back-off while the peer is not up. */
class ConnectionPoolTest {
  private final IoResources io = new IoResources(1, false);
  private final EventLoop loop = io.loops()[0];

  @AfterEach
  void stop() {
    io.shutdown(Duration.ofSeconds(2));
  }

  static TransportConfig config() {
    return TransportConfig.builder().maxResponseBytes(1 << 20).maxConnectionsPerPeer(1).maxPendingFetchesPerPeer(16)
        .eventLoopThreads(1).nativeTransport(false).build();
  }

  private ConnectionPool pool(int port) {
    PeerUrl peer = PeerUrl.parse("http://127.0.0.1:" + port);
    TransportConfig cfg = config();
    return new ConnectionPool(loop, io, peer, cfg, PeerSecurity.NONE,
        new PeerRequests(peer, cfg.basePath(), null, RingCheck.NONE), 1, 16);
  }

  private int attempts(ConnectionPool pool) throws Exception {
    return loop.submit(pool::preconnectAttempts).get(5, TimeUnit.SECONDS);
  }

  @Test
  void theBackOffDoublesFrom100Milliseconds() {
    assertThat(IntStream.range(0, ConnectionPool.PRECONNECT_RETRIES).mapToLong(ConnectionPool::preconnectDelayMillis))
        .containsExactly(100L, 200L, 400L, 800L, 1600L);
  }

  @Test
  void aPeerThatIsNotUpYetIsTriedAgainAndConnectedAheadOnceItIs() throws Exception {
    int port = FreePorts.port(); // nothing listens there yet
    ConnectionPool pool = pool(port);
    loop.execute(() -> pool.preconnect(0));
    await().atMost(Duration.ofSeconds(10)).until(() -> attempts(pool) >= 2); // refused, then tried again
    try (ServerSocket peer = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
      peer.setSoTimeout(10_000);
      try (Socket s = peer.accept()) {
        s.setSoTimeout(200);
        assertThat(attempts(pool)).isBetween(2, 1 + ConnectionPool.PRECONNECT_RETRIES);
        assertThat(s.getInputStream().available()).as("opened ahead: no request on it").isZero();
      }
    } finally {
      loop.submit(pool::close).get(5, TimeUnit.SECONDS);
    }
  }
}
