package org.groupcache4j.http.internal.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import org.groupcache4j.http.internal.protocol.PeerHeaders;
import org.groupcache4j.http.internal.protocol.PeerPaths;
import org.groupcache4j.http.internal.protocol.PeerUrl;
import org.groupcache4j.http.internal.protocol.RingCheck;
import org.groupcache4j.http.internal.security.BearerTokens;

/**
 * Writes the requests to one peer as bytes:
 * {@code GET {peer URL path}{base path}{group}/{key} HTTP/1.1}, the {@code host} header, the
 * {@code authorization} header when there is a peer token, and an empty line. Group and key are
 * percent-encoded as {@link PeerPaths#escape} says, so that golang/groupcache servers decode
 * exactly the key meant. Everything but group, key and token is constant and kept as bytes. The
 * token's header line is asked of {@link BearerTokens} for each request (it keeps the line as
 * bytes and rebuilds them only when the token file changed), so a rotated token is sent from the
 * next request on without building anything per request.
 */
final class PeerRequests {
  private static final byte[] NO_HEADER = new byte[0];
  private static final byte[] CRLF = {'\r', '\n'};

  private final byte[] head; // "GET " + peer URL path + base path
  private final byte[] host; // " HTTP/1.1\r\nhost: ...\r\n"
  private final BearerTokens token; // null: no authorization header
  private final String prefix; // peer URL path + base path
  private volatile EscapedGroup lastGroup; // group names are few: the last one's escaped bytes
  private final RingCheck ring;

  /**
   * @param token the peer token to send (its current value, request by request), or null
   * @param ring the node's ring fingerprint, sent with each request (it changes with membership)
   */
  PeerRequests(PeerUrl url, String basePath, BearerTokens token, RingCheck ring) {
    this.ring = ring;
    this.token = token;
    this.prefix = url.path() + basePath;
    this.head = ("GET " + prefix).getBytes(StandardCharsets.UTF_8); // joined as golang/groupcache does
    this.host = (" HTTP/1.1\r\nhost: " + url.hostHeader() + "\r\n").getBytes(StandardCharsets.UTF_8);
  }

  /** The request for {@code key} of {@code group}, in a new buffer from {@code alloc}. */
  ByteBuf get(ByteBufAllocator alloc, String group, String key) {
    EscapedGroup g = lastGroup;
    if (g == null || !g.name().equals(group)) {
      g = new EscapedGroup(group, PeerPaths.escape(group).getBytes(StandardCharsets.US_ASCII));
      lastGroup = g;
    }
    String k = PeerPaths.escape(key); // the key itself when nothing needs escaping
    String fp = ring.ours();
    byte[] auth = authorization();
    ByteBuf buf = alloc.ioBuffer(head.length + g.escaped().length + 1 + k.length() + host.length + auth.length
        + (fp == null ? 0 : RING_HEADER.length + fp.length() + 2) + 2);
    buf.writeBytes(head).writeBytes(g.escaped()).writeByte('/');
    ByteBufUtil.writeAscii(buf, k);
    buf.writeBytes(host).writeBytes(auth);
    if (fp != null) {
      buf.writeBytes(RING_HEADER);
      ByteBufUtil.writeAscii(buf, fp);
      buf.writeBytes(CRLF);
    }
    return buf.writeBytes(CRLF);
  }

  private static final byte[] RING_HEADER = (PeerHeaders.RING + ": ").getBytes(StandardCharsets.US_ASCII);

  /** The node's ring fingerprint, sent and compared with the answers'. */
  RingCheck ring() {
    return ring;
  }

  /** Marks our writes, so that a node tells them from the sets of another groupcache lineage. */
  private static final String WRITER = PeerHeaders.NODE + ": " + PeerHeaders.NODE_WRITES + "\r\n";

  /**
   * A write: {@code METHOD {prefix}{group}/{pathTail}} (without a group: {@code {prefix}{pathTail}})
   * with the request headers of every request,
   * then {@link PeerHeaders#NODE}, {@code content-type} and {@code content-length}, and the body.
   */
  ByteBuf write(ByteBufAllocator alloc, String group, Fetch.Write w) {
    byte[] line = (w.method() + " " + prefix + (group.isEmpty() ? "" : PeerPaths.escape(group) + "/") + w.pathTail())
        .getBytes(StandardCharsets.UTF_8);
    byte[] length = (WRITER + (w.contentType() == null ? "" : "content-type: " + w.contentType() + "\r\n")
        + "content-length: " + w.body().length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] auth = authorization();
    ByteBuf buf = alloc.ioBuffer(line.length + host.length + auth.length + length.length + w.body().length);
    return buf.writeBytes(line).writeBytes(host).writeBytes(auth).writeBytes(length).writeBytes(w.body());
  }

  /** The request for the base path alone (answered 400 by a groupcache server: no group, no load). */
  ByteBuf basePath(ByteBufAllocator alloc) {
    return request(alloc, NO_HEADER);
  }

  /** The request for the peer's status document: {@code GET {prefix}_stats}. */
  ByteBuf status(ByteBufAllocator alloc) {
    return request(alloc, STATUS);
  }

  private static final byte[] STATUS = PeerPaths.STATUS.getBytes(StandardCharsets.US_ASCII);

  /** {@code GET {prefix}{path}} with the headers of every request. */
  private ByteBuf request(ByteBufAllocator alloc, byte[] path) {
    byte[] auth = authorization();
    return alloc.ioBuffer(head.length + path.length + host.length + auth.length + 2)
        .writeBytes(head).writeBytes(path).writeBytes(host).writeBytes(auth).writeBytes(CRLF);
  }

  /** The token's current header line, or nothing. */
  private byte[] authorization() {
    return token == null ? NO_HEADER : token.requestHeaderLine();
  }

  private record EscapedGroup(String name, byte[] escaped) {}
}
