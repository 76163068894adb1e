package org.groupcache4j.server.internal.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

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
  private static final byte[] CONTENT_LENGTH = ascii("content-length: ");
  private static final byte[] CLOSE = ascii("connection: close\r\n");
  private static final byte[] KEEP_ALIVE = ascii("connection: keep-alive\r\n");
  private static final byte[] CRLF = ascii("\r\n");
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
    byte[] statusLine = statusLine(r.status());
    byte[] body = r.body();
    int headLen = statusLine.length + r.contentType().length + CONTENT_LENGTH.length + 10 + 2 + 2
        + (r.extraHeaders() == null ? 0 : r.extraHeaders().length) + Math.max(CLOSE.length, KEEP_ALIVE.length);
    boolean copy = body.length <= COPY_LIMIT;
    ByteBuf head = alloc.ioBuffer(headLen + (copy ? body.length : 0));
    head.writeBytes(statusLine).writeBytes(r.contentType());
    if (r.extraHeaders() != null) {
      head.writeBytes(r.extraHeaders());
    }
    if (close) {
      head.writeBytes(CLOSE);
    } else if (keepAlive10) {
      head.writeBytes(KEEP_ALIVE);
    }
    head.writeBytes(CONTENT_LENGTH);
    writeDecimal(head, body.length);
    head.writeBytes(CRLF).writeBytes(CRLF);
    if (copy) {
      head.writeBytes(body);
      return new ByteBuf[] {head};
    }
    return new ByteBuf[] {head, Unpooled.wrappedBuffer(body)};
  }

  private static void writeDecimal(ByteBuf buf, int n) {
    if (n == 0) {
      buf.writeByte('0');
      return;
    }
    int digits = 0;
    for (int x = n; x > 0; x /= 10) {
      digits++;
    }
    int at = buf.writerIndex() + digits;
    buf.writerIndex(at);
    for (int x = n; x > 0; x /= 10) {
      buf.setByte(--at, '0' + x % 10);
    }
  }

  private static final byte[] S200 = ascii("HTTP/1.1 200 OK\r\n");
  private static final byte[] S400 = ascii("HTTP/1.1 400 Bad Request\r\n");
  private static final byte[] S404 = ascii("HTTP/1.1 404 Not Found\r\n");
  private static final byte[] S405 = ascii("HTTP/1.1 405 Method Not Allowed\r\n");
  private static final byte[] S414 = ascii("HTTP/1.1 414 URI Too Long\r\n");
  private static final byte[] S431 = ascii("HTTP/1.1 431 Request Header Fields Too Large\r\n");
  private static final byte[] S500 = ascii("HTTP/1.1 500 Internal Server Error\r\n");
  private static final byte[] S502 = ascii("HTTP/1.1 502 Bad Gateway\r\n");
  private static final byte[] S503 = ascii("HTTP/1.1 503 Service Unavailable\r\n");
  private static final byte[] S504 = ascii("HTTP/1.1 504 Gateway Timeout\r\n");

  static byte[] statusLine(int status) {
    return switch (status) {
      case 200 -> S200;
      case 400 -> S400;
      case 404 -> S404;
      case 405 -> S405;
      case 414 -> S414;
      case 431 -> S431;
      case 502 -> S502;
      case 503 -> S503;
      case 504 -> S504;
      default -> S500;
    };
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
