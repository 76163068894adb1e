package org.groupcache4j.server.internal.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.groupcache4j.GroupStats;
import org.groupcache4j.StoreStats;
import org.groupcache4j.server.internal.origin.OriginLoader;
import org.junit.jupiter.api.Test;

class StatsJsonTest {
  private static final GroupStats STATS = new GroupStats(1, 2, 3, 4, 5, 6, 7, 8, 9, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, new StoreStats(10, 11, 12, 13, 14, 9),
      new StoreStats(15, 16, 17, 18, 19));

  @Test
  void everyCounterOfEveryGroupOnceAndTheNodesViewOfThePeers() {
    String json = StatsJson.render("http://a:1", "i-1", List.of("http://a:1", "http://b:2"), 50, "/_groupcache/", 1234,
        1 << 30, null, List.of(new StatsJson.GroupView("scores", 64, STATS, "dir:/x \"quoted\"\n",
            new OriginLoader.Counts(20, 21, 22, 23, 24, 1, 25_000_000))));
    assertThat(json).isEqualTo("{\"self\":\"http://a:1\",\"instance\":\"i-1\",\"peers\":[\"http://a:1\",\"http://b:2\"],"
        + "\"replicas\":50,\"basePath\":\"/_groupcache/\",\"uptimeMillis\":1234,\"maxHeapBytes\":1073741824,\"groups\":{\"scores\":{"
        + "\"cacheBytes\":64,\"gets\":1,\"cacheHits\":2,\"peerLoads\":3,\"peerErrors\":4,\"loads\":5,\"loadsDeduped\":6,"
        + "\"localLoads\":7,\"localLoadErrors\":8,\"serverRequests\":9,"
        + "\"notFoundHits\":26,\"staleHits\":27,\"removes\":28,\"sets\":29,\"expirations\":30,"
        + "\"foundAtPreviousOwner\":31,\"notFoundAtPreviousOwner\":32,\"coarseDrops\":33,\"writeWaits\":34,\"writeWaitTimeouts\":35,"
        + "\"origin\":{\"spec\":\"dir:/x \\\"quoted\\\"\\n\",\"loads\":20,\"ok\":21,\"notFound\":22,\"timeouts\":23,"
        + "\"errors\":24,\"outOfMemory\":1,\"millis\":25},"
        + "\"mainStore\":{\"bytes\":10,\"payloadBytes\":9,\"items\":11,\"gets\":12,\"hits\":13,\"evictions\":14},"
        + "\"hotStore\":{\"bytes\":15,\"payloadBytes\":15,\"items\":16,\"gets\":17,\"hits\":18,\"evictions\":19}}}}\n");
    assertThat(json).doesNotContain("originLoads");
  }

  @Test
  void whatItWritesReadsBackAndOriginLoadsAddUpOverGroups() throws IOException {
    String name = "a\\b\"c\u0001\t\u2028ü";
    String json = StatsJson.render("http://a:1", "i-1", List.of(), 50, "/_groupcache/", 1, 1 << 30, null,
        List.of(new StatsJson.GroupView(name, 64, STATS, "synthetic:1", new OriginLoader.Counts(20, 20, 0, 0, 0, 0, 0)),
            new StatsJson.GroupView("other", 64, STATS, "synthetic:1", new OriginLoader.Counts(3, 3, 0, 0, 0, 0, 0))));
    Map<String, Object> doc = StatsJson.parse(json);
    assertThat(StatsJson.object(doc, "groups")).containsKeys(name, "other");
    assertThat(StatsJson.originLoads(doc)).isEqualTo(23);
    assertThatThrownBy(() -> StatsJson.parse("{\"self\":")).isInstanceOf(IOException.class)
        .hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> StatsJson.originLoads(Map.of("self", "x"))).hasMessageContaining("no object 'groups'");
  }

  @Test
  void ringShowsTheModeTheFingerprintAndTheMismatches() throws IOException {
    StatsJson.MembershipView mv = new StatsJson.MembershipView(
        new org.groupcache4j.server.internal.Readiness.Snapshot(org.groupcache4j.server.internal.Readiness.State.READY,
            java.time.Instant.EPOCH, "serving"), List.of(), null,
        new StatsJson.RingView("mailgun", "0f385da6", 3, "http://b:2"));
    String json = StatsJson.render("http://a:1", "i-1", List.of("http://a:1", "http://b:2"), 50, "/_groupcache/", 1,
        1 << 30, mv, List.of());
    assertThat(json).contains("\"ring\":{\"mode\":\"mailgun\",\"fingerprint\":\"0f385da6\",\"mismatches\":3,\"lastMismatchPeer\":\"http://b:2\"}");
  }
}
