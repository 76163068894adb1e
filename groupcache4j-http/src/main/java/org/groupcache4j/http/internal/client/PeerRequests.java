package org.groupcache4j.http.internal.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import org.groupcache4j.http.internal.PeerEndpoint;
import org.groupcache4j.http.internal.PeerPaths;
import org.groupcache4j.http.internal.PeerUrl;
import org.groupcache4j.http.internal.RingCheck;

/**
 * Writes the requests to one peer as bytes:
 * {@code GET {peer URL path}{base path}{group}/{key} HTTP/1.1}, the {@code host} header, and an
 * empty line. Group and key are percent-encoded as {@link PeerPaths#escape} says, so that
 * golang/groupcache servers decode exactly the key meant. Everything but group and key is
 * constant and kept as bytes; request headers (e.g. an {@code authorization} header) belong in
 * {@link #tail}.
 */
final class PeerRequests {
  private final byte[] head; // "GET " + peer URL path + base path
  private final byte[] tail; // " HTTP/1.1\r\n" + headers + "\r\n"
  private final String prefix; // peer URL path + base path
  private volatile EscapedGroup lastGroup; // group names are few: the last one's escaped bytes
  private final RingCheck ring;

  PeerRequests(PeerUrl url, String basePath) {
    this(url, basePath, "", RingCheck.NONE);
  }

  /**
   * @param headers more header lines, each ending in CRLF (e.g. the peer token's authorization), or ""
   * @param ring the node's ring fingerprint, sent with each request (it changes with membership)
   */
  PeerRequests(PeerUrl url, String basePath, String headers, RingCheck ring) {
    this.ring = ring;
    this.prefix = url.path() + basePath;
    this.head = ("GET " + prefix).getBytes(StandardCharsets.UTF_8); // joined as golang/groupcache does
    this.tail = (" HTTP/1.1\r\nhost: " + url.hostHeader() + "\r\n" + headers + "\r\n").getBytes(StandardCharsets.UTF_8);
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
    ByteBuf buf = alloc.ioBuffer(head.length + g.escaped().length + 1 + k.length() + tail.length
        + (fp == null ? 0 : RING_HEADER.length + fp.length() + 2));
    buf.writeBytes(head).writeBytes(g.escaped()).writeByte('/');
    ByteBufUtil.writeAscii(buf, k);
    if (fp == null) {
      return buf.writeBytes(tail);
    }
    buf.writeBytes(tail, 0, tail.length - 2).writeBytes(RING_HEADER);
    ByteBufUtil.writeAscii(buf, fp);
    return buf.writeByte('\r').writeByte('\n').writeByte('\r').writeByte('\n');
  }

  private static final byte[] RING_HEADER = (RingCheck.HEADER + ": ").getBytes(StandardCharsets.US_ASCII);

  /** The node's ring fingerprint, sent and compared with the answers'. */
  RingCheck ring() {
    return ring;
  }

  /**
   * A write: {@code METHOD {prefix}{group}/{pathTail}} with the request headers of every request,
   * then {@code content-type} and {@code content-length}, and the body.
   */
  ByteBuf write(ByteBufAllocator alloc, String group, Fetch.Write w) {
    byte[] line = (w.method() + " " + prefix + PeerPaths.escape(group) + "/" + w.pathTail()).getBytes(StandardCharsets.UTF_8);
    byte[] length = ((w.contentType() == null ? "" : "content-type: " + w.contentType() + "\r\n")
        + "content-length: " + w.body().length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    ByteBuf buf = alloc.ioBuffer(line.length + tail.length + length.length + w.body().length);
    return buf.writeBytes(line).writeBytes(tail, 0, tail.length - 2).writeBytes(length).writeBytes(w.body());
  }

  /** The request for the base path alone (answered 400 by a groupcache server: no group, no load). */
  ByteBuf basePath(ByteBufAllocator alloc) {
    return alloc.ioBuffer(head.length + tail.length).writeBytes(head).writeBytes(tail);
  }

  /** The request for the peer's status document: {@code GET {prefix}_stats}. */
  ByteBuf status(ByteBufAllocator alloc) {
    byte[] path = PeerEndpoint.STATUS.getBytes(StandardCharsets.US_ASCII);
    return alloc.ioBuffer(head.length + path.length + tail.length).writeBytes(head).writeBytes(path).writeBytes(tail);
  }

  private record EscapedGroup(String name, byte[] escaped) {}
}
