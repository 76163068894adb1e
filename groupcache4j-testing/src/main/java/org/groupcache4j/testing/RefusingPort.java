package org.groupcache4j.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A port of 127.0.0.1 where connections are refused for as long as it is open
 * ({@link FreePorts#refusing()}): a socket bound to it, without {@code SO_REUSEADDR}, that neither
 * listens nor connects. Connections to it are reset at once, as to the port of a process that
 * has exited, and no other program can bind the port until it is closed.
 */
public final class RefusingPort implements AutoCloseable {
  private final Socket held;

  private RefusingPort(Socket held) {
    this.held = held;
  }

  static RefusingPort open(InetAddress address) {
    Socket s = new Socket();
    try {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(address, 0));
      return new RefusingPort(s);
    } catch (IOException e) {
      try {
        s.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new UncheckedIOException("cannot bind a port of " + address.getHostAddress() + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return held.getLocalPort();
  }

  /** {@code scheme://127.0.0.1:port}, e.g. a peer URL that is refused. */
  public String url(String scheme) {
    return scheme + "://127.0.0.1:" + port();
  }

  /** Lets the port go: from now on any program can bind it. */
  @Override
  public void close() {
    try {
      held.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return "refusing port " + port();
  }
}
