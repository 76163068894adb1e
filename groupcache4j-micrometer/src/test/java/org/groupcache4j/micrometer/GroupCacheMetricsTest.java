package org.groupcache4j.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.groupcache4j.Group;
import org.groupcache4j.GroupCache;
import org.groupcache4j.KeyNotFoundException;
import org.groupcache4j.peer.PeerState;
import org.groupcache4j.ring.HashRing;
import org.groupcache4j.testing.ClusterFormation;
import org.groupcache4j.testing.InMemoryNetwork;
import org.groupcache4j.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The meters' names, labels and values against the traffic the test sends, read from parsed Prometheus text. */
class GroupCacheMetricsTest {
  private static final List<String> PEERS = List.of("mem://a", "mem://b");
  private final InMemoryNetwork network = new InMemoryNetwork();
  private GroupCache a;
  private GroupCache b;
  private Group ga;
  private final PrometheusMeterRegistry registryA = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final PrometheusMeterRegistry registryB = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @BeforeEach
  void start() {
    a = GroupCache.builder().self("mem://a").transport(network.transport()).build();
    b = GroupCache.builder().self("mem://b").transport(network.transport()).build();
    new GroupCacheMetrics(a).bindTo(registryA);
    ga = group(a);
    group(b);
    new GroupCacheMetrics(b).bindTo(registryB); // bound after its group exists
    a.setPeers(PEERS);
    b.setPeers(PEERS);
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
  }

  private static Group group(GroupCache c) {
    return c.newGroup("scores", 1 << 20, key -> {
      if (key.startsWith("missing")) {
        throw new KeyNotFoundException("no row");
      }
      return ("value-of-" + key).getBytes(StandardCharsets.UTF_8);
    });
  }

  private PrometheusText scrapeA() {
    return PrometheusText.parse(registryA.scrape());
  }

  @Test
  void countersStoresAndHistogramsFollowTheTraffic() {
    HashRing ring = HashRing.of(PEERS);
    int mine = 0;
    for (int round = 0; round < 3; round++) {
      for (int k = 0; k < 20; k++) {
        ga.get("key" + k);
      }
    }
    for (int k = 0; k < 20; k++) {
      mine += ring.owner("key" + k).equals("mem://a") ? 1 : 0;
    }
    int theirs = 20 - mine;
    assertThat(mine).isPositive();
    assertThat(theirs).isPositive();
    assertThatThrownBy(() -> ga.get(ownedBy(ring, "mem://a", "missing"))).isInstanceOf(KeyNotFoundException.class);

    PrometheusText m = scrapeA();
    String[] g = {"group", "scores"};
    assertThat(m.type("groupcache_gets_total")).isEqualTo("counter");
    assertThat(m.value("groupcache_gets_total", g)).isEqualTo(61);
    assertThat(m.value("groupcache_loads_total", g)).isEqualTo(61 - m.value("groupcache_cache_hits_total", g));
    assertThat(m.value("groupcache_local_loads_total", g)).isEqualTo(mine);
    assertThat(m.value("groupcache_local_load_errors_total", g)).isEqualTo(1);
    // Values owned by b are fetched until the hot store keeps them (2nd fetch), then hit.
    assertThat(m.value("groupcache_peer_loads_total", g)).isEqualTo(2 * theirs);
    assertThat(m.value("groupcache_peer_errors_total", g)).isZero();
    assertThat(m.value("groupcache_loads_deduped_total", g)).isEqualTo(mine + 1 + 2 * theirs);
    assertThat(m.value("groupcache_server_requests_total", g)).isZero();
    assertThat(m.value("groupcache_cache_items", "group", "scores", "cache", "main")).isEqualTo(mine);
    assertThat(m.value("groupcache_cache_items", "group", "scores", "cache", "hot")).isEqualTo(theirs);
    assertThat(m.value("groupcache_cache_bytes", "group", "scores", "cache", "main")).isEqualTo(
        a.group("scores").orElseThrow().stats().mainStore().bytes()).isPositive();
    assertThat(m.value("groupcache_cache_payload_bytes", "group", "scores", "cache", "main")).isEqualTo(
        a.group("scores").orElseThrow().stats().mainStore().payloadBytes()).isPositive();
    assertThat(m.value("groupcache_cache_evictions_total", "group", "scores", "cache", "hot")).isZero();
    assertThat(m.value("groupcache_cache_budget_bytes", g)).isEqualTo(1 << 20);

    assertThat(m.type("groupcache_load_seconds")).isEqualTo("histogram");
    assertThat(m.value("groupcache_load_seconds_count", g)).isEqualTo(mine + 1);
    assertHistogram(m, "groupcache_load_seconds", g);
    assertThat(m.value("groupcache_load_outcomes_total", "group", "scores", "outcome", "ok")).isEqualTo(mine);
    assertThat(m.value("groupcache_load_outcomes_total", "group", "scores", "outcome", "not_found")).isEqualTo(1);
    String[] peerB = {"peer", "mem://b"};
    assertThat(m.type("groupcache_peer_fetch_seconds")).isEqualTo("histogram");
    assertThat(m.value("groupcache_peer_fetch_seconds_count", peerB)).isEqualTo(2 * theirs);
    assertHistogram(m, "groupcache_peer_fetch_seconds", peerB);
    assertThat(m.value("groupcache_peer_up", peerB)).isEqualTo(1);
    assertThat(m.find("groupcache_peer_up", "peer", "mem://a")).as("no gauge for self").isEmpty();

    // b answered a's fetches: its server_requests count them.
    PrometheusText mb = PrometheusText.parse(registryB.scrape());
    assertThat(mb.value("groupcache_server_requests_total", g)).isEqualTo(2 * theirs);
    assertThat(mb.value("groupcache_local_loads_total", g)).isEqualTo(theirs);
  }

  @Test
  void removesAndSetsAreCounted() {
    String key = ownedBy(HashRing.of(PEERS), "mem://a", "w");
    ga.get(key);
    ga.set(key, org.groupcache4j.ByteView.of("new"));
    ga.remove(key);
    PrometheusText m = scrapeA();
    assertThat(m.value("groupcache_sets_total", "group", "scores")).isEqualTo(1);
    assertThat(m.value("groupcache_removes_total", "group", "scores")).isGreaterThanOrEqualTo(1);
    assertThat(m.value("groupcache_stale_hits_total", "group", "scores")).isZero();
    assertThat(m.value("groupcache_not_found_hits_total", "group", "scores")).isZero();
    assertThat(m.value("groupcache_expirations_total", "group", "scores")).isZero();
  }

  @Test
  void expirationsAreCounted() {
    ManualClock clock = new ManualClock();
    try (GroupCache solo = GroupCache.builder().self("mem://solo").clock(clock).transport(network.transport()).build()) {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      new GroupCacheMetrics(solo).bindTo(registry);
      Group g = solo.groupBuilder("ttl").expireAfterWrite(Duration.ofSeconds(5))
          .loader(key -> key.getBytes(StandardCharsets.UTF_8)).build();
      g.get("k");
      g.get("k");
      assertThat(PrometheusText.parse(registry.scrape()).value("groupcache_expirations_total", "group", "ttl")).isZero();
      clock.advance(Duration.ofSeconds(5));
      g.get("k");
      g.get("k");
      PrometheusText m = PrometheusText.parse(registry.scrape());
      assertThat(m.type("groupcache_expirations_total")).isEqualTo("counter");
      assertThat(m.value("groupcache_expirations_total", "group", "ttl")).isEqualTo(1);
      assertThat(m.value("groupcache_loads_total", "group", "ttl")).isEqualTo(2);
    }
  }

  @Test
  void peerUpFollowsThePeersHealthAndMembership() {
    HashRing ring = HashRing.of(PEERS);
    // b answered a probe first: a peer that never did may refuse connections for a while (nodes start together)
    ClusterFormation.awaitFormed(List.of(a, b), Duration.ofSeconds(30));
    network.disconnect("mem://b");
    ga.get(ownedBy(ring, "mem://b", "x")); // loaded locally after the failed fetch, which has b probed
    await("b judged down").atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(scrapeA().value("groupcache_peer_up", "peer", "mem://b")).isZero());
    assertThat(scrapeA().value("groupcache_peer_errors_total", "group", "scores")).isEqualTo(1);

    network.reconnect("mem://b");
    await("b up again").atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(scrapeA().value("groupcache_peer_up", "peer", "mem://b")).isEqualTo(1));

    a.setPeers("mem://a", "mem://c");
    PrometheusText m = scrapeA();
    assertThat(m.find("groupcache_peer_up", "peer", "mem://b")).isEmpty();
    assertThat(m.find("groupcache_peer_up", "peer", "mem://c")).hasSize(1);
  }

  @Test
  void aPeerThatJoinsHasItsFetchTimerBeforeAnyFetchToIt() {
    // made on the thread that changes the ring, not by the first fetch on an event loop
    assertThat(registryA.find("groupcache.peer.fetch").tag("peer", "mem://c").timer()).isNull();
    a.setPeers("mem://a", "mem://b", "mem://c");
    io.micrometer.core.instrument.Timer c = registryA.find("groupcache.peer.fetch").tag("peer", "mem://c").timer();
    assertThat(c).isNotNull();
    assertThat(c.count()).isZero();
    assertThat(registryA.find("groupcache.peer.fetch").tag("peer", "mem://a").timer()).as("none for self").isNull();
  }

  @Test
  void eachPeerUpGaugeShowsTheCachesOwnStateOfItsPeer() {
    List<String> urls = IntStream.range(0, 40).mapToObj(i -> "mem://n" + i).toList();
    List<GroupCache> caches = new ArrayList<>();
    try {
      for (String u : urls) {
        caches.add(GroupCache.builder().self(u).transport(network.transport())
            .peerProbeTimeout(Duration.ofMillis(300)).build());
      }
      GroupCache first = caches.get(0);
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      new GroupCacheMetrics(first).bindTo(registry);
      first.setPeers(urls);
      assertThat(PrometheusText.parse(registry.scrape()).find("groupcache_peer_up")).hasSize(39)
          .allSatisfy(s -> assertThat(s.value()).isEqualTo(1));

      network.freeze("mem://n7"); // its probes go unanswered
      await("n7 judged down").atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(PrometheusText.parse(registry.scrape()).value("groupcache_peer_up", "peer", "mem://n7")).isZero());
      assertThat(first.peerState("mem://n7")).get().extracting(PeerState::isUp).isEqualTo(false);
      for (PrometheusText.Sample s : PrometheusText.parse(registry.scrape()).find("groupcache_peer_up")) {
        String peer = s.labels().get("peer");
        assertThat(s.value()).as(peer).isEqualTo(first.peerState(peer).orElseThrow().isUp() ? 1 : 0);
      }
    } finally {
      network.thaw("mem://n7");
      caches.forEach(GroupCache::close);
    }
  }

  @Test
  void withProbesOffNothingJudgesAPeerSoItsGaugeStaysOneAndItsFailedFetchesAreCounted() {
    try (GroupCache solo = GroupCache.builder().self("mem://a2").peerProbeInterval(Duration.ZERO)
        .transport(network.transport()).build()) {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      new GroupCacheMetrics(solo).bindTo(registry);
      Group g = group(solo);
      List<String> peers = List.of("mem://a2", "mem://gone");
      solo.setPeers(peers);
      g.get(ownedBy(HashRing.of(peers), "mem://gone", "x")); // no node there: loaded here
      PrometheusText m = PrometheusText.parse(registry.scrape());
      assertThat(m.value("groupcache_peer_errors_total", "group", "scores")).isEqualTo(1);
      assertThat(m.value("groupcache_peer_up", "peer", "mem://gone")).isEqualTo(1);
      assertThat(solo.ownerOf(ownedBy(HashRing.of(peers), "mem://gone", "x"))).as("it still owns its keys").isEqualTo("mem://gone");
    }
  }

  @Test
  void aGroupCreatedAfterBindingGetsItsMetersWithItsFirstLoad() {
    Group late = a.newGroup("late", 1 << 20, key -> new byte[10]);
    String key = ownedBy(HashRing.of(PEERS), "mem://a", "k");
    late.get(key);
    late.get(key);
    PrometheusText m = scrapeA();
    assertThat(m.value("groupcache_gets_total", "group", "late")).isEqualTo(2);
    assertThat(m.value("groupcache_cache_hits_total", "group", "late")).isEqualTo(1);
    assertThat(m.value("groupcache_load_seconds_count", "group", "late")).isEqualTo(1);
  }

  @Test
  void theParserRefusesWhatIsNotTheFormat() {
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE x counter\nx{a=\"1\" 2\n"))
        .hasMessageContaining("line 2");
    assertThatThrownBy(() -> PrometheusText.parse("y 1\n")).hasMessageContaining("without # TYPE");
  }

  /** Buckets never decrease, and the +Inf bucket equals the count. */
  private static void assertHistogram(PrometheusText m, String name, String... labels) {
    List<PrometheusText.Sample> buckets = m.find(name + "_bucket", labels);
    assertThat(buckets).hasSizeGreaterThan(10);
    double last = 0;
    for (PrometheusText.Sample s : buckets) {
      assertThat(s.value()).as("bucket le=%s", s.labels().get("le")).isGreaterThanOrEqualTo(last);
      last = s.value();
    }
    assertThat(buckets.get(buckets.size() - 1).labels().get("le")).isEqualTo("+Inf");
    assertThat(last).isEqualTo(m.value(name + "_count", labels));
    assertThat(m.value(name + "_sum", labels)).isPositive();
  }

  private static String ownedBy(HashRing ring, String owner, String prefix) {
    for (int i = 0; ; i++) {
      if (ring.owner(prefix + i).equals(owner)) {
        return prefix + i;
      }
    }
  }
}
