package org.groupcache4j.http.internal;

import java.net.InetSocketAddress;
import java.time.Duration;

/** The validated options of an {@code HttpPeerTransport}, shared by its server and clients. */
public record TransportConfig(
    String basePath,
    InetSocketAddress bindAddress,
    Duration connectTimeout,
    Duration responseTimeout,
    int maxResponseBytes,
    int maxConnectionsPerPeer,
    int maxPendingFetchesPerPeer,
    int eventLoopThreads,
    Duration idleTimeout,
    Duration shutdownTimeout,
    int maxRequestLineBytes,
    int maxHeaderBytes,
    boolean nativeTransport) {

  /** Pooled client connections are closed after this long unused, before a server would close them. */
  public Duration clientIdleTimeout() {
    Duration d = idleTimeout.multipliedBy(3).dividedBy(4);
    return d.isZero() ? Duration.ofMillis(1) : d;
  }
}
