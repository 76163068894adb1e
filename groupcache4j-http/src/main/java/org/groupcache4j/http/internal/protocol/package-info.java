/**
 * The peer protocol's bytes, both ways, as golang/groupcache, groupcache-go v3 and
 * mailgun/groupcache v2 write them: request paths and their escaping
 * ({@link org.groupcache4j.http.internal.protocol.PeerPaths}), peer URLs
 * ({@link org.groupcache4j.http.internal.protocol.PeerUrl}), the messages in the bodies
 * ({@link org.groupcache4j.http.internal.protocol.PeerMessages}, over the classes generated from
 * {@code groupcache.proto} in {@code protocol.pb}), the headers our nodes add
 * ({@link org.groupcache4j.http.internal.protocol.PeerHeaders}), the error contract
 * ({@link org.groupcache4j.http.internal.protocol.PeerErrors}) and the ring-fingerprint check
 * ({@link org.groupcache4j.http.internal.protocol.RingCheck}). Used by the peer server and the
 * client alike, so that what one writes the other reads; it imports only {@code http1}'s
 * percent-decoder.
 *
 * <p><b>Serving</b>, in the order a request passes:
 * <ol>
 *   <li>{@code PeerUrl.listenAddressOf} says where to listen for the self URL (at start);</li>
 *   <li>{@code PeerPaths.groupAndKey} reads the group and key from the path;</li>
 *   <li>{@code RingCheck} compares the asker's {@code PeerHeaders.RING} with this node's ring;</li>
 *   <li>a {@code PUT} body is read by {@code PeerMessages.decodeSetRequest}, a
 *       {@code _remove-keys} body by {@code PeerMessages.decodeRemoveKeys};</li>
 *   <li>the value is written by {@code PeerMessages.writeGetResponse}; a failure becomes the
 *       status, text and {@code PeerHeaders.ERROR} that {@code PeerErrors.answerFor} gives.</li>
 * </ol>
 *
 * <p><b>Fetching</b>, in the order a fetch passes:
 * <ol>
 *   <li>{@code PeerUrl.parse} takes the peer URL apart (where to connect, host header, TLS);</li>
 *   <li>{@code PeerPaths.escape} escapes group and key into the request path, and
 *       {@code RingCheck.ours} gives the fingerprint to send; a write's body is made by
 *       {@code PeerMessages.encodeSetRequest} or {@code encodeRemoveKeys};</li>
 *   <li>{@code RingCheck.heard} compares the answer's fingerprint with this node's;</li>
 *   <li>a 200's body is read by {@code PeerMessages.decodeGetResponse}; any other answer
 *       becomes the owner's loader error or a {@code PeerFetchException}
 *       ({@code PeerErrors.fromAnswer}).</li>
 * </ol>
 */
package org.groupcache4j.http.internal.protocol;
