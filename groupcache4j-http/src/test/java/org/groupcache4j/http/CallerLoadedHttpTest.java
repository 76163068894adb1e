package org.groupcache4j.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.groupcache4j.ByteView;
import org.groupcache4j.Group;
import org.groupcache4j.KeyNotFoundException;
import org.groupcache4j.LoadException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Load leases, put-if-absent and clear between three nodes over loopback HTTP (the wire of CallerLoadedWire). */
class CallerLoadedHttpTest {
  private static final Duration LEASE = Duration.ofMillis(800);
  @RegisterExtension final TestNodes testNodes = new TestNodes();
  private final List<TestNode> nodes = testNodes.all;
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private void cluster() {
    testNodes.start(3, () -> TestNode.start(b -> {}, TestNode::goValue,
        (n, loader) -> n.cache.groupBuilder(TestNode.GROUP).cacheBytes(1 << 20).loadTimeout(LEASE).callerLoaded().build()));
    // every node has heard from its peers, so a slow first probe on a busy machine changes nothing counted here
    org.awaitility.Awaitility.await("every peer answers probes").atMost(Duration.ofSeconds(30)).until(() -> nodes.stream()
        .allMatch(n -> n.cache.peerStates().size() == 2
            && n.cache.peerStates().stream().allMatch(p -> p.isUp())));
  }

  /** Waits until {@code n} callers in all have missed (each getOrLoad that found no value counts one load). */
  private void awaitMisses(long n) {
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> nodes.stream().mapToLong(x -> x.group.stats().loads()).sum() >= n);
  }

  private TestNode nonOwner(String key, TestNode not) {
    String owner = nodes.get(0).cache.ownerOf(key);
    return nodes.stream().filter(n -> !n.url.equals(owner) && n != not).findFirst().orElseThrow();
  }

  @Test
  void callersOnEveryNodeComputeAKeyOnceOverHttp() throws Exception {
    cluster();
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    List<Future<ByteView>> callers = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      Group g = nodes.get(i % 3).group;
      callers.add(pool.submit(() -> g.getOrLoad("dune", () -> {
        calls.incrementAndGet();
        release.await(10, TimeUnit.SECONDS);
        return ByteView.of("computed once");
      })));
    }
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() >= 1);
    awaitMisses(30); // every caller missed before the value exists: none but one may compute it
    release.countDown();
    for (Future<ByteView> f : callers) {
      assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(ByteView.of("computed once"));
    }
    assertThat(calls).hasValue(1);
    for (TestNode n : nodes) {
      assertThat(n.group.get("dune")).isEqualTo(ByteView.of("computed once"));
      assertThat(n.group.stats().peerErrors()).as("at %s", n).isZero();
    }
  }

  @Test
  void aFailureCrossesTheWireAndALeaseThatRunsOutPassesOn() throws Exception {
    cluster();
    TestNode holder = nonOwner("flaky", null);
    TestNode waiter = nonOwner("flaky", holder);
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<ByteView> held = pool.submit(() -> holder.group.getOrLoad("flaky", () -> {
      holding.countDown();
      release.await(10, TimeUnit.SECONDS);
      throw new IllegalStateException("database is down");
    }));
    assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
    Future<ByteView> waiting = pool.submit(() -> waiter.group.getOrLoad("flaky", () -> ByteView.of("not me")));
    awaitMisses(2); // the waiter missed too before the holder fails
    release.countDown();
    assertThatThrownBy(() -> held.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("database is down");
    assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(LoadException.class)
        .hasMessageContaining("database is down").satisfies(e -> assertThat(((LoadException) e).isRemote()).isTrue());

    // a holder that hangs: the waiter takes over when the lease runs out
    TestNode hanger = nonOwner("slow", null);
    TestNode other = nonOwner("slow", hanger);
    CountDownLatch hanging = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    pool.submit(() -> hanger.group.getOrLoad("slow", () -> {
      hanging.countDown();
      never.await(30, TimeUnit.SECONDS);
      return ByteView.of("late");
    }));
    assertThat(hanging.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(other.group.getOrLoad("slow", () -> ByteView.of("taken over"))).isEqualTo(ByteView.of("taken over"));
    never.countDown();
  }

  @Test
  void putIfAbsentAndClearAcrossTheNodes() {
    cluster();
    TestNode a = nodes.get(0);
    TestNode b = nodes.get(1);
    assertThat(a.group.putIfAbsent("k", ByteView.of("first"))).isNull();
    assertThat(b.group.putIfAbsent("k", ByteView.of("second"))).isEqualTo(ByteView.of("first"));
    for (int i = 0; i < 10; i++) {
      nodes.get(i % 3).group.set("c" + i, ByteView.of("v" + i));
    }
    assertThat(nodes.get(2).group.clear().allTold()).isTrue();
    for (TestNode n : nodes) {
      assertThatThrownBy(() -> n.group.get("k")).isInstanceOf(KeyNotFoundException.class);
      for (int i = 0; i < 10; i++) {
        String key = "c" + i;
        assertThatThrownBy(() -> n.group.get(key)).isInstanceOf(KeyNotFoundException.class);
      }
    }
  }

  @Test
  void theNewRequestsAreRefusedAsBadInputNotCrashes() throws Exception {
    cluster();
    HttpClient http = HttpClient.newHttpClient();
    String base = nodes.get(0).url + HttpPeerTransport.DEFAULT_BASE_PATH + TestNode.GROUP + "/";
    for (String tail : List.of("_lease/k", "_lease-done/k", "_put-if-absent/k")) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + tail))
          .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xff, 0x01})).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(tail).isEqualTo(400);
      assertThat(r.body()).as(tail).startsWith("bad request: ");
      assertOurs(r, tail);
    }
    HttpResponse<String> handoff = http.send(HttpRequest.newBuilder(URI.create(nodes.get(0).url
            + HttpPeerTransport.DEFAULT_BASE_PATH + "_handoff")).POST(HttpRequest.BodyPublishers.ofByteArray(
            new byte[] {(byte) 0xff, 0x01})).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(handoff.statusCode()).isEqualTo(400);
    assertOurs(handoff, "_handoff");
    HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create(nodes.get(0).url
            + HttpPeerTransport.DEFAULT_BASE_PATH + "nope/_clear")).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(unknown.statusCode()).isEqualTo(404);
    HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create(base + "_elsewhere"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(other.statusCode()).isEqualTo(405);
    assertOurs(other, "_elsewhere");
    assertThat(nodes.get(0).group.getOrLoad("still", () -> ByteView.of("serving"))).isEqualTo(ByteView.of("serving"));
  }

  /** Every answer of a node of ours says which node it is and whether it owns keys, as its fetches' answers do. */
  private void assertOurs(HttpResponse<String> r, String what) {
    assertThat(r.headers().firstValue("x-groupcache4j-incarnation")).as(what)
        .hasValue(org.groupcache4j.http.internal.protocol.NodeIdentity.hex(nodes.get(0).cache.incarnation()));
    assertThat(r.headers().firstValue("x-groupcache4j-state")).as(what).hasValue("ready");
  }
}
