package org.groupcache4j.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.groupcache4j.testing.ClusterFormation;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The nodes a test starts, closed after it: register with {@code @RegisterExtension} and start
 * nodes through {@link #start} (or add them to {@link #all}).
 */
final class TestNodes implements AfterEachCallback {
  /** How long nodes that were just given their peers may take to hear from each other (a first TLS handshake included). */
  static final Duration FORMED_WITHIN = Duration.ofSeconds(30);

  /** Every node of the running test, in the order started. */
  final List<TestNode> all = new ArrayList<>();

  /**
   * Starts {@code n} nodes with {@code starter}, makes all nodes so far one cluster that has formed
   * ({@link #setPeers}), and returns them all.
   */
  List<TestNode> start(int n, Supplier<TestNode> starter) {
    for (int i = 0; i < n; i++) {
      all.add(starter.get());
    }
    setPeers(all);
    return all;
  }

  /**
   * Gives each of {@code members} the whole list (in their order) as its peers, and waits until
   * they have heard from each other ({@link ClusterFormation}): on a loaded machine a first probe
   * can go unanswered past its timeout, and until its peer answers again the others load its keys.
   */
  static void setPeers(List<TestNode> members) {
    List<String> urls = members.stream().map(m -> m.url).toList();
    members.forEach(m -> m.cache.setPeers(urls));
    ClusterFormation.awaitFormed(members.stream().map(m -> m.cache).toList(), FORMED_WITHIN);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    all.forEach(TestNode::close);
    all.clear();
  }
}
