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
import java.util.function.Consumer;
import org.groupcache4j.GroupCache;
import org.groupcache4j.peer.PeerState;
import org.groupcache4j.ring.RingMode;
import org.groupcache4j.testing.ClusterFormation;
import org.groupcache4j.testing.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mixed cluster: two real golang/groupcache nodes (the project's anchor {@code node.go}, built
 * from Debian's packages) and one of ours, with one peer list. Every key, asked at every node, is
 * loaded exactly once in the whole cluster, by the owner the ring names, with equal values.
 *
 * <p>Skipped when {@code go} is not installed, unless {@code GROUPCACHE4J_REQUIRE_GO=1}. A subclass
 * runs the same cluster with other peer URLs and flags ({@link TlsGoInteropTest}: https and mutual TLS).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GoInteropTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  Path dir; // the class's temporary directory

  private GoNodes go;
  private final List<String> apis = new ArrayList<>();
  private final List<String> goUrls = new ArrayList<>();
  private TestNode ours;
  private List<String> peers;

  /** The scheme of every peer URL. */
  String scheme() {
    return "http";
  }

  /** Our node, on a free port, named {@code scheme()://127.0.0.1:port}. */
  TestNode startOurs() throws Exception {
    return TestNode.start();
  }

  /** A node of ours as {@link #startOurs()} makes one (scheme, TLS), with options of its cache. */
  TestNode startOurs(Consumer<GroupCache.Builder> cacheOptions) throws Exception {
    return TestNode.start(b -> {}, cacheOptions, TestNode::goValue, (n, loader) -> n.cache.newGroup(TestNode.GROUP,
        1 << 20, loader));
  }

  /** Flags of Go node {@code i} beyond its address, peers, API and group. */
  List<String> goFlags(int i) throws Exception {
    return List.of();
  }

  @BeforeAll
  void startCluster(@TempDir Path tmp) throws Exception {
    dir = tmp;
    go = GoNodes.build(dir);

    // Go nodes first in the list, then ours; every node gets this same list.
    int[] goPorts = FreePorts.ports(2);
    // Our node picks its port as it starts; the Go nodes need the full list, so start ours first.
    ours = startOurs();
    for (int port : goPorts) {
      goUrls.add(scheme() + "://127.0.0.1:" + port);
    }
    peers = List.of(goUrls.get(0), goUrls.get(1), ours.url);
    for (int i = 0; i < 2; i++) {
      String api = "127.0.0.1:" + FreePorts.port();
      apis.add(api);
      List<String> args = new ArrayList<>(List.of("-addr", goUrls.get(i), "-peers", String.join(",", peers), "-api", api,
          "-group", TestNode.GROUP));
      args.addAll(goFlags(i));
      go.start(args.toArray(new String[0]));
    }
    for (String api : apis) {
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> get("http://" + api + "/stats").statusCode() == 200);
    }
    // Our node is told its peers once the Go nodes listen (probed earlier, a slow Go start could
    // get them judged down), and has heard from both (its probes answered, again) before a key is asked.
    ours.cache.setPeers(peers);
    ClusterFormation.awaitFormed(List.of(ours.cache), TestNodes.FORMED_WITHIN);
  }

  @AfterAll
  void stopCluster() {
    if (go != null) {
      go.close();
    }
    if (ours != null) {
      ours.close();
    }
  }

  @Test
  void everyKeyIsLoadedOnceByItsOwnerWhicheverNodeIsAsked() throws Exception {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 240; i++) {
      keys.add("key" + i);
    }
    // Escaping cases that golang/groupcache's client and ours must agree on (no space: Go's own
    // client turns ' ' into '+', see RESULTS.md).
    keys.addAll(List.of("Tom", "Jack", "Sam", "a+b", "a/b/c", "100%", "%41", "ключ", "日本語キー", "é~._-",
        "q?x=1&y=2", "hash#frag", "semi;colon", "quote\"s", "emoji-\uD83D\uDE00", "tab\tkey"));
    Map<String, String> ownerOf = new LinkedHashMap<>();
    for (String k : keys) {
      ownerOf.put(k, ours.cache.ownerOf(k));
    }
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < keys.size(); i++) {
        String k = keys.get(i);
        // Alternate who is asked first, so that each node is sometimes the first to miss.
        int first = (i + round) % 3;
        for (int j = 0; j < 3; j++) {
          int who = (first + j) % 3;
          byte[] value = who == 2 ? ours.group.get(k).toByteArray() : apiGet(apis.get(who), k);
          assertThat(new String(value, StandardCharsets.UTF_8))
              .as("value of key '%s' asked at %s", k, who == 2 ? ours.url : goUrls.get(who))
              .isEqualTo(new String(TestNode.goValue(k), StandardCharsets.UTF_8));
        }
      }
    }
    // Keys with spaces, asked at our node only: our client sends %20, which Go decodes to ' '.
    // The empty key too: the Go node's /api refuses it, but its peer endpoint serves it.
    List<String> spaced = List.of("a b", "two  spaces", " lead", "trail ", "");
    for (String k : spaced) {
      ownerOf.put(k, ours.cache.ownerOf(k));
      assertThat(ours.group.get(k).toByteArray()).isEqualTo(TestNode.goValue(k));
    }

    // Exactly once, by the owner: ours per key; the Go nodes by count.
    Map<String, Integer> expectedLoads = new LinkedHashMap<>();
    for (String url : peers) {
      expectedLoads.put(url, 0);
    }
    ownerOf.values().forEach(o -> expectedLoads.merge(o, 1, Integer::sum));
    for (Map.Entry<String, String> e : ownerOf.entrySet()) {
      assertThat(ours.loadsOf(e.getKey()))
          .as("loads of key '%s' at our node (owner %s)", e.getKey(), e.getValue())
          .isEqualTo(e.getValue().equals(ours.url) ? 1 : 0);
    }
    for (int i = 0; i < 2; i++) {
      String stats = get("http://" + apis.get(i) + "/stats").body();
      Map<String, Object> doc = JSON.std.mapFrom(stats);
      assertThat(number(doc, "loads")).as("loads at Go node %s: %s", goUrls.get(i), stats)
          .isEqualTo(expectedLoads.get(goUrls.get(i)).longValue());
      assertThat(number((Map<?, ?>) doc.get("stats"), "PeerErrors")).as("peer errors at Go node %s: %s", goUrls.get(i),
          stats).isZero();
    }
    assertThat(ours.loads.get()).isEqualTo(expectedLoads.get(ours.url));
    assertThat(ours.group.stats().peerErrors()).isZero();
    assertThat(expectedLoads.values()).allSatisfy(n -> assertThat(n).isPositive());
  }

  /**
   * golang/groupcache answers any method as a GET, so a DELETE sent to it would load the key. Our
   * client learns from a Go node's answers (no {@code x-groupcache4j-node} header) that it does not
   * take writes and never sends it one: a remove names the Go nodes as not told, and loads nothing
   * there; a remove of a key a Go node owns fails naming that owner.
   */
  @Test
  void aRemoveIsNeverSentToAGolangGroupcacheNodeAndNamesIt() throws Exception {
    String ownKey = null;
    String goKey = null;
    for (int i = 0; ownKey == null || goKey == null; i++) {
      String k = "remove-" + i;
      if (ours.cache.ownerOf(k).equals(ours.url)) {
        ownKey = ownKey == null ? k : ownKey;
      } else if (goKey == null) {
        goKey = k;
      }
    }
    long goLoadsBefore = goLoads();
    org.groupcache4j.WriteResult r = ours.group.remove(ownKey);
    assertThat(r.told()).isEmpty();
    assertThat(r.notTold()).containsOnlyKeys(goUrls.get(0), goUrls.get(1));
    assertThat(r.notTold().values()).allSatisfy(why -> assertThat(why).contains("does not take writes"));
    String goOwner = ours.cache.ownerOf(goKey);
    String key = goKey;
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ours.group.remove(key))
        .isInstanceOfSatisfying(org.groupcache4j.WriteException.class, e -> {
          assertThat(e.owner()).isEqualTo(goOwner);
          assertThat(e.result().notTold()).containsOnlyKeys(goUrls.get(0), goUrls.get(1));
        });
    assertThat(goLoads()).as("loads at the Go nodes").isEqualTo(goLoadsBefore);
  }

  /**
   * A balanced ring has no room for golang/groupcache nodes: a node of ours in that mode, given
   * them as peers, judges them down at their first answers, saying why, owns every key itself and
   * asks them nothing.
   */
  @Test
  void aBalancedRingLeavesOutGolangGroupcacheNodesAndSaysWhy() throws Exception {
    try (TestNode balanced = startOurs(c -> c.ringMode(RingMode.BALANCED)
        .peerProbeInterval(Duration.ofMillis(50)))) {
      balanced.cache.setPeers(goUrls.get(0), goUrls.get(1), balanced.url);
      // judged down, and then (the listener runs after the state is set) out of the ring
      await().atMost(Duration.ofSeconds(10)).until(() -> balanced.cache.peerStates().size() == 2
          && balanced.cache.peerStates().stream().noneMatch(PeerState::isUp)
          && balanced.cache.ownerOf("balanced-0").equals(balanced.url) && balanced.cache.ownerOf("balanced-1")
          .equals(balanced.url) && balanced.cache.ownerOf("balanced-2").equals(balanced.url));
      assertThat(balanced.cache.peerStates()).allSatisfy(p -> assertThat(p.reason())
          .contains("is not a groupcache4j node").contains("balanced"));
      long goLoadsBefore = goLoads();
      for (int i = 0; i < 20; i++) {
        String k = "balanced-" + i;
        assertThat(balanced.cache.ownerOf(k)).isEqualTo(balanced.url);
        assertThat(balanced.group.get(k).toByteArray()).isEqualTo(TestNode.goValue(k));
      }
      assertThat(balanced.loads.get()).isEqualTo(20);
      assertThat(goLoads()).as("loads at the Go nodes").isEqualTo(goLoadsBefore);
    }
  }

  private long goLoads() throws IOException, InterruptedException {
    long n = 0;
    for (String api : apis) {
      n += number(JSON.std.mapFrom(get("http://" + api + "/stats").body()), "loads");
    }
    return n;
  }

  private static byte[] apiGet(String api, String key) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://" + api + "/api?key=" + URLEncoder.encode(key, StandardCharsets.UTF_8)))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as("Go node %s asked for key '%s': %s", api, key,
        new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    return r.body();
  }

  private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static long number(Map<?, ?> json, String field) {
    assertThat(json).as("a JSON object with a number %s", field).isNotNull();
    assertThat(json.get(field)).as("number %s in %s", field, json).isInstanceOf(Number.class);
    return ((Number) json.get(field)).longValue();
  }
}
