/**
 * Answering peers: golang/groupcache's {@code HTTPPool.ServeHTTP} on the {@code http1} server
 * layer. Imports {@code protocol}, {@code security}, {@code http1} and the options; no package
 * imports it but the transport.
 *
 * <p><b>Serving</b>, in the order a request passes:
 * <ol>
 *   <li>{@link org.groupcache4j.http.internal.peerserver.PeerServer} starts an {@code HttpServer}
 *       with the routes of {@link org.groupcache4j.http.internal.peerserver.PeerEndpoint}, the
 *       peer token's guard and TLS ({@code security.PeerSecurity}); or
 *       {@code PeerEndpoint.mountable} serves the same routes inside an application's pipeline;</li>
 *   <li>{@code PeerEndpoint} takes a {@code GET} under the base path: the group and key
 *       ({@code protocol.PeerPaths}), the asker's ring fingerprint ({@code protocol.RingCheck}),
 *       then the node's {@code PeerRequestHandler.get}; a {@code PUT}, {@code DELETE} or
 *       {@code POST _remove-keys/} goes to its {@code set}, {@code remove} or
 *       {@code removeAll}; {@code GET {basePath}_stats} answers the node's status document;</li>
 *   <li>the answer: a value as {@link org.groupcache4j.http.internal.peerserver.ValueResponse}
 *       (head and {@code GetResponse} in one buffer, nothing else allocated), a not-found the
 *       node caches as a 500 with its expiry, a failure as {@code protocol.PeerErrors} says; every
 *       answer marks this node as one that takes writes ({@code protocol.PeerHeaders.NODE}).</li>
 * </ol>
 *
 * <p><b>Fetching</b> does not pass here: see {@code client}.
 */
package org.groupcache4j.http.internal.peerserver;
