package org.groupcache4j.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.groupcache4j.Group;
import org.groupcache4j.GroupCache;
import org.groupcache4j.Loader;
import org.groupcache4j.testing.FreePorts;

/** One node of a test cluster: a GroupCache on 127.0.0.1 with an HTTP transport and a counting loader. */
final class TestNode implements AutoCloseable {
  static final String GROUP = "scores";

  final String url;
  final GroupCache cache;
  final HttpPeerTransport transport;
  final Group group;
  final Map<String, AtomicInteger> loadsByKey = new ConcurrentHashMap<>();
  final AtomicInteger loads = new AtomicInteger();

  private TestNode(String url, GroupCache cache, HttpPeerTransport transport, Function<TestNode, Group> groupMaker) {
    this.url = url;
    this.cache = cache;
    this.transport = transport;
    this.group = groupMaker.apply(this);
  }

  /** The loader of every test node: {@code "value-of-" + key} padded with '.' to 100 bytes, as the Go anchor node. */
  static byte[] goValue(String key) {
    StringBuilder sb = new StringBuilder("value-of-").append(key);
    byte[] b = sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (b.length >= 100) {
      return b;
    }
    byte[] out = java.util.Arrays.copyOf(b, 100);
    java.util.Arrays.fill(out, b.length, 100, (byte) '.');
    return out;
  }

  static TestNode start() {
    return start(b -> {}, TestNode::goValue);
  }

  static TestNode start(Consumer<HttpPeerTransport.Builder> options, Loader values) {
    return start(options, values, (n, loader) -> n.cache.newGroup(GROUP, 64 << 20, loader));
  }

  /** Starts a node on a free loopback port; {@code groupMaker} builds its group with the counting loader. */
  static TestNode start(Consumer<HttpPeerTransport.Builder> options, Loader values,
      java.util.function.BiFunction<TestNode, Loader, Group> groupMaker) {
    return start("http", options, c -> {}, values, groupMaker);
  }

  /** {@link #start(Consumer, Loader, java.util.function.BiFunction)} with options of the cache too. */
  static TestNode start(Consumer<HttpPeerTransport.Builder> options, Consumer<GroupCache.Builder> cacheOptions,
      Loader values, java.util.function.BiFunction<TestNode, Loader, Group> groupMaker) {
    return start("http", options, cacheOptions, values, groupMaker);
  }

  /** Like {@link #start(Consumer, Consumer, Loader, java.util.function.BiFunction)}, named {@code scheme://127.0.0.1:port}. */
  static TestNode start(String scheme, Consumer<HttpPeerTransport.Builder> options,
      Consumer<GroupCache.Builder> cacheOptions, Loader values,
      java.util.function.BiFunction<TestNode, Loader, Group> groupMaker) {
    try {
      return FreePorts.startOnFreePorts(1, ports -> { // again on another port if someone took this one
        String url = scheme + "://127.0.0.1:" + ports[0];
        HttpPeerTransport.Builder b = HttpPeerTransport.builder().eventLoopThreads(2);
        options.accept(b);
        HttpPeerTransport t = b.build();
        GroupCache cache;
        try {
          GroupCache.Builder cb = GroupCache.builder().self(url).transport(t);
          cacheOptions.accept(cb);
          cache = cb.build();
        } catch (RuntimeException e) {
          t.close();
          throw e;
        }
        return new TestNode(url, cache, t, n -> groupMaker.apply(n, key -> {
          n.loads.incrementAndGet();
          n.loadsByKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
          return values.load(key);
        }));
      });
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot start a test node: " + e, e);
    }
  }

  int port() {
    return transport.boundAddress().getPort();
  }

  int loadsOf(String key) {
    AtomicInteger n = loadsByKey.get(key);
    return n == null ? 0 : n.get();
  }

  @Override
  public void close() {
    cache.close();
  }

  @Override
  public String toString() {
    return url;
  }
}
