/**
 * An HTTP/1.1 server layer on Netty, shared by the peer port and the node's client API
 * (groupcache4j-server), and the event loops that the server and the peer clients run on. It
 * knows nothing of the peer protocol and imports no other package of this module.
 *
 * <p><b>Serving</b>, in the order a request passes:
 * <ol>
 *   <li>{@link org.groupcache4j.http.internal.http1.IoResources}: the event loops (epoll where
 *       it loads, else NIO; the transport's own or the application's);</li>
 *   <li>{@link org.groupcache4j.http.internal.http1.HttpServer} accepts the connection and
 *       builds its pipeline: idle timeout, Netty's {@code HttpRequestDecoder} (bounded request
 *       line and headers), a {@link org.groupcache4j.http.internal.http1.Responder};</li>
 *   <li>the responder refuses what the decoder could not read (400, 414, 431), splits the
 *       target ({@link org.groupcache4j.http.internal.http1.RequestTarget}), finds its route
 *       and method ({@link org.groupcache4j.http.internal.http1.Routes}: 404, 405), asks the
 *       routes' guard (a token check), counts the request
 *       ({@link org.groupcache4j.http.internal.http1.InFlight}: 503 while draining) and reads
 *       its body (413 beyond the route's limit);</li>
 *   <li>the route's endpoint reads the request from its
 *       {@link org.groupcache4j.http.internal.http1.Exchange} and answers through it, at once or
 *       later from any thread;</li>
 *   <li>the responder writes each {@link org.groupcache4j.http.internal.http1.Response} in
 *       request order, as bytes ({@link org.groupcache4j.http.internal.http1.HttpHeadBytes}) or,
 *       when mounted in an application's pipeline, as a Netty message.</li>
 * </ol>
 *
 * <p><b>Fetching</b> uses {@code IoResources} alone: the client channel class and the event
 * loops its connection pools live on.
 */
package org.groupcache4j.http.internal.http1;
