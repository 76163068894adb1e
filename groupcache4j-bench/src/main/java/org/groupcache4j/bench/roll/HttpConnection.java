package org.groupcache4j.bench.roll;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One kept-alive HTTP/1.1 client connection on a blocking socket, for the benchmark's clients: a
 * GET and its answer at a time. It tells the failures a load balancer treats differently apart:
 * a refused connect ({@link java.net.ConnectException}), a kept-alive connection the server
 * closed before it answered anything ({@link NoAnswer}: safe to send again), and a timeout
 * ({@link java.net.SocketTimeoutException}: not retried, it would hide a hang). Bodies with a
 * {@code Content-Length}, chunked, or until the connection closes.
 */
final class HttpConnection implements AutoCloseable {
  /** The server closed (or reset) the connection before any byte of an answer: the request may be sent again. */
  static final class NoAnswer extends IOException {
    NoAnswer(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** An answer: status, body, and whether the server closes the connection after it. */
  record Response(int status, byte[] body, boolean close) {}

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final String host;
  private int exchanges;

  private HttpConnection(Socket socket, String host) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 8192);
    this.out = socket.getOutputStream();
    this.host = host;
  }

  /** Connects within {@code connectTimeoutMillis}. */
  static HttpConnection open(InetSocketAddress to, int connectTimeoutMillis) throws IOException {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.connect(to, connectTimeoutMillis);
      return new HttpConnection(s, to.getHostString() + ":" + to.getPort());
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  /** Whether an earlier request went over this connection (then the server may have closed it meanwhile). */
  boolean reused() {
    return exchanges > 0;
  }

  /**
   * Sends {@code GET target} and reads the answer, each read within {@code timeoutMillis}.
   *
   * @throws NoAnswer if the connection was closed or reset before the first byte of the answer
   */
  Response get(String target, int timeoutMillis) throws IOException {
    socket.setSoTimeout(timeoutMillis);
    exchanges++;
    try {
      out.write(("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    } catch (SocketException e) {
      throw new NoAnswer("the connection was closed before the request was sent: " + e.getMessage(), e);
    }
    int first;
    try {
      first = in.read();
    } catch (SocketException e) { // reset: closed with our request unread
      throw new NoAnswer("the connection was reset before any answer: " + e.getMessage(), e);
    }
    if (first < 0) {
      throw new NoAnswer("the connection was closed before any answer", null);
    }
    String statusLine = (char) first + line();
    if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
      throw new IOException("not an HTTP answer: " + statusLine);
    }
    int status = Integer.parseInt(statusLine.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    boolean close = statusLine.startsWith("HTTP/1.0");
    for (String h = line(); !h.isEmpty(); h = line()) {
      int colon = h.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
      switch (name) {
        case "content-length" -> length = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.contains("chunked");
        case "connection" -> close = value.contains("close") || (close && !value.contains("keep-alive"));
        default -> { }
      }
    }
    byte[] body;
    if (chunked) {
      body = chunkedBody();
    } else if (length >= 0) {
      body = in.readNBytes((int) length);
      if (body.length < length) {
        throw new EOFException("the answer ended after " + body.length + " of " + length + " bytes");
      }
    } else {
      body = in.readAllBytes();
      close = true;
    }
    return new Response(status, body, close);
  }

  private byte[] chunkedBody() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (true) {
      String size = line();
      int semi = size.indexOf(';');
      int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
      if (n == 0) {
        while (!line().isEmpty()) {
          // trailers
        }
        return b.toByteArray();
      }
      byte[] chunk = in.readNBytes(n);
      if (chunk.length < n) {
        throw new EOFException("a chunk ended early");
      }
      b.write(chunk);
      line();
    }
  }

  private String line() throws IOException {
    StringBuilder sb = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("the connection closed in the middle of an answer");
      }
      if (c == '\n') {
        int len = sb.length();
        return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
      }
      sb.append((char) c);
      if (sb.length() > 16 * 1024) {
        throw new IOException("a header line longer than 16 KiB");
      }
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
