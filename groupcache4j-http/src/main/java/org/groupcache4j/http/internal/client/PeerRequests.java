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
    return get(alloc, group, key, null);
  }

  /** The request for {@code key} of {@code group}, carried to {@code relayTo} (null: to this peer itself). */
  ByteBuf get(ByteBufAllocator alloc, String group, String key, String relayTo) {
    return get(alloc, group, key, relayTo, null);
  }

  /** {@link #get(ByteBufAllocator, String, String, String)} with the header line {@code extra} (null: none). */
  ByteBuf get(ByteBufAllocator alloc, String group, String key, String relayTo, String extra) {
    EscapedGroup g = lastGroup;
    if (g == null || !g.name().equals(group)) {
      g = new EscapedGroup(group, PeerPaths.escape(group).getBytes(StandardCharsets.US_ASCII));
      lastGroup = g;
    }
    String k = PeerPaths.escape(key); // the key itself when nothing needs escaping
    String fp = ring.ours();
    byte[] auth = authorization();
    byte[] relay = relayLine(relayTo);
    ByteBuf buf = alloc.ioBuffer(head.length + g.escaped().length + 1 + k.length() + host.length + auth.length
        + relay.length + (fp == null ? 0 : RING_HEADER.length + fp.length() + 2) + (extra == null ? 0 : extra.length()) + 2);
    buf.writeBytes(head).writeBytes(g.escaped()).writeByte('/');
    ByteBufUtil.writeAscii(buf, k);
    buf.writeBytes(host).writeBytes(auth).writeBytes(relay);
    if (extra != null) {
      ByteBufUtil.writeAscii(buf, extra);
    }
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
    return write(alloc, group, w, null);
  }

  /**
   * {@link #write(ByteBufAllocator, String, Fetch.Write)} carried to {@code relayTo} (null: to this
   * peer itself).
   */
  ByteBuf write(ByteBufAllocator alloc, String group, Fetch.Write w, String relayTo) {
    return write(alloc, group, w, relayTo, null);
  }

  /** {@link #write(ByteBufAllocator, String, Fetch.Write, String)} with the header line {@code extra} (null: none). */
  ByteBuf write(ByteBufAllocator alloc, String group, Fetch.Write w, String relayTo, String extra) {
    String path = w.wholePath() || group.isEmpty() ? prefix + w.pathTail()
        : prefix + PeerPaths.escape(group) + "/" + w.pathTail();
    byte[] line = (w.method() + " " + path).getBytes(StandardCharsets.UTF_8);
    byte[] length = (WRITER + (extra == null ? "" : extra) + (w.contentType() == null ? "" : "content-type: " + w.contentType() + "\r\n")
        + "content-length: " + w.body().length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] auth = authorization();
    byte[] relay = relayLine(relayTo);
    ByteBuf buf = alloc.ioBuffer(line.length + host.length + auth.length + relay.length + length.length + w.body().length);
    return buf.writeBytes(line).writeBytes(host).writeBytes(auth).writeBytes(relay).writeBytes(length).writeBytes(w.body());
  }

  private static final byte[] RELAY_HEADER = (PeerHeaders.RELAY_TO + ": ").getBytes(StandardCharsets.US_ASCII);

  /** The relay header line naming {@code relayTo}, or nothing. */
  private static byte[] relayLine(String relayTo) {
    if (relayTo == null) {
      return NO_HEADER;
    }
    byte[] url = relayTo.getBytes(StandardCharsets.UTF_8);
    byte[] line = new byte[RELAY_HEADER.length + url.length + 2];
    System.arraycopy(RELAY_HEADER, 0, line, 0, RELAY_HEADER.length);
    System.arraycopy(url, 0, line, RELAY_HEADER.length, url.length);
    line[line.length - 2] = '\r';
    line[line.length - 1] = '\n';
    return line;
  }

  /** The request for the base path alone (answered 400 by a groupcache server: no group, no load). */
  ByteBuf basePath(ByteBufAllocator alloc) {
    return basePath(alloc, null);
  }

  /** The probe, carried to {@code relayTo} (null: to this peer itself). */
  ByteBuf basePath(ByteBufAllocator alloc, String relayTo) {
    return request(alloc, NO_HEADER, relayLine(relayTo));
  }

  /** The request for the peer's status document: {@code GET {prefix}_stats}. */
  ByteBuf status(ByteBufAllocator alloc) {
    return request(alloc, STATUS, NO_HEADER);
  }

  private static final byte[] STATUS = PeerPaths.STATUS.getBytes(StandardCharsets.US_ASCII);

  /** {@code GET {prefix}{path}} with the headers of every request. */
  private ByteBuf request(ByteBufAllocator alloc, byte[] path, byte[] more) {
    byte[] auth = authorization();
    return alloc.ioBuffer(head.length + path.length + host.length + auth.length + more.length + 2)
        .writeBytes(head).writeBytes(path).writeBytes(host).writeBytes(auth).writeBytes(more).writeBytes(CRLF);
  }

  /** The token's current header line, or nothing. */
  private byte[] authorization() {
    return token == null ? NO_HEADER : token.requestHeaderLine();
  }

  private record EscapedGroup(String name, byte[] escaped) {}
}
