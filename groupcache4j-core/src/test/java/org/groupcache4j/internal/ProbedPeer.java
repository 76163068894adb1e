package org.groupcache4j.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.groupcache4j.peer.PeerClient;
import org.groupcache4j.peer.PeerValue;

/** A peer for {@link PeerHealth}'s tests: its probes are answered, or fail as the test says, and counted; nothing is fetched. */
final class ProbedPeer implements PeerClient {
  final AtomicBoolean answers = new AtomicBoolean(true);
  final AtomicInteger probes = new AtomicInteger();
  private final String url;
  private final Supplier<Throwable> failure;

  /** {@code failure}: what a probe fails with while the peer does not answer. */
  ProbedPeer(String url, Supplier<Throwable> failure) {
    this.url = url;
    this.failure = failure;
  }

  @Override
  public String url() {
    return url;
  }

  @Override
  public CompletableFuture<PeerValue> fetch(String group, String key) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException("not fetched in this test"));
  }

  @Override
  public CompletableFuture<Void> probe(Duration timeout) {
    probes.incrementAndGet();
    return answers.get() ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(failure.get());
  }
}
