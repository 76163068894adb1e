package org.groupcache4j.bench.roll;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * The slow source both clusters load from, in the benchmark's process: {@code GET /o/KEY} answers
 * {@code value-of-KEY} padded with dots to {@code valueSize} bytes, and counts every load, in
 * total and per key. Our nodes use it as {@code --origin http://…/o/{key}}, the golang/groupcache
 * nodes ({@code rollnode.go}) as their getter's URL prefix, so one count covers both and survives
 * the nodes' restarts.
 */
public final class CountingOrigin implements AutoCloseable {
  private static final String PATH = "/o/";

  private final HttpServer server;
  private final ExecutorService executor;
  private final int valueSize;
  private final Map<String, LongAdder> perKey = new ConcurrentHashMap<>();
  /** When each load came ({@link System#nanoTime()}), in order; its size is the count of loads. Guarded by this. */
  private long[] loadTimes = new long[1 << 12];
  private int loadTimesSize;

  private CountingOrigin(HttpServer server, ExecutorService executor, int valueSize) {
    this.server = server;
    this.executor = executor;
    this.valueSize = valueSize;
  }

  /** Listens on a free loopback port. */
  public static CountingOrigin start(int valueSize) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    ExecutorService ex = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "origin");
      t.setDaemon(true);
      return t;
    });
    CountingOrigin o = new CountingOrigin(s, ex, valueSize);
    s.createContext(PATH, o::handle);
    s.setExecutor(ex);
    s.start();
    return o;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String raw = ex.getRequestURI().getRawPath();
      if (!"GET".equals(ex.getRequestMethod()) || !raw.startsWith(PATH)) {
        ex.sendResponseHeaders(400, -1);
        return;
      }
      String key = URLDecoder.decode(raw.substring(PATH.length()).replace("+", "%2B"), StandardCharsets.UTF_8);
      recordLoad();
      perKey.computeIfAbsent(key, k -> new LongAdder()).increment();
      byte[] body = value(key, valueSize);
      ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** The value of {@code key}: {@code value-of-KEY}, padded with dots to {@code size} bytes. */
  public static byte[] value(String key, int size) {
    byte[] v = ("value-of-" + key).getBytes(StandardCharsets.UTF_8);
    if (v.length >= size) {
      return v;
    }
    byte[] padded = new byte[size];
    System.arraycopy(v, 0, padded, 0, v.length);
    java.util.Arrays.fill(padded, v.length, size, (byte) '.');
    return padded;
  }

  /** The URL prefix of a key's value: the prefix followed by the path-escaped key. */
  public String prefix() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
  }

  /** Every load so far. */
  public synchronized long loads() {
    return loadTimesSize;
  }

  private synchronized void recordLoad() {
    if (loadTimesSize == loadTimes.length) {
      loadTimes = java.util.Arrays.copyOf(loadTimes, loadTimes.length * 2);
    }
    loadTimes[loadTimesSize++] = System.nanoTime(); // read under the lock: the times stay in order
  }

  /**
   * The loads that came from {@code fromNanos} (included) to {@code toNanos} (excluded), on
   * {@link System#nanoTime()}.
   */
  public synchronized long loadsBetween(long fromNanos, long toNanos) {
    long n = 0;
    for (int i = 0; i < loadTimesSize; i++) {
      long t = loadTimes[i];
      if (t - fromNanos >= 0 && t - toNanos < 0) {
        n++;
      }
    }
    return n;
  }

  /** How many times each key was loaded so far (a copy). */
  public Map<String, Long> loadsPerKey() {
    Map<String, Long> copy = new java.util.HashMap<>();
    perKey.forEach((k, n) -> copy.put(k, n.sum()));
    return copy;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
