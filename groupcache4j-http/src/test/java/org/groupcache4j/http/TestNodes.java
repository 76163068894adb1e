package org.groupcache4j.http;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The nodes a test starts, closed after it: register with {@code @RegisterExtension} and start
 * nodes through {@link #start} (or add them to {@link #all}).
 */
final class TestNodes implements AfterEachCallback {
  /** Every node of the running test, in the order started. */
  final List<TestNode> all = new ArrayList<>();

  /** Starts {@code n} nodes with {@code starter}, makes all nodes so far one cluster, and returns them all. */
  List<TestNode> start(int n, Supplier<TestNode> starter) {
    for (int i = 0; i < n; i++) {
      all.add(starter.get());
    }
    setPeers(all);
    return all;
  }

  /** Gives each of {@code members} the whole list as its peers. */
  static void setPeers(List<TestNode> members) {
    List<String> urls = members.stream().map(m -> m.url).toList();
    members.forEach(m -> m.cache.setPeers(urls));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    all.forEach(TestNode::close);
    all.clear();
  }
}
