/**
 * Fetching from peers: one {@link org.groupcache4j.http.internal.client.PeerHttpClient} per
 * peer, pooled keep-alive connections on the transport's event loops, deadlines on one timer per
 * loop. Imports {@code protocol}, {@code security}, {@code http1} (the event loops) and the options.
 *
 * <p><b>Serving</b> does not pass here: see {@code peerserver}.
 *
 * <p><b>Fetching</b>, in the order a fetch passes:
 * <ol>
 *   <li>{@link org.groupcache4j.http.internal.client.PeerHttpClient#fetch} makes a
 *       {@link org.groupcache4j.http.internal.client.Fetch} and hands it to the
 *       {@link org.groupcache4j.http.internal.client.ConnectionPool} of the calling event loop
 *       (or of the next loop in turn);</li>
 *   <li>the pool lists its deadline ({@link org.groupcache4j.http.internal.client.Deadlines})
 *       and gives it an idle {@link org.groupcache4j.http.internal.client.PeerConnection}, opens
 *       one (TLS first to an {@code https} peer: {@code security.PeerSecurity}), or lets it
 *       wait for one;</li>
 *   <li>the connection writes the request, made as bytes by
 *       {@link org.groupcache4j.http.internal.client.PeerRequests} (path escaped by
 *       {@code protocol.PeerPaths}, host header, peer token, ring fingerprint);</li>
 *   <li>{@link org.groupcache4j.http.internal.client.AnswerReader} reads the answer from
 *       Netty's response decoder: the head (status, our headers: what kind of peer it is,
 *       {@link org.groupcache4j.http.internal.client.PeerKind}, and its ring fingerprint), then
 *       the body, a {@code GetResponse} ({@code protocol.PeerMessages}) or an error
 *       ({@code protocol.PeerErrors});</li>
 *   <li>the connection goes back to the pool (to the next waiting fetch, or idle) and the
 *       fetch's future completes; a fetch past its deadline fails and its connection is closed.</li>
 * </ol>
 * Writes ({@code set}, {@code remove}, {@code removeAll}) take the same way, sent only to a peer
 * whose answers show it is one of our nodes; a probe or a status request does not wait behind
 * fetches.
 */
package org.groupcache4j.http.internal.client;
