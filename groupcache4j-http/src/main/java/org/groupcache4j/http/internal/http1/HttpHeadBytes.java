package org.groupcache4j.http.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * The byte strings of an HTTP/1.1 response head, for servers that write complete responses
 * (content length known) straight into a buffer with no header map and no encoder: the peer
 * endpoint here and the node's client API. Each response is a status line, constant header lines
 * and {@link #endHead}, which writes the connection header, the content length and the blank line.
 */
public final class HttpHeadBytes {
  private static final byte[] CONTENT_LENGTH = ascii("content-length: ");
  private static final byte[] CLOSE = ascii("connection: close\r\n");
  private static final byte[] KEEP_ALIVE = ascii("connection: keep-alive\r\n");
  private static final byte[] CRLF_CRLF = ascii("\r\n\r\n");
  private static final byte[][] STATUS_LINES = new byte[600][];

  /** At most what {@link #endHead} writes. */
  public static final int END_HEAD_MAX_BYTES = KEEP_ALIVE.length + CONTENT_LENGTH.length + 10 + CRLF_CRLF.length;

  private HttpHeadBytes() {}

  /** {@code s} as US-ASCII bytes. */
  public static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** {@code "HTTP/1.1 <status> <reason>\r\n"}; a status outside 100-599 becomes 500. */
  public static byte[] statusLine(int status) {
    if (status < 100 || status >= STATUS_LINES.length) {
      status = 500;
    }
    byte[] line = STATUS_LINES[status];
    if (line == null) {
      line = ascii("HTTP/1.1 " + status + " " + HttpResponseStatus.valueOf(status).reasonPhrase() + "\r\n");
      STATUS_LINES[status] = line; // a benign race: every thread computes the same bytes
    }
    return line;
  }

  /**
   * Ends a response head: with {@code close} it says the connection ends, with {@code keepAlive10}
   * that it stays open (an HTTP/1.0 client asked so); then the content length and the blank line.
   */
  public static void endHead(ByteBuf buf, boolean close, boolean keepAlive10, int contentLength) {
    if (close) {
      buf.writeBytes(CLOSE);
    } else if (keepAlive10) {
      buf.writeBytes(KEEP_ALIVE);
    }
    buf.writeBytes(CONTENT_LENGTH);
    writeDecimal(buf, contentLength);
    buf.writeBytes(CRLF_CRLF);
  }

  /** Writes {@code n} (≥ 0) in decimal ASCII. */
  static void writeDecimal(ByteBuf buf, int n) {
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
}
