package org.groupcache4j.http.internal.peerserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.function.Supplier;
import org.groupcache4j.http.internal.TransportConfig;
import org.groupcache4j.http.internal.http1.HttpServer;
import org.groupcache4j.http.internal.http1.InFlight;
import org.groupcache4j.http.internal.http1.IoResources;
import org.groupcache4j.http.internal.protocol.Forwarder;
import org.groupcache4j.http.internal.security.AuthGuard;
import org.groupcache4j.http.internal.security.PeerSecurity;
import org.groupcache4j.peer.PeerRequestHandler;

/** The listening side of a transport: an {@link HttpServer} with the peer port's routes ({@link PeerEndpoint#routes}). */
public final class PeerServer {
  private final HttpServer server;
  private final InetSocketAddress bound;

  private PeerServer(HttpServer server, InetSocketAddress bound) {
    this.server = server;
    this.bound = bound;
  }

  /**
   * Binds {@code address} and serves; returns once listening. Requests waiting for their answer
   * count in {@code inFlight}, which the transport drains on close. {@code status}, if not null,
   * answers {@code GET {basePath}_stats}.
   *
   * @throws UncheckedIOException naming the address and peer URL if it cannot listen
   */
  public static PeerServer start(TransportConfig cfg, IoResources io, InetSocketAddress address,
      String selfUrl, PeerRequestHandler handler, InFlight inFlight, PeerSecurity security, boolean tls,
      Supplier<String> status, Forwarder forwarder) {
    HttpServer server = HttpServer.builder()
        .routes(PeerEndpoint.routes(cfg.basePath(), handler, status, forwarder)
            .guarded(AuthGuard.of(security.peerAuth(), Set.of())))
        .pipeline(tls ? ch -> security.addServerTls(ch, "peer port") : ch -> { })
        .eventLoops(io.group(), io.group())
        .inFlight(inFlight)
        .maxRequestLineBytes(cfg.maxRequestLineBytes())
        .maxHeaderBytes(cfg.maxHeaderBytes())
        .idleTimeout(cfg.idleTimeout())
        .build();
    try {
      return new PeerServer(server, server.bind(address));
    } catch (HttpServer.BindFailure e) {
      throw new UncheckedIOException("cannot listen on " + hostPort(address) + " for peer URL " + selfUrl
          + ": " + e.getMessage(), e.getCause() instanceof IOException io2 ? io2 : new IOException(e.getCause()));
    }
  }

  static String hostPort(InetSocketAddress a) {
    String host = a.getHostString();
    if (host.indexOf(':') >= 0) {
      host = "[" + host + "]";
    }
    return host + ":" + a.getPort();
  }

  /** The address actually bound (with the real port when port 0 was asked). */
  public InetSocketAddress boundAddress() {
    return bound;
  }

  /**
   * Stops accepting, answers new requests on open connections with 503, waits up to
   * {@code waitMillis} for the requests in flight, then closes every connection.
   */
  public void close(long waitMillis) {
    server.close(java.time.Duration.ofMillis(waitMillis));
  }
}
