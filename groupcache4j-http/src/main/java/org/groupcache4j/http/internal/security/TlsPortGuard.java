package org.groupcache4j.http.internal.security;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.groupcache4j.internal.RateLimitedLog;

/**
 * First handler of a TLS port, before the {@link SslHandler}: it looks at the first bytes of a
 * connection. A TLS record passes (and this handler leaves the pipeline); plain HTTP gets a
 * {@code 400} in plain text saying to use {@code https://}, as Go's servers answer it; anything
 * else is closed. Either refusal is logged, rate-limited, with the remote address.
 */
public final class TlsPortGuard extends ByteToMessageDecoder {
  private static final String REASON = "this port speaks TLS: send the request to https://\n";
  private static final byte[] ANSWER = ("HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\n"
      + "connection: close\r\ncontent-length: " + REASON.length() + "\r\n\r\n" + REASON)
      .getBytes(StandardCharsets.US_ASCII);
  private final RateLimitedLog log;
  private final String port;

  /** @param port names the port in log lines, e.g. "peer port" */
  public TlsPortGuard(String port, RateLimitedLog log) {
    this.port = port;
    this.log = log;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (in.readableBytes() < 5) {
      return;
    }
    if (SslHandler.isEncrypted(in, false)) {
      ctx.pipeline().remove(this); // hands the bytes read so far to the SslHandler
      return;
    }
    boolean http = looksLikeHttp(in);
    in.skipBytes(in.readableBytes());
    log.log(port, Level.WARNING, () -> "refused a connection from " + ctx.channel().remoteAddress() + " on the TLS "
        + port + ": " + (http ? "plain HTTP sent to a TLS port (use https://)" : "not a TLS handshake"), null);
    if (http) {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(ANSWER)).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.close();
    }
  }

  private static boolean looksLikeHttp(ByteBuf in) {
    int i = in.readerIndex();
    int n = Math.min(in.readableBytes(), 8);
    for (int k = 0; k < n; k++) {
      byte b = in.getByte(i + k);
      if (b == ' ') {
        return k >= 3;
      }
      if (b < 'A' || b > 'Z') {
        return false;
      }
    }
    return false;
  }
}
