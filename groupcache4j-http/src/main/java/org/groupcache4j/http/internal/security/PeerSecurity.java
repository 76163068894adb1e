package org.groupcache4j.http.internal.security;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import org.groupcache4j.http.internal.security.BearerTokens;
import org.groupcache4j.http.internal.security.RequestAuth;
import org.groupcache4j.internal.RateLimitedLog;

/**
 * The TLS and token settings of one transport, applied where connections are made: the client
 * puts an {@code SslHandler} in front of each connection to an {@code https} peer (and sends the
 * peer token), the server puts {@link TlsPortGuard}, an {@code SslHandler} and
 * {@link TlsFailureLog} in front of each accepted connection when it serves TLS (and asks for the
 * token).
 */
public final class PeerSecurity {
  /** Plain HTTP, no token. */
  public static final PeerSecurity NONE = new PeerSecurity(null, null);

  private final TlsContexts tls; // null: none configured
  private final BearerTokens token; // null: none
  private final RateLimitedLog refusals = new RateLimitedLog("org.groupcache4j.http", Duration.ofSeconds(10));
  private final LongAdder handshakes = new LongAdder();
  private volatile TlsContexts publicTrust; // for https peers when no TLS was configured

  public PeerSecurity(TlsContexts tls, BearerTokens token) {
    this.tls = tls;
    this.token = token;
  }

  /** The TLS contexts, or null. */
  public TlsContexts tls() {
    return tls;
  }

  /** Whether the server can serve TLS (a certificate and key were given). */
  public boolean canServeTls() {
    return tls != null && tls.canServe();
  }

  /** Who may use the peer port: everyone, or bearers of the peer token. */
  public RequestAuth peerAuth() {
    return new RequestAuth(token, null);
  }

  /**
   * The peer token, or null: the one instance the server checks requests against and the clients
   * take their {@code authorization} header from, request by request, so both sides follow a
   * rotated token file together.
   */
  public BearerTokens token() {
    return token;
  }

  /**
   * For a new connection to an {@code https} peer at {@code host} and {@code port}: TLS first in
   * the pipeline, checking the peer's certificate against {@code host}.
   */
  public void addClientTls(Channel ch, String host, int port) {
    ch.pipeline().addFirst("tls", clientContexts().newClientHandler(ch.alloc(), host, port));
  }

  /** For a new accepted connection: port guard, TLS and the failure log first in the pipeline. */
  public void addServerTls(Channel ch, String port) {
    ChannelPipeline p = ch.pipeline();
    p.addFirst("tls-failures", new TlsFailureLog(port, refusals, handshakes));
    p.addFirst("tls", tls.newServerHandler(ch.alloc()));
    p.addFirst("tls-guard", new TlsPortGuard(port, refusals));
  }

  /** TLS handshakes the server completed (full or resumed): one per connection, not one per request. */
  public long serverHandshakes() {
    return handshakes.sum();
  }

  private TlsContexts clientContexts() {
    if (tls != null) {
      return tls;
    }
    TlsContexts t = publicTrust;
    if (t == null) {
      synchronized (this) {
        t = publicTrust;
        if (t == null) {
          t = TlsContexts.load(new TlsContexts.Settings(null, null, null, false, true, Duration.ofSeconds(5),
              Duration.ofMinutes(10)));
          publicTrust = t;
        }
      }
    }
    return t;
  }
}
