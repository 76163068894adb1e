package org.groupcache4j.server.internal.observe;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.groupcache4j.http.internal.http1.Exchange;
import org.groupcache4j.http.internal.http1.Routes;
import org.groupcache4j.internal.Text;
import org.groupcache4j.server.internal.Logging;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client API's access log ({@code serve --access-log}): one INFO line per answer on logger
 * {@code org.groupcache4j.access}, e.g. {@code 127.0.0.1:53412 "GET /api?key=Tom" 200 87 B 0.31 ms}.
 */
public final class AccessLog implements Routes.AccessLog {
  private static final Logger log = LoggerFactory.getLogger(Logging.ACCESS_LOGGER);

  private AccessLog() {}

  /** The access log if its logger is on (the flag turns it on), else null: requests are then not even timed. */
  public static Routes.AccessLog ifEnabled() {
    return log.isInfoEnabled() ? new AccessLog() : null;
  }

  @Override
  public void answered(Exchange request, int status, long bytes, long nanos, SocketAddress remote) {
    String from = remote instanceof InetSocketAddress a ? a.getHostString() + ":" + a.getPort() : String.valueOf(remote);
    String uri = Text.quotable(request.uri());
    log.atInfo().addKeyValue("remote", from).addKeyValue("method", request.method().name()).addKeyValue("uri", uri)
        .addKeyValue("status", status).addKeyValue("bytes", bytes).addKeyValue("micros", nanos / 1000)
        .log("{} \"{} {}\" {} {} B {} ms", from, request.method().name(), uri, status, bytes, millis(nanos));
  }

  /** {@code nanos} as milliseconds with two decimals, rounded half up ({@code String.format("%.2f")} without its parsing, per answer). */
  static String millis(long nanos) {
    long hundredths = (nanos + 5_000) / 10_000;
    long frac = hundredths % 100;
    return (hundredths / 100) + (frac < 10 ? ".0" : ".") + frac;
  }
}
