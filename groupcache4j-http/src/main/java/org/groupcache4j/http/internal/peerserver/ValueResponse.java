package org.groupcache4j.http.internal.peerserver;

import static org.groupcache4j.http.internal.http1.HttpHeadBytes.ascii;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.groupcache4j.ByteView;
import org.groupcache4j.http.internal.http1.HttpHeadBytes;
import org.groupcache4j.http.internal.http1.Response;
import org.groupcache4j.http.internal.protocol.PeerHeaders;
import org.groupcache4j.http.internal.protocol.PeerMessages;

/**
 * The answer with a value: {@code 200}, {@code content-type: application/x-protobuf},
 * {@link PeerHeaders#NODE}, the node's incarnation and state when it is one of ours
 * ({@link org.groupcache4j.http.internal.protocol.NodeIdentity}, two header lines made once per
 * state), this node's {@link PeerHeaders#RING} when it has one, and a
 * {@code GetResponse} (its expiry in field 3 when it has one). The peer endpoint's hot path: the
 * head and the message ({@link PeerMessages#writeGetResponse}) go with the value into one direct
 * buffer, so one write and no later copy (a native transport copies heap buffers into direct memory
 * before writing them anyway), and nothing but that buffer is allocated.
 */
final class ValueResponse extends Response {
  private static final byte[] OK_HEAD = ascii("HTTP/1.1 200 OK\r\ncontent-type: " + PeerHeaders.CONTENT_TYPE_PROTOBUF
      + "\r\n" + PeerHeaders.NODE + ": " + PeerHeaders.NODE_WRITES + "\r\n");
  private static final byte[] RING_HEADER = ascii(PeerHeaders.RING + ": ");
  /** A ring fingerprint is 16 hex digits; a longer one (none of ours) is not sent. */
  private static final int RING_MAX = 16;
  private static final int RING_LINE_MAX = RING_HEADER.length + RING_MAX + 2;

  private final ByteView value;
  private final long expire;
  private final String ring; // this node's ring fingerprint, or null
  private final byte[] identity; // the incarnation and state header lines, or null

  ValueResponse(ByteView value, long expireUnixNanos, String ring) {
    this(value, expireUnixNanos, ring, null);
  }

  /** @param identity the node's incarnation and state header lines, or null (read, never changed) */
  ValueResponse(ByteView value, long expireUnixNanos, String ring, byte[] identity) {
    super(200);
    this.value = value;
    this.expire = expireUnixNanos;
    this.ring = ring != null && ring.length() <= RING_MAX ? ring : null;
    this.identity = identity;
  }

  @Override
  protected ByteBuf encode(ByteBufAllocator alloc, boolean close, boolean keepAlive10, boolean head) {
    int bodyLen = PeerMessages.getResponseSize(value.length(), expire);
    ByteBuf buf = alloc.ioBuffer(OK_HEAD.length + RING_LINE_MAX + (identity == null ? 0 : identity.length)
        + HttpHeadBytes.END_HEAD_MAX_BYTES + (head ? 0 : bodyLen));
    buf.writeBytes(OK_HEAD);
    if (identity != null) {
      buf.writeBytes(identity);
    }
    if (ring != null) {
      buf.writeBytes(RING_HEADER);
      ByteBufUtil.writeAscii(buf, ring);
      buf.writeByte('\r').writeByte('\n');
    }
    HttpHeadBytes.endHead(buf, close, keepAlive10, bodyLen);
    if (!head) {
      PeerMessages.writeGetResponse(buf, value, expire); // the value's range, read, never changed
    }
    return buf;
  }

  @Override
  protected FullHttpResponse toMessage(ByteBufAllocator alloc) {
    ByteBuf body = PeerMessages.encodeGetResponse(alloc, value, expire);
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, PeerHeaders.CONTENT_TYPE_PROTOBUF);
    r.headers().set(PeerHeaders.NODE, PeerHeaders.NODE_WRITES);
    if (identity != null) {
      String lines = new String(identity, java.nio.charset.StandardCharsets.US_ASCII);
      for (String line : lines.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          r.headers().set(line.substring(0, colon), line.substring(colon + 1).trim());
        }
      }
    }
    if (ring != null) {
      r.headers().set(PeerHeaders.RING, ring);
    }
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    return r;
  }
}
