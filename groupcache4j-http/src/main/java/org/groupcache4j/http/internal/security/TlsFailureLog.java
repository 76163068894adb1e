package org.groupcache4j.http.internal.security;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLException;
import org.groupcache4j.internal.RateLimitedLog;

/**
 * Right after the server's {@code SslHandler}: a failed handshake (no client certificate, one from
 * another CA, an expired one, garbage, a client that says nothing until the handshake timeout)
 * is logged once, rate-limited, with the remote address and the reason, and the connection is
 * closed; the TLS exceptions go no further down the pipeline. Sharable.
 */
@ChannelHandler.Sharable
public final class TlsFailureLog extends ChannelInboundHandlerAdapter {
  private final RateLimitedLog log;
  private final String port;
  private final LongAdder handshakes; // counts completed handshakes

  public TlsFailureLog(String port, RateLimitedLog log, LongAdder handshakes) {
    this.port = port;
    this.log = log;
    this.handshakes = handshakes;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof SslHandshakeCompletionEvent e && e.isSuccess()) {
      handshakes.increment();
    }
    if (evt instanceof SslHandshakeCompletionEvent e && !e.isSuccess()) {
      log.log(port, Level.WARNING, () -> "TLS handshake from " + ctx.channel().remoteAddress() + " on the " + port
          + " failed: " + reason(e.cause()), null);
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
    if (cause instanceof SSLException || (cause instanceof DecoderException && cause.getCause() instanceof SSLException)) {
      ctx.close(); // reported with the handshake event, or a broken record on an open connection
      return;
    }
    super.exceptionCaught(ctx, cause);
  }

  /** The short reason of a handshake failure: the deepest message, which names the alert or the check that failed. */
  public static String reason(Throwable t) {
    if (t instanceof SslHandshakeTimeoutException) {
      return "no handshake within the timeout (" + t.getMessage() + ")";
    }
    Throwable deepest = t;
    String message = t.getMessage();
    for (Throwable c = t; c != null; c = c.getCause()) {
      deepest = c;
      if (c.getMessage() != null) {
        message = c.getMessage();
      }
    }
    if (message == null) {
      return deepest.getClass().getSimpleName();
    }
    return message;
  }
}
