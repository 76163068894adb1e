package org.groupcache4j.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.groupcache4j.ByteView;
import org.groupcache4j.WriteResult;
import org.groupcache4j.http.internal.protocol.PeerMessages;
import org.groupcache4j.ring.HashRing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Writes between our nodes over real sockets: remove, set and batch remove reach every node and
 * leave no old copy; expiry travels in {@code GetResponse.expire}; the peer endpoint answers
 * writes 200 / 400 / 404 / 405 and marks every answer as one of our nodes'.
 */
class PeerWritesTest {
  @RegisterExtension final TestNodes testNodes = new TestNodes();
  private final List<TestNode> nodes = testNodes.all;

  private List<TestNode> cluster(int n) {
    return testNodes.start(n, () -> TestNode.start(b -> {}, TestNode::goValue, (node, loader) -> node.cache
        .groupBuilder(TestNode.GROUP).hotStoreAdmitAfter(1).expireAfterWrite(Duration.ofHours(1)).loader(loader).build()));
  }

  private static String keyOwnedBy(List<TestNode> nodes, TestNode owner) {
    HashRing ring = HashRing.of(nodes.stream().map(t -> t.url).toList());
    for (int i = 0; ; i++) {
      if (ring.owner("k" + i).equals(owner.url)) {
        return "k" + i;
      }
    }
  }

  @Test
  void removeAndSetReachEveryNodeOverHttp() {
    List<TestNode> c = cluster(3);
    String key = keyOwnedBy(c, c.get(0));
    for (TestNode n : c) {
      n.group.get(key);
    }
    assertThat(c.get(1).group.stats().hotStore().items()).isEqualTo(1);
    WriteResult r = c.get(2).group.remove(key);
    assertThat(r.told()).containsExactlyInAnyOrder(c.get(0).url, c.get(1).url);
    assertThat(r.notTold()).isEmpty();
    assertThat(c.get(1).group.stats().hotStore().items()).as("b's hot copy dropped").isZero();
    for (TestNode n : c) {
      n.group.get(key);
    }
    assertThat(c.get(0).loadsOf(key)).as("one reload at the owner").isEqualTo(2);

    r = c.get(1).group.set(key, ByteView.of("put"), Duration.ofMinutes(5));
    assertThat(r.allTold()).isTrue();
    for (TestNode n : c) {
      assertThat(n.group.get(key).toString()).as("at %s", n).isEqualTo("put");
    }
    assertThat(c.get(0).loadsOf(key)).isEqualTo(2);

    List<String> keys = List.of(keyOwnedBy(c, c.get(0)), keyOwnedBy(c, c.get(1)), keyOwnedBy(c, c.get(2)), "shared");
    keys.forEach(k -> c.forEach(n -> n.group.get(k)));
    long loadsBefore = c.stream().mapToLong(n -> n.loads.get()).sum();
    assertThat(c.get(1).group.removeAll(keys).allTold()).isTrue();
    keys.forEach(k -> c.forEach(n -> n.group.get(k)));
    assertThat(c.stream().mapToLong(n -> n.loads.get()).sum() - loadsBefore).as("one reload per key").isEqualTo(keys.size());
  }

  @Test
  void aCachedNotFoundTravelsToThePeersThatAsk() {
    testNodes.start(2, () -> TestNode.start(b -> {}, key -> {
      throw new org.groupcache4j.KeyNotFoundException("no row for " + key);
    }, (node, loader) -> node.cache.groupBuilder(TestNode.GROUP).hotStoreAdmitAfter(1)
        .notFoundTtl(Duration.ofMinutes(1)).loader(loader).build()));
    TestNode owner = nodes.get(0);
    TestNode asker = nodes.get(1);
    String key = keyOwnedBy(nodes, owner);
    for (int i = 0; i < 3; i++) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> asker.group.get(key))
          .isInstanceOf(org.groupcache4j.KeyNotFoundException.class).hasMessageContaining("no row for " + key);
    }
    assertThat(owner.loadsOf(key)).isEqualTo(1);
    assertThat(asker.group.stats().peerLoads()).as("the owner was asked once").isEqualTo(1);
    assertThat(asker.group.stats().notFoundHits()).as("then the asker answered from its copy").isEqualTo(2);
  }

  @Test
  void theOwnersExpiryTravelsInGetResponseField3() throws Exception {
    List<TestNode> c = cluster(1);
    c.get(0).group.set("Tom", ByteView.of("630"), Duration.ofMinutes(10));
    RawHttp.Answer a = RawHttp.get(c.get(0).port(), "/_groupcache/scores/Tom");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.header("x-groupcache4j-node")).isEqualTo("writes");
    byte[] b = a.body();
    // 0a 03 "630" then 18 (field 3, varint) and the expiry in Unix nanoseconds
    assertThat(HexFormat.of().formatHex(b, 0, 6)).isEqualTo("0a0336333018");
    long expire = PeerMessages.decodeGetResponse(Unpooled.wrappedBuffer(b)).expireUnixNanos();
    long inTenMinutes = (System.currentTimeMillis() + 600_000) * 1_000_000;
    assertThat(expire).isBetween(inTenMinutes - 60_000_000_000L, inTenMinutes + 1_000_000L);
  }

  @Test
  void thePeerEndpointAnswersWrites() throws Exception {
    TestNode n = cluster(1).get(0);
    n.group.get("Tom");
    byte[] set = PeerMessages.encodeSetRequest("scores", "Tom", ByteView.of("631"), 0);
    try (RawHttp h = new RawHttp(n.port())) {
      h.send(("PUT /_groupcache/scores/Tom HTTP/1.1\r\nhost: x\r\ncontent-length: " + set.length + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII)).send(set);
      RawHttp.Answer a = h.read();
      assertThat(a.status()).as(a.text()).isEqualTo(200);
      assertThat(a.header("x-groupcache4j-node")).isEqualTo("writes");
    }
    assertThat(n.group.get("Tom").toString()).isEqualTo("631");
    assertThat(status(n, "DELETE /_groupcache/scores/Tom", "")).isEqualTo(200);
    assertThat(n.group.get("Tom").toByteArray()).isEqualTo(TestNode.goValue("Tom"));
    String json = "{\"group\":\"scores\",\"keys\":[\"Tom\",\"Jack\"]}";
    assertThat(status(n, "POST /_groupcache/scores/_remove-keys/", json)).isEqualTo(200);
    assertThat(n.group.stats().removes()).isEqualTo(3);
    assertThat(status(n, "DELETE /_groupcache/nosuch/Tom", "")).isEqualTo(404);
    assertThat(status(n, "PUT /_groupcache/scores/Tom", "not a SetRequest")).isEqualTo(400);
    assertThat(status(n, "POST /_groupcache/scores/_remove-keys/", "[1,2]")).isEqualTo(400);
    assertThat(status(n, "POST /_groupcache/scores/Tom", "{}")).isEqualTo(405);
    assertThat(status(n, "PATCH /_groupcache/scores/Tom", "")).isEqualTo(405);
  }

  private static int status(TestNode n, String requestLine, String body) throws Exception {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    try (RawHttp h = new RawHttp(n.port())) {
      h.send((requestLine + " HTTP/1.1\r\nhost: x\r\ncontent-length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8))
          .send(b);
      return h.read().status();
    }
  }
}
