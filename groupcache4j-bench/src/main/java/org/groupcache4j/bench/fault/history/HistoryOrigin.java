package org.groupcache4j.bench.fault.history;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The source the nodes load from, in the harness's process: {@code GET /n{node}/{key}} answers a
 * value no other load got, {@code src:KEY:N} for the key's {@code N}th load, and records the load
 * (which node, which key, which value, when) in the history. Each node is given its own path
 * ({@link #template}), so the origin knows who loaded.
 */
public final class HistoryOrigin implements AutoCloseable {
  private static final Pattern PATH = Pattern.compile("/n(\\d+)/(.*)");

  private final HttpServer server;
  private final ExecutorService threads;
  private final HistoryRecorder recorder;
  private final String host;
  private final Map<String, AtomicInteger> loadsPerKey = new ConcurrentHashMap<>();

  private HistoryOrigin(HttpServer server, ExecutorService threads, HistoryRecorder recorder, String host) {
    this.server = server;
    this.threads = threads;
    this.recorder = recorder;
    this.host = host;
  }

  /** Listens on a free port of {@code host} (an address the nodes reach). */
  public static HistoryOrigin start(String host, HistoryRecorder recorder) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, 0), 64);
    ExecutorService threads = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "history-origin");
      t.setDaemon(true);
      return t;
    });
    HistoryOrigin origin = new HistoryOrigin(server, threads, recorder, host);
    server.createContext("/", origin::handle);
    server.setExecutor(threads);
    server.start();
    return origin;
  }

  /** Node {@code node}'s {@code --origin}, e.g. {@code http://10.1.2.254:41234/n3/{key}}. */
  public String template(int node) {
    return "http://" + host + ":" + server.getAddress().getPort() + "/n" + node + "/{key}";
  }

  /** How many times {@code key} was loaded so far. */
  public int loads(String key) {
    AtomicInteger n = loadsPerKey.get(key);
    return n == null ? 0 : n.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    long start = recorder.now();
    int id = recorder.nextId();
    try (ex) {
      Matcher m = PATH.matcher(ex.getRequestURI().getPath());
      if (!"GET".equals(ex.getRequestMethod()) || !m.matches()) {
        byte[] why = ("the history origin answers GET /n{node}/{key}, not " + ex.getRequestMethod() + " "
            + ex.getRequestURI()).getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(400, why.length);
        ex.getResponseBody().write(why);
        return;
      }
      String key = m.group(2);
      String value = "src:" + key + ":" + loadsPerKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      byte[] body = value.getBytes(StandardCharsets.UTF_8);
      try (OutputStream out = ex.getResponseBody()) {
        ex.getResponseHeaders().set("content-type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(200, body.length);
        out.write(body);
      } finally { // a load the node did not get to the end of is a load all the same
        recorder.add(new SourceLoad(id, Integer.parseInt(m.group(1)), key, value, start, recorder.now()));
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
