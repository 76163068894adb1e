package org.groupcache4j.http.internal.http1;

import static org.groupcache4j.http.internal.http1.HttpHeadBytes.ascii;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.groupcache4j.internal.Text;

/**
 * A complete HTTP/1.1 response (status, headers, body with a known length), written by the
 * {@link Responder} either as bytes (its own servers: status line and header lines are constant
 * byte strings, see {@link HttpHeadBytes}) or as a Netty {@code FullHttpResponse} (when it is
 * mounted in an application's pipeline, after that pipeline's HTTP encoder). The connection
 * header is the responder's business, not the response's.
 *
 * <p>{@link #text} and {@link #of} cover most answers; an endpoint with a hot path of its own
 * (the peer endpoint's protobuf value) subclasses this and writes itself.
 */
public abstract class Response {
  /** Error texts are cut here: one line a human can read. */
  public static final int MAX_TEXT = 1000;
  public static final Header TEXT_PLAIN = Header.of("content-type", "text/plain; charset=utf-8");
  public static final Header NOSNIFF = Header.of("x-content-type-options", "nosniff");
  public static final Header JSON = Header.of("content-type", "application/json");
  public static final Header OCTET_STREAM = Header.of("content-type", "application/octet-stream");
  /** Bodies up to this size are copied behind the head (one buffer); larger ones are wrapped. */
  private static final int COPY_LIMIT = 2048;

  private final int status;

  protected Response(int status) {
    this.status = status;
  }

  public final int status() {
    return status;
  }

  /**
   * This response as bytes: with {@code close} the head says the connection ends, with
   * {@code keepAlive10} that it stays open (an HTTP/1.0 client asked so); with {@code head} the
   * body is left out (the answer to a HEAD request), its length still given.
   */
  protected abstract ByteBuf encode(ByteBufAllocator alloc, boolean close, boolean keepAlive10, boolean head);

  /** This response as a Netty message, for a pipeline whose own encoder writes it. */
  protected abstract FullHttpResponse toMessage(ByteBufAllocator alloc);

  /**
   * {@code status} with {@code message} as one line of UTF-8 text (line breaks become spaces,
   * cut at {@value #MAX_TEXT} characters), ending with a newline.
   */
  public static Simple text(int status, String message) {
    byte[] body = (Text.oneLine(message, MAX_TEXT) + "\n").getBytes(StandardCharsets.UTF_8);
    return new Simple(status, new Header[] {TEXT_PLAIN, NOSNIFF}, body, 0, body.length);
  }

  /** {@code status} with a body of type {@code contentType}; {@code body} is read, never changed. */
  public static Simple of(int status, Header contentType, byte[] body) {
    return new Simple(status, new Header[] {contentType}, body, 0, body.length);
  }

  /**
   * {@code status} with a body of type {@code contentType}: {@code length} bytes of {@code array}
   * from {@code offset}, read (not copied when large), never changed.
   */
  public static Simple of(int status, Header contentType, byte[] array, int offset, int length) {
    java.util.Objects.checkFromIndexSize(offset, length, array.length);
    return new Simple(status, new Header[] {contentType}, array, offset, length);
  }

  /** One header line, kept as bytes for the raw writer and as name and value for Netty. */
  public static final class Header {
    final String name;
    final String value;
    final byte[] line;

    private Header(String name, String value) {
      this.name = name;
      this.value = value;
      this.line = ascii(name + ": " + value + "\r\n");
    }

    /** A header; {@code value} must be US-ASCII without line breaks. */
    public static Header of(String name, String value) {
      if (value.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
        throw new IllegalArgumentException("header value is not printable US-ASCII: " + Text.quotable(value));
      }
      return new Header(name, value);
    }
  }

  /** A response of constant headers and a body of (a range of) a byte array. Immutable. */
  public static final class Simple extends Response {
    private final Header[] headers;
    private final byte[] body;
    private final int bodyOffset;
    private final int bodyLength;

    private Simple(int status, Header[] headers, byte[] body, int bodyOffset, int bodyLength) {
      super(status);
      this.headers = headers;
      this.body = body;
      this.bodyOffset = bodyOffset;
      this.bodyLength = bodyLength;
    }

    /** This response with one more header. */
    public Simple with(Header h) {
      Header[] more = Arrays.copyOf(headers, headers.length + 1);
      more[headers.length] = h;
      return new Simple(status(), more, body, bodyOffset, bodyLength);
    }

    /** This response with {@code hs} added after its headers, in order; null elements are skipped. */
    public Simple with(Header... hs) {
      Header[] more = Arrays.copyOf(headers, headers.length + hs.length);
      int n = headers.length;
      for (Header h : hs) {
        if (h != null) {
          more[n++] = h;
        }
      }
      return new Simple(status(), n == more.length ? more : Arrays.copyOf(more, n), body, bodyOffset, bodyLength);
    }

    /** The body (a copy when it is a range of a larger array; else not a copy: do not change it). */
    public byte[] body() {
      return bodyOffset == 0 && bodyLength == body.length ? body : Arrays.copyOfRange(body, bodyOffset, bodyOffset + bodyLength);
    }

    @Override
    protected ByteBuf encode(ByteBufAllocator alloc, boolean close, boolean keepAlive10, boolean head) {
      byte[] statusLine = HttpHeadBytes.statusLine(status());
      int headLen = statusLine.length + HttpHeadBytes.END_HEAD_MAX_BYTES;
      for (Header h : headers) {
        headLen += h.line.length;
      }
      boolean copy = !head && bodyLength <= COPY_LIMIT;
      ByteBuf buf = alloc.ioBuffer(headLen + (copy ? bodyLength : 0));
      buf.writeBytes(statusLine);
      for (Header h : headers) {
        buf.writeBytes(h.line);
      }
      HttpHeadBytes.endHead(buf, close, keepAlive10, bodyLength);
      if (head || bodyLength == 0) {
        return buf;
      }
      if (copy) {
        return buf.writeBytes(body, bodyOffset, bodyLength);
      }
      return Unpooled.wrappedBuffer(buf, Unpooled.wrappedBuffer(body, bodyOffset, bodyLength));
    }

    @Override
    protected FullHttpResponse toMessage(ByteBufAllocator alloc) {
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status()),
          Unpooled.wrappedBuffer(body, bodyOffset, bodyLength));
      for (Header h : headers) {
        r.headers().add(h.name, h.value);
      }
      r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bodyLength);
      return r;
    }
  }
}
