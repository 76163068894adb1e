package org.groupcache4j.server.internal.api;

import static org.groupcache4j.http.internal.HttpHeadBytes.ascii;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.groupcache4j.http.internal.HttpHeadBytes;

/**
 * Writes HTTP/1.1 responses as bytes. Every response of the client API is complete and has a
 * content length, so the status line and headers are a few constant byte strings and a number:
 * no header map, no encoder state. Small bodies are copied behind the head into one buffer (one
 * write); larger ones are wrapped without copying and written as a second buffer.
 */
final class Responses {
  static final byte[] OCTET_STREAM = ascii("content-type: application/octet-stream\r\n");
  static final byte[] TEXT = ascii("content-type: text/plain; charset=utf-8\r\n");
  static final byte[] JSON = ascii("content-type: application/json\r\n");
  static final byte[] ALLOW_GET = ascii("allow: GET\r\n");
  /** Bodies up to this size are copied into the head's buffer. */
  private static final int COPY_LIMIT = 2048;

  private Responses() {}

  /** A response not yet written: status, content type, extra header bytes and body. */
  record Reply(int status, byte[] contentType, byte[] extraHeaders, byte[] body) {
    static Reply text(int status, String message) {
      String line = message.replaceAll("[\\r\\n]+", " ");
      if (line.length() > 1000) {
        line = line.substring(0, 1000) + "…";
      }
      return new Reply(status, TEXT, null, (line + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The bytes of {@code r}; with {@code close}, it says the connection ends, with {@code keepAlive10} that it stays (HTTP/1.0). */
  static ByteBuf[] encode(ByteBufAllocator alloc, Reply r, boolean close, boolean keepAlive10) {
    byte[] statusLine = HttpHeadBytes.statusLine(r.status());
    byte[] body = r.body();
    int headLen = statusLine.length + r.contentType().length
        + (r.extraHeaders() == null ? 0 : r.extraHeaders().length) + HttpHeadBytes.END_HEAD_MAX_BYTES;
    boolean copy = body.length <= COPY_LIMIT;
    ByteBuf head = alloc.ioBuffer(headLen + (copy ? body.length : 0));
    head.writeBytes(statusLine).writeBytes(r.contentType());
    if (r.extraHeaders() != null) {
      head.writeBytes(r.extraHeaders());
    }
    HttpHeadBytes.endHead(head, close, keepAlive10, body.length);
    if (copy) {
      head.writeBytes(body);
      return new ByteBuf[] {head};
    }
    return new ByteBuf[] {head, Unpooled.wrappedBuffer(body)};
  }
}
