package org.groupcache4j.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.groupcache4j.ByteView;
import org.groupcache4j.WriteResult;
import org.groupcache4j.ring.HashRing;
import org.groupcache4j.ring.RingMode;
import org.groupcache4j.testing.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mixed cluster of two real nodes of another groupcache lineage (the interop anchor's
 * {@code node.go}: mailgun/groupcache v2 or groupcache-go v3) and two of ours in that lineage's ring
 * mode, with one peer list. Every key, asked at every node, is loaded once in the whole cluster, by
 * the owner both rings name, with the same value everywhere; writes cross both ways, each in the
 * form its receiver understands, and leave every node serving what the lineage's promises say.
 *
 * <p>Skipped when {@code go} or the anchor is missing, unless {@code GROUPCACHE4J_REQUIRE_GO=1}
 * ({@link LineageNodes}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LineageInteropTest {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  /** Our nodes' hot store max age: what a copy a write missed lives at most. */
  static final Duration HOT_MAX_AGE = Duration.ofSeconds(2);

  private GoNodes go;
  final List<String> goUrls = new ArrayList<>();
  final List<String> goApis = new ArrayList<>();
  final List<TestNode> ours = new ArrayList<>();
  List<String> peers;
  HashRing ring;

  /** The anchor's folder name under shared/anchors. */
  abstract String anchor();

  abstract RingMode mode();

  /** Whether a Set at one of their nodes reaches every peer (groupcache-go), or the owner alone (mailgun). */
  abstract boolean theirSetReachesEveryPeer();

  @BeforeAll
  void startCluster(@TempDir Path dir) throws Exception {
    go = LineageNodes.build(anchor(), dir);
    for (int i = 0; i < 2; i++) {
      ours.add(TestNode.start(b -> {}, c -> c.ringMode(mode()), TestNode::goValue, (n, loader) -> {
        n.cache.groupBuilder("other").cacheBytes(1 << 20).loader(loader).build(); // a group their nodes lack
        return n.cache.groupBuilder(TestNode.GROUP).cacheBytes(64 << 20).hotStoreMaxAge(HOT_MAX_AGE).loader(loader)
            .build();
      }));
    }
    for (int i = 0; i < 2; i++) {
      goUrls.add("http://127.0.0.1:" + FreePorts.port());
    }
    peers = List.of(goUrls.get(0), ours.get(0).url, goUrls.get(1), ours.get(1).url);
    ring = HashRing.of(mode(), peers);
    for (int i = 0; i < 2; i++) {
      String api = "127.0.0.1:" + FreePorts.port();
      goApis.add(api);
      go.start("-addr", goUrls.get(i), "-peers", String.join(",", peers), "-api", api, "-group", TestNode.GROUP);
    }
    for (String api : goApis) {
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> get("http://" + api + "/stats").statusCode() == 200);
    }
    for (TestNode n : ours) {
      n.cache.setPeers(peers);
    }
    for (TestNode n : ours) { // every peer has answered a probe before a key is asked
      await().atMost(Duration.ofSeconds(20)).until(() -> n.cache.peerStates().size() == 3
          && n.cache.peerStates().stream().allMatch(p -> p.reason().startsWith("answers probes")));
    }
  }

  @AfterAll
  void stopCluster() {
    if (go != null) {
      go.close();
    }
    ours.forEach(TestNode::close);
  }

  // ---- the nodes, alike: index 0, 1 their nodes, 2, 3 ours

  String url(int node) {
    return node < 2 ? goUrls.get(node) : ours.get(node - 2).url;
  }

  int nodeOf(String peerUrl) {
    for (int node = 0; node < 4; node++) {
      if (url(node).equals(peerUrl)) {
        return node;
      }
    }
    throw new IllegalArgumentException("no node " + peerUrl);
  }

  String value(int node, String key) throws Exception {
    if (node >= 2) {
      return ours.get(node - 2).group.get(key).toString(StandardCharsets.UTF_8);
    }
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + goApis.get(node) + "/api?key="
        + q(key))).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("%s asked for key '%s': %s", url(node), key, r.body()).isEqualTo(200);
    return r.body();
  }

  /** Loads (getter calls) at each node so far, in node order. */
  long[] loads() throws Exception {
    long[] n = new long[4];
    for (int i = 0; i < 2; i++) {
      n[i] = number(goStats(i), "loads");
    }
    n[2] = ours.get(0).loads.get();
    n[3] = ours.get(1).loads.get();
    return n;
  }

  Map<String, Object> goStats(int i) throws Exception {
    return JSON.std.mapFrom(get("http://" + goApis.get(i) + "/stats").body());
  }

  /** {@code count} keys that node {@code node} owns, none differing from another in its last byte alone (FNV-1). */
  List<String> keysOf(int node, String prefix, int count) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; keys.size() < count; i++) {
      String k = prefix + "-" + i + "-end";
      if (ring.owner(k).equals(url(node))) {
        keys.add(k);
      }
    }
    return keys;
  }

  /** Asks every node for {@code key} twice (the second fetch keeps a hot copy at ours), checking the value. */
  void warm(String key, String expected) throws Exception {
    for (int round = 0; round < 2; round++) {
      for (int node = 0; node < 4; node++) {
        assertThat(value(node, key)).as("key '%s' at %s", key, url(node)).isEqualTo(expected);
      }
    }
  }

  void assertEverywhere(String key, String expected) throws Exception {
    for (int node = 0; node < 4; node++) {
      assertThat(value(node, key)).as("key '%s' at %s", key, url(node)).isEqualTo(expected);
    }
  }

  static String goValue(String key) {
    return new String(TestNode.goValue(key), StandardCharsets.UTF_8);
  }

  HttpResponse<String> goWrite(int node, String method, String query, String body) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + goApis.get(node) + query))
        .method(method, HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("%s %s at %s: %s", method, query, url(node), r.body()).isEqualTo(200);
    return r;
  }

  static String q(String key) {
    return URLEncoder.encode(key, StandardCharsets.UTF_8);
  }

  static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static long number(Map<?, ?> json, String field) {
    assertThat(json).as("a JSON object with a number %s", field).isNotNull();
    assertThat(json.get(field)).as("number %s in %s", field, json).isInstanceOf(Number.class);
    return ((Number) json.get(field)).longValue();
  }

  // ---- the tests

  @Test
  void everyKeyIsLoadedOnceByTheOwnerBothRingsNameWithOneValueEverywhere() throws Exception {
    long[] before = loads();
    List<String> keys = new ArrayList<>();
    for (int node = 0; node < 4; node++) {
      keys.addAll(keysOf(node, "read" + node, 25));
    }
    keys.addAll(List.of("Tom", "Jack", "a+b", "x/y/z", "a b", "héllo", "ключ", "emoji-\uD83D\uDE00", "100%", "q?x=1&y=2"));
    Map<String, Integer> owner = new LinkedHashMap<>();
    for (String k : keys) {
      owner.put(k, nodeOf(ring.owner(k)));
      assertThat(ours.get(0).cache.ownerOf(k)).isEqualTo(ring.owner(k));
    }
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < keys.size(); i++) {
        String k = keys.get(i);
        int first = (i + round) % 4; // each node is sometimes the first to miss
        for (int j = 0; j < 4; j++) {
          int node = (first + j) % 4;
          assertThat(value(node, k)).as("key '%s' at %s", k, url(node)).isEqualTo(goValue(k));
        }
      }
    }
    long[] after = loads();
    for (int node = 0; node < 4; node++) {
      int n = node;
      long expected = owner.values().stream().filter(o -> o == n).count();
      assertThat(after[node] - before[node]).as("loads at %s (the owner of %s)", url(node),
          owner.entrySet().stream().filter(e -> e.getValue() == n).map(Map.Entry::getKey).collect(Collectors.toList()))
          .isEqualTo(expected);
    }
    for (int i = 0; i < 2; i++) {
      assertThat(number((Map<?, ?>) goStats(i).get("stats"), "PeerErrors")).as("peer errors at %s", url(i)).isZero();
    }
    for (TestNode n : ours) {
      assertThat(n.group.stats().peerErrors()).as("peer errors at %s", n.url).isZero();
      assertThat(n.cache.ringMismatches()).isZero();
    }
  }

  /** Our set: stored at their owner with a PUT, every other copy dropped; every node then serves it, nothing loaded. */
  @Test
  void ourSetOfAKeyTheirNodeOwnsIsServedEverywhere() throws Exception {
    String key = keysOf(0, "our-set", 1).get(0);
    warm(key, goValue(key));
    long[] before = loads();
    WriteResult r = ours.get(1).group.set(key, ByteView.of("set by ours"));
    assertThat(r.notTold()).isEmpty();
    assertThat(r.told()).containsExactlyInAnyOrder(url(0), url(1), url(2));
    assertEverywhere(key, "set by ours");
    assertThat(loads()).isEqualTo(before);
  }

  /**
   * Their set of a key our node owns: our owner stores it and every node serves it, nothing loaded.
   * groupcache-go's Set tells every peer itself; mailgun's tells the owner alone, and our owner then
   * tells every other peer (their nodes too) to drop its copy before it answers.
   */
  @Test
  void theirSetOfAKeyOurNodeOwnsIsServedEverywhere() throws Exception {
    String key = keysOf(2, "their-set", 1).get(0);
    warm(key, goValue(key));
    long[] before = loads();
    goWrite(1, "PUT", "/api?key=" + q(key), "set by theirs");
    assertEverywhere(key, "set by theirs");
    assertThat(loads()).isEqualTo(before);
    assertThat(ours.get(0).group.stats().sets()).isPositive();
  }

  /**
   * Their set of a key their other node owns: groupcache-go's reaches every node at once; mailgun's
   * reaches the owner alone, and our nodes' copies of the old value end within the hot store max age.
   */
  @Test
  void theirSetOfAKeyTheirOtherNodeOwnsReachesOurNodes() throws Exception {
    String key = keysOf(0, "their-own-set", 1).get(0);
    warm(key, goValue(key));
    long[] before = loads();
    goWrite(1, "PUT", "/api?key=" + q(key), "set at their node");
    assertThat(value(0, key)).isEqualTo("set at their node");
    if (theirSetReachesEveryPeer()) {
      assertEverywhere(key, "set at their node");
    } else {
      for (int node = 2; node < 4; node++) {
        int n = node;
        await().atMost(HOT_MAX_AGE.plusSeconds(8)).until(() -> value(n, key).equals("set at their node"));
      }
    }
    assertThat(loads()).isEqualTo(before);
  }

  /** Removes both ways: each dropped everywhere, then loaded again once, by its owner. */
  @Test
  void removesCrossBothWaysAndTheKeyIsLoadedAgainOnceByItsOwner() throws Exception {
    String theirKey = keysOf(0, "remove-theirs", 1).get(0);
    String ourKey = keysOf(3, "remove-ours", 1).get(0);
    warm(theirKey, goValue(theirKey));
    warm(ourKey, goValue(ourKey));

    long[] before = loads();
    WriteResult r = ours.get(0).group.remove(theirKey);
    assertThat(r.notTold()).isEmpty();
    goWrite(1, "DELETE", "/api?key=" + q(ourKey), "");
    assertEverywhere(theirKey, goValue(theirKey));
    assertEverywhere(ourKey, goValue(ourKey));
    long[] after = loads();
    assertThat(after[0] - before[0]).as("loads at their owner").isEqualTo(1);
    assertThat(after[3] - before[3]).as("loads at our owner").isEqualTo(1);
    assertThat(after[1] + after[2] - before[1] - before[2]).isZero();
  }

  /**
   * Our remove of many keys: each owner is sent its keys in the form it takes (groupcache-go the
   * {@code _remove-keys} POST, mailgun one DELETE per key, which would take the POST for a GET), and
   * every key is loaded again once, by its owner; nothing else is loaded anywhere.
   */
  @Test
  void ourRemoveOfManyKeysReachesEveryNodeInItsForm() throws Exception {
    List<String> keys = new ArrayList<>();
    for (int node = 0; node < 4; node++) {
      keys.addAll(keysOf(node, "remove-many" + node, 2));
    }
    for (String k : keys) {
      warm(k, goValue(k));
    }
    long[] before = loads();
    WriteResult r = ours.get(0).group.removeAll(keys);
    assertThat(r.notTold()).isEmpty();
    assertThat(r.told()).containsExactlyInAnyOrder(url(0), url(1), url(3));
    for (String k : keys) {
      assertEverywhere(k, goValue(k));
    }
    long[] after = loads();
    for (int node = 0; node < 4; node++) {
      assertThat(after[node] - before[node]).as("loads at %s", url(node)).isEqualTo(2);
    }
  }

  /** An expiry crosses both ways as Unix nanoseconds: in our SetRequest and GetResponse, in theirs. */
  @Test
  void expiryCrossesBothWays() throws Exception {
    String theirKey = keysOf(0, "expiring-theirs", 1).get(0);
    long expectedMillis = System.currentTimeMillis() + Duration.ofHours(1).toMillis();
    ours.get(0).group.set(theirKey, ByteView.of("for an hour"), Duration.ofHours(1));
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + goApis.get(1) + "/api?key="
        + q(theirKey))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.body()).isEqualTo("for an hour");
    long theirs = Long.parseLong(r.headers().firstValue("X-Groupcache-Expire").orElseThrow()) / 1_000_000;
    assertThat(theirs).isBetween(expectedMillis - 60_000, expectedMillis + 60_000);

    String ourKey = keysOf(2, "expiring-ours", 1).get(0);
    goWrite(1, "PUT", "/api?key=" + q(ourKey) + "&ttl=1h", "theirs for an hour");
    try (RawHttp h = new RawHttp(ours.get(0).port())) {
      RawHttp.Answer a = h.send("GET /_groupcache/scores/" + ourKey + " HTTP/1.1\r\nhost: x\r\n\r\n").read();
      assertThat(a.status()).isEqualTo(200);
      org.groupcache4j.peer.PeerValue v = org.groupcache4j.http.internal.protocol.PeerMessages.decodeGetResponse(
          io.netty.buffer.Unpooled.wrappedBuffer(a.body()));
      assertThat(v.value().toString(StandardCharsets.UTF_8)).isEqualTo("theirs for an hour");
      assertThat(v.expireUnixNanos() / 1_000_000).isBetween(expectedMillis - 60_000, expectedMillis + 60_000);
    }
  }
}
