package org.groupcache4j.bench.roll;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A node's client API as far as the {@link Balancer} sees it, on a real socket, in a chosen state:
 * serving ({@code /healthz} 200, {@code /api?key=K} the key's value), draining or starting (503 to
 * both), or serving but closing each connection right after its answer without saying so (as a
 * node that stops closes its idle kept-alive connections). Counts the {@code /api} requests it
 * answered.
 */
final class FakeNode implements AutoCloseable {
  enum Mode { SERVING, UNAVAILABLE, CLOSES_AFTER_ANSWER, SLOW }

  private final ServerSocket server;
  private final Thread acceptor;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final AtomicInteger answered = new AtomicInteger();
  private volatile Mode mode;

  FakeNode(Mode mode) throws IOException {
    this.mode = mode;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::accept, "fake-node-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
  }

  void mode(Mode m) {
    this.mode = m;
  }

  /** {@code /api} requests answered 200 so far. */
  int answered() {
    return answered.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        open.add(s);
        Thread t = new Thread(() -> serve(s), "fake-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = s.getOutputStream();
      while (true) {
        String request = in.readLine();
        if (request == null) {
          return;
        }
        for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
          // headers: nothing to read in them
        }
        String target = request.split(" ")[1];
        Mode m = mode;
        if (m == Mode.UNAVAILABLE) {
          answer(out, 503, "draining: shutting down");
          continue;
        }
        if (m == Mode.SLOW) {
          Thread.sleep(5_000);
        }
        if (target.equals("/healthz")) {
          answer(out, 200, "ok");
        } else if (target.startsWith("/api?key=")) {
          answered.incrementAndGet();
          answer(out, 200, new String(CountingOrigin.value(target.substring(9), 100), StandardCharsets.UTF_8));
        } else {
          answer(out, 404, "no such endpoint");
        }
        if (m == Mode.CLOSES_AFTER_ANSWER) {
          return; // closes the kept-alive connection without a word
        }
      }
    } catch (IOException | InterruptedException e) {
      // the client went away, or the node closed
    }
  }

  private static void answer(OutputStream out, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    out.write(("HTTP/1.1 " + status + " X\r\ncontent-length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(b);
    out.flush();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
  }
}
