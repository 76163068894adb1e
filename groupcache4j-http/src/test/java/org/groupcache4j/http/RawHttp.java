package org.groupcache4j.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A raw HTTP/1.1 connection for tests that send exactly the bytes they mean (reads time out after 10 s). */
public final class RawHttp implements AutoCloseable {
  final Socket socket;
  private final InputStream in;

  /** One parsed answer. */
  public record Answer(int status, Map<String, String> headers, byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  public RawHttp(int port) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
  }

  public RawHttp send(String s) throws IOException {
    return send(s.getBytes(StandardCharsets.UTF_8));
  }

  public RawHttp send(byte[] b) throws IOException {
    socket.getOutputStream().write(b);
    socket.getOutputStream().flush();
    return this;
  }

  /** Reads one answer; {@code null} if the server closed the connection first. */
  public Answer read() throws IOException {
    return read(false);
  }

  public Answer read(boolean headRequest) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int c = in.read();
      if (c < 0) {
        if (head.size() == 0) {
          return null;
        }
        throw new IOException("connection closed inside an answer's head: " + head);
      }
      head.write(c);
      state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
    }
    int len = headRequest ? 0 : Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(len);
    if (body.length != len) {
      throw new IOException("connection closed inside a body");
    }
    return new Answer(status, headers, body);
  }

  /** Whether the server closed the connection (reads end of stream) within the socket timeout. */
  public boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  public static Answer get(int port, String path) throws IOException {
    try (RawHttp c = new RawHttp(port)) {
      return c.send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").read();
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
