/**
 * groupcache4j's peer transport: golang/groupcache's HTTP protocol on Netty
 * ({@link org.groupcache4j.http.HttpPeerTransport}, {@link org.groupcache4j.http.PeerFetchException}).
 * Only {@code org.groupcache4j.http} is API. The HTTP server layer, the event loops, TLS and
 * token checks that the node (groupcache4j-server, automatic module {@code org.groupcache4j.server})
 * builds its client API on are exported to it alone.
 *
 * <p>Netty 4.1 and protobuf-java are automatic modules, and the server module is built on the
 * class path (its jar names itself {@code org.groupcache4j.server}): javac's notes about both are
 * expected.
 */
@SuppressWarnings({"module", "requires-automatic", "requires-transitive-automatic"})
module org.groupcache4j.http {
  requires transitive org.groupcache4j;
  requires transitive io.netty.transport; // ChannelHandler and EventLoopGroup appear in HttpPeerTransport
  requires io.netty.buffer;
  requires io.netty.common;
  requires io.netty.codec;
  requires io.netty.codec.http;
  requires io.netty.handler;
  requires io.netty.transport.classes.epoll;
  requires com.google.protobuf;
  requires com.fasterxml.jackson.jr.ob;

  exports org.groupcache4j.http;
  exports org.groupcache4j.http.internal.http1 to org.groupcache4j.server;
  exports org.groupcache4j.http.internal.security to org.groupcache4j.server;
}
