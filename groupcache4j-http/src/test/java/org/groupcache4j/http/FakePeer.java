package org.groupcache4j.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted HTTP peer on a raw socket, for client behaviour the real server never shows (plain
 * 500s as golang/groupcache sends, silence, oversized or non-protobuf answers, closed
 * connections). Each connection reads request heads and asks the {@link Script} what to do.
 */
final class FakePeer implements AutoCloseable {
  /** Bytes to send, or {@link #CLOSE} to close the connection, or {@link #SILENCE} to never answer. */
  interface Script {
    byte[] answer(int connection, int requestOnConnection, String requestHead);
  }

  static final byte[] CLOSE = new byte[0];
  static final byte[] SILENCE = new byte[0];

  private final ServerSocket server;
  private final Script script;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fake-peer");
    t.setDaemon(true);
    return t;
  });
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  final AtomicInteger connections = new AtomicInteger();
  final List<String> requests = new CopyOnWriteArrayList<>();
  /** The body of each request (empty without one), in the order of {@link #requests}. */
  final List<byte[]> bodies = new CopyOnWriteArrayList<>();

  FakePeer(Script script) {
    this.script = script;
    try {
      server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    threads.execute(this::acceptLoop);
  }

  String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  static byte[] response(int status, String reason, String contentType, byte[] body, String... extraHeaders) {
    StringBuilder h = new StringBuilder("HTTP/1.1 " + status + " " + reason + "\r\n");
    h.append("Content-Type: ").append(contentType).append("\r\n");
    h.append("Content-Length: ").append(body.length).append("\r\n");
    for (String x : extraHeaders) {
      h.append(x).append("\r\n");
    }
    h.append("\r\n");
    byte[] head = h.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  /** A 200 with {@code GetResponse{value}} as golang/groupcache sends it. */
  static byte[] protobufOk(byte[] value) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(0x0a);
    int n = value.length;
    while (n >= 0x80) {
      b.write((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    b.write(n);
    b.writeBytes(value);
    return response(200, "OK", "application/x-protobuf", b.toByteArray());
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        sockets.add(s);
        int id = connections.incrementAndGet();
        threads.execute(() -> serve(s, id));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s, int id) {
    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
      for (int n = 1; ; n++) {
        String head = readHead(in);
        if (head == null) {
          return;
        }
        byte[] body = in.readNBytes(contentLength(head));
        synchronized (this) { // the same index in both lists
          bodies.add(body);
          requests.add(head);
        }
        byte[] answer = script.answer(id, n, head);
        if (answer == CLOSE) {
          return;
        }
        if (answer == SILENCE) {
          while (in.read() >= 0) {
            // hold the connection open without answering until the client gives up
          }
          return;
        }
        out.write(answer);
        out.flush();
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  /** The request's content-length (0 without one). */
  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
        return Integer.parseInt(line.substring(colon + 1).trim());
      }
    }
    return 0;
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int c = in.read();
      if (c < 0) {
        return null;
      }
      b.write(c);
      state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    threads.shutdownNow();
  }
}
