package org.groupcache4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.groupcache4j.testing.InMemoryCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The races of a write with a load or fetch that started before it, made deterministic with
 * latches: the loader's first call blocks until the test lets it return the value it read before
 * the write. In each, the old value is never served by a get that starts after the write returned,
 * on any node, and is not stored anywhere.
 */
class NoResurrectionTest {
  private InMemoryCluster cluster;
  /** The source: what a load reads. */
  private final Map<String, String> source = new ConcurrentHashMap<>();
  private final AtomicInteger loads = new AtomicInteger();
  private final CountDownLatch firstLoadEntered = new CountDownLatch(1);
  private final CountDownLatch releaseFirstLoad = new CountDownLatch(1);

  /** A loader whose first call reads the source, then waits to be released before returning it. */
  private byte[] load(String key) throws InterruptedException {
    String read = source.get(key);
    if (loads.incrementAndGet() == 1) {
      firstLoadEntered.countDown();
      assertThat(releaseFirstLoad.await(20, TimeUnit.SECONDS)).isTrue();
    }
    return read.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code n} nodes, peers of each other (one node alone loads every key). */
  private void start(int n) {
    cluster = InMemoryCluster.builder().nodes(n).group("g", (url, g) -> g.hotStoreAdmitAfter(1).loader(this::load)).start();
  }

  @AfterEach
  void stop() {
    releaseFirstLoad.countDown();
    if (cluster != null) {
      cluster.close();
    }
  }

  private static String str(ByteView v) {
    return v.toString();
  }

  @Test
  void removeDuringAnInFlightLocalLoad() throws Exception {
    start(1);
    Group g = cluster.group("mem://a");
    source.put("k", "old");
    CompletableFuture<ByteView> before = g.getAsync("k");
    assertThat(firstLoadEntered.await(10, TimeUnit.SECONDS)).isTrue(); // the load has read "old"
    source.put("k", "new");
    WriteResult r = g.remove("k");
    assertThat(r.allTold()).isTrue();
    // A get that starts now does not join the old load, which is still blocked.
    assertThat(str(g.getAsync("k").get(10, TimeUnit.SECONDS))).isEqualTo("new");
    releaseFirstLoad.countDown();
    assertThat(str(before.get(10, TimeUnit.SECONDS))).as("the caller that overlapped the remove").isEqualTo("old");
    assertThat(str(g.get("k"))).as("after the old load ended").isEqualTo("new");
    assertThat(loads.get()).isEqualTo(2);
  }

  @Test
  void setRacingALocalLoad() throws Exception {
    start(1);
    Group g = cluster.group("mem://a");
    source.put("k", "old");
    CompletableFuture<ByteView> before = g.getAsync("k");
    assertThat(firstLoadEntered.await(10, TimeUnit.SECONDS)).isTrue();
    g.set("k", ByteView.of("put"));
    assertThat(str(g.get("k"))).isEqualTo("put");
    releaseFirstLoad.countDown();
    assertThat(str(before.get(10, TimeUnit.SECONDS))).isEqualTo("old");
    assertThat(str(g.get("k"))).as("the old load did not overwrite the set").isEqualTo("put");
    assertThat(loads.get()).isEqualTo(1);
    assertThat(g.stats().sets()).isEqualTo(1);
  }

  @Test
  void removeDuringAnInFlightPeerFetch() throws Exception {
    start(3);
    String key = cluster.keyOwnedBy("mem://a");
    source.put(key, "old");
    Group asker = cluster.group("mem://b");
    CompletableFuture<ByteView> before = asker.getAsync(key); // b fetches from a; a's load blocks
    assertThat(firstLoadEntered.await(10, TimeUnit.SECONDS)).isTrue();
    source.put(key, "new");
    WriteResult r = cluster.group("mem://c").remove(key); // asked at a third node
    assertThat(r.told()).containsExactlyInAnyOrder("mem://a", "mem://b");
    for (String url : cluster.urls()) {
      assertThat(str(cluster.group(url).getAsync(key).get(10, TimeUnit.SECONDS))).as("at %s, old load blocked", url)
          .isEqualTo("new");
    }
    releaseFirstLoad.countDown();
    assertThat(str(before.get(10, TimeUnit.SECONDS))).isEqualTo("old");
    for (String url : cluster.urls()) {
      assertThat(str(cluster.group(url).get(key))).as("at %s, after the old fetch ended", url).isEqualTo("new");
    }
    assertThat(loads.get()).as("the blocked load and one reload at the owner").isEqualTo(2);
  }

  @Test
  void setAtANonOwnerRacingTheOwnersLoadAndAPeerFetch() throws Exception {
    start(3);
    String key = cluster.keyOwnedBy("mem://a");
    source.put(key, "old");
    CompletableFuture<ByteView> before = cluster.group("mem://c").getAsync(key);
    assertThat(firstLoadEntered.await(10, TimeUnit.SECONDS)).isTrue();
    WriteResult r = cluster.group("mem://b").set(key, ByteView.of("put"));
    assertThat(r.told()).containsExactlyInAnyOrder("mem://a", "mem://c");
    releaseFirstLoad.countDown();
    assertThat(str(before.get(10, TimeUnit.SECONDS))).isEqualTo("old");
    for (String url : cluster.urls()) {
      assertThat(str(cluster.group(url).get(key))).as("at %s", url).isEqualTo("put");
    }
    assertThat(loads.get()).as("no load after the set").isEqualTo(1);
  }
}
