/**
 * golang/groupcache's peer protocol over HTTP on Netty: {@link org.groupcache4j.http.HttpPeerTransport}
 * (a node's {@link org.groupcache4j.peer.PeerTransport}), its TLS settings
 * ({@link org.groupcache4j.http.PeerTls}) and the failure of a fetch in transport
 * ({@link org.groupcache4j.http.PeerFetchException}). Everything else is internal, one package per
 * concern; each imports only the packages below it:
 * <pre>
 *   internal.peerserver  answering peers       → protocol, security, http1, internal
 *   internal.client      fetching from peers   → protocol, security, http1, internal
 *   internal.security    TLS and tokens        → http1
 *   internal.protocol    the bytes on the wire → http1 (its percent-decoder)
 *   internal.http1       HTTP/1 server layer and event loops, shared with the node's client API
 *   internal             the transport's options
 * </pre>
 * The internal packages reach back to this one only for
 * {@link org.groupcache4j.http.PeerFetchException}, the failure a fetch ends with when the
 * transport fails, and (the options) for the defaults {@link org.groupcache4j.http.HttpPeerTransport}
 * makes public.
 *
 * <p><b>Serving</b> (a peer asks this node for a key), in the order a request passes:
 * <ol>
 *   <li>{@link org.groupcache4j.http.HttpPeerTransport#start} starts a
 *       {@code peerserver.PeerServer}: an {@code http1.HttpServer} with the peer port's routes
 *       ({@code peerserver.PeerEndpoint}), behind the peer token's guard and TLS
 *       ({@code security.PeerSecurity});</li>
 *   <li>on each connection, TLS when the self URL is {@code https} ({@code security}), then
 *       Netty's request decoder, then an {@code http1.Responder}, which checks the limits and
 *       the token, routes the request to the endpoint and keeps the answers in order;</li>
 *   <li>{@code peerserver.PeerEndpoint} reads the group and key ({@code protocol.PeerPaths}),
 *       compares the asker's ring fingerprint ({@code protocol.RingCheck}) and asks the node's
 *       {@link org.groupcache4j.peer.PeerRequestHandler#get};</li>
 *   <li>the value goes back as {@code peerserver.ValueResponse} (a {@code GetResponse} written
 *       by {@code protocol.PeerMessages}), a failure as {@code protocol.PeerErrors} says, each
 *       written by the responder in its turn.</li>
 * </ol>
 *
 * <p><b>Fetching</b> (this node asks the owner of a key), in the order a fetch passes:
 * <ol>
 *   <li>the group calls {@link org.groupcache4j.peer.PeerClient#fetch} on the
 *       {@code client.PeerHttpClient} that {@link org.groupcache4j.http.HttpPeerTransport#client}
 *       made for the owner;</li>
 *   <li>{@code client.ConnectionPool} (the one of the calling event loop) gives the fetch a
 *       pooled connection, opens one (TLS to an {@code https} peer: {@code security.PeerSecurity}),
 *       or lets it wait, and watches its deadline ({@code client.Deadlines});</li>
 *   <li>{@code client.PeerConnection} writes the request ({@code client.PeerRequests}: the path
 *       escaped by {@code protocol.PeerPaths}, the peer token, the ring fingerprint) and
 *       {@code client.AnswerReader} reads the answer: a {@code GetResponse}
 *       ({@code protocol.PeerMessages}) or an error ({@code protocol.PeerErrors});</li>
 *   <li>the connection goes back to the pool and the fetch's future completes with a
 *       {@link org.groupcache4j.peer.PeerValue}, the owner's loader error, or a
 *       {@link org.groupcache4j.http.PeerFetchException}.</li>
 * </ol>
 */
package org.groupcache4j.http;
