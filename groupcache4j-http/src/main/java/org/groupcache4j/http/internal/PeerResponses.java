package org.groupcache4j.http.internal;

import static org.groupcache4j.http.internal.HttpHeadBytes.ascii;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.groupcache4j.ByteView;
import org.groupcache4j.internal.ByteViews;

/**
 * Writes the peer endpoint's HTTP/1.1 responses as bytes: every answer is complete and has a
 * content length, so status line and headers are a few constant byte strings and a number, with
 * no header map and no encoder in the pipeline. A {@code 200} carries a {@code GetResponse}
 * (field 1, the value) copied behind the head into one direct buffer: one write, and no copy
 * later (a native transport copies heap buffers into direct memory before writing them anyway).
 */
final class PeerResponses {
  private static final byte[] OK_HEAD = ascii("HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\n");
  private static final byte[] TEXT = ascii("content-type: text/plain; charset=utf-8\r\nx-content-type-options: nosniff\r\n");
  private static final byte[] ERROR_KIND = ascii(Wire.ERROR_HEADER + ": ");
  private static final byte[] ALLOW_GET = ascii("allow: GET\r\n");
  private static final byte[] CRLF = ascii("\r\n");
  private static final int VALUE_TAG = 0x0a; // GetResponse.value: field 1, length-delimited

  private PeerResponses() {}

  /**
   * Writes {@code a} to a new buffer (or two): with {@code close} the answer says the connection
   * ends, with {@code keepAlive10} that it stays open (an HTTP/1.0 client asked so); with
   * {@code head} the body is left out (the answer to a HEAD request).
   */
  static ByteBuf encode(ByteBufAllocator alloc, PeerAnswer a, boolean close, boolean keepAlive10, boolean head) {
    return a.status == 200 ? ok(alloc, a.value, close, keepAlive10, head) : error(alloc, a, close, keepAlive10, head);
  }

  private static ByteBuf ok(ByteBufAllocator alloc, ByteView value, boolean close, boolean keepAlive10, boolean head) {
    byte[] v = ByteViews.array(value); // read only: written, never changed
    int bodyLen = 1 + varintSize(v.length) + v.length;
    ByteBuf buf = alloc.ioBuffer(OK_HEAD.length + HttpHeadBytes.END_HEAD_MAX_BYTES + (head ? 0 : bodyLen));
    buf.writeBytes(OK_HEAD);
    HttpHeadBytes.endHead(buf, close, keepAlive10, bodyLen);
    if (head) {
      return buf;
    }
    buf.writeByte(VALUE_TAG);
    writeVarint(buf, v.length);
    return buf.writeBytes(v);
  }

  private static ByteBuf error(ByteBufAllocator alloc, PeerAnswer a, boolean close, boolean keepAlive10, boolean head) {
    byte[] status = HttpHeadBytes.statusLine(a.status);
    byte[] body = (a.text + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] kind = a.errorKind == null ? null : ascii(a.errorKind);
    ByteBuf buf = alloc.ioBuffer(status.length + TEXT.length + ERROR_KIND.length + (kind == null ? 0 : kind.length)
        + 2 + ALLOW_GET.length + HttpHeadBytes.END_HEAD_MAX_BYTES + body.length);
    buf.writeBytes(status).writeBytes(TEXT);
    if (kind != null) {
      buf.writeBytes(ERROR_KIND).writeBytes(kind).writeBytes(CRLF);
    }
    if (a.allowGet) {
      buf.writeBytes(ALLOW_GET);
    }
    HttpHeadBytes.endHead(buf, close, keepAlive10, body.length);
    if (!head) {
      buf.writeBytes(body);
    }
    return buf;
  }

  private static int varintSize(int n) {
    int size = 1;
    while ((n & ~0x7f) != 0) {
      n >>>= 7;
      size++;
    }
    return size;
  }

  private static void writeVarint(ByteBuf buf, int n) {
    while ((n & ~0x7f) != 0) {
      buf.writeByte((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    buf.writeByte(n);
  }
}
