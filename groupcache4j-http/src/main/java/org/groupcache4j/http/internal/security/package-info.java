/**
 * TLS and bearer tokens, for the peer port, the peer clients and the node's client API:
 * certificates from PEM files re-read when they change, and token files re-read the same way.
 * Imports {@code http1} only (the token check is a {@code Routes} guard).
 *
 * <p><b>Serving</b>, in the order a connection and its requests pass:
 * <ol>
 *   <li>{@link org.groupcache4j.http.internal.security.PeerSecurity#addServerTls} puts three
 *       handlers first in an accepted connection's pipeline:
 *       {@link org.groupcache4j.http.internal.security.TlsPortGuard} (plain HTTP gets a 400
 *       saying to use {@code https://}), the {@code SslHandler} of
 *       {@link org.groupcache4j.http.internal.security.TlsContexts} (server context; certificate
 *       files read by {@link org.groupcache4j.http.internal.security.PemFiles}, looked at again
 *       when {@link org.groupcache4j.http.internal.security.LookAgain} says so), and
 *       {@link org.groupcache4j.http.internal.security.TlsFailureLog} (a failed handshake is
 *       logged and the connection closed);</li>
 *   <li>{@link org.groupcache4j.http.internal.security.AuthGuard}, the routes' guard, asks
 *       {@link org.groupcache4j.http.internal.security.RequestAuth} whether the request's
 *       {@code Authorization} header holds a token of
 *       {@link org.groupcache4j.http.internal.security.BearerTokens} (401 or 403 otherwise).</li>
 * </ol>
 *
 * <p><b>Fetching</b>, in the order a connection and its requests pass:
 * <ol>
 *   <li>{@code PeerSecurity.addClientTls} puts the {@code SslHandler} of the client context
 *       ({@code TlsContexts}: trusted certificates, this node's certificate under mutual TLS,
 *       host name check) first in a new connection to an {@code https} peer;</li>
 *   <li>each request carries the peer token's header line, {@code BearerTokens.requestHeaderLine}.</li>
 * </ol>
 */
package org.groupcache4j.http.internal.security;
