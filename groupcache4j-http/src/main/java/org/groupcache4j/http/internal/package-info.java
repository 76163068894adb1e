/**
 * The options of an {@code HttpPeerTransport}, validated once ({@link
 * org.groupcache4j.http.internal.TransportConfig}, with {@link org.groupcache4j.http.internal.Checks}
 * for the checks its builder and {@code PeerTls}'s share), and read by both sides: the peer server
 * (base path, request limits, idle timeout) and the clients (base path, timeouts, pool sizes,
 * answer size). It takes the defaults that are public ({@code HttpPeerTransport.DEFAULT_BASE_PATH},
 * {@code DEFAULT_CONNECT_TIMEOUT}) and the base path's one check from the API class, and imports
 * no other package of this module.
 *
 * <p><b>Serving:</b> {@code peerserver.PeerServer} reads the base path, the request limits and
 * the idle timeout when it builds the server. <b>Fetching:</b> {@code client.PeerHttpClient} and
 * {@code client.ConnectionPool} read the timeouts, the pool sizes and the largest answer.
 */
package org.groupcache4j.http.internal;
