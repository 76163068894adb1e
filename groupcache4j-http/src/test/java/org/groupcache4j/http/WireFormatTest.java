package org.groupcache4j.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.groupcache4j.ByteView;
import org.groupcache4j.http.internal.protocol.PeerMessages;
import org.groupcache4j.http.internal.protocol.pb.GroupcachePb.GetResponse;
import org.groupcache4j.internal.ByteViews;
import org.groupcache4j.peer.PeerValue;
import org.junit.jupiter.api.Test;

/** The bytes on the wire: equal to golang/groupcache's, and lenient where forks differ. */
class WireFormatTest {
  /**
   * {@code curl -s http://127.0.0.1:8001/_groupcache/scores/Tom | xxd} against golang/groupcache
   * (anchors/go-groupcache/RESULTS.md, section f): {@code GetResponse{value}}, 102 bytes.
   */
  static final byte[] GO_TOM = HexFormat.of().parseHex(
      "0a6476616c75652d6f662d546f6d2e2e"
          + "2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e"
          + "2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e"
          + "2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e"
          + "2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e"
          + "2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e"
          + "2e2e2e2e2e2e");

  @Test
  void ourAnswerForTomIsByteForByteGolangGroupcaches() throws Exception {
    assertThat(GO_TOM).hasSize(102);
    try (TestNode node = TestNode.start()) {
      RawHttp.Answer a = RawHttp.get(node.port(), "/_groupcache/scores/Tom");
      assertThat(a.status()).isEqualTo(200);
      assertThat(a.header("Content-Type")).isEqualTo("application/x-protobuf");
      assertThat(a.header("Content-Length")).isEqualTo("102");
      assertThat(a.body()).isEqualTo(GO_TOM);
    }
  }

  @Test
  void encoderMatchesGoAndTheGeneratedMessage() throws Exception {
    ByteBuf b = PeerMessages.encodeGetResponse(PooledByteBufAllocator.DEFAULT, ByteView.copyOf(TestNode.goValue("Tom")), 0);
    try {
      assertThat(ByteBufUtil.getBytes(b)).isEqualTo(GO_TOM);
    } finally {
      b.release();
    }
    assertThat(GetResponse.parseFrom(GO_TOM).getValue().toByteArray()).isEqualTo(TestNode.goValue("Tom"));
    ByteBuf heap = PeerMessages.encodeGetResponse(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, ByteView.empty(), 0);
    try {
      assertThat(ByteBufUtil.getBytes(heap)).isEqualTo(new byte[] {0x0a, 0x00});
    } finally {
      heap.release();
    }
  }

  /**
   * The GetResponse written by hand (the peer endpoint's answers) is the generated message's bytes
   * for every value and expiry, and reads back as what was written.
   */
  @Property(tries = 300)
  void theHandWrittenGetResponseIsTheGeneratedMessagesBytes(@ForAll @Size(max = 300) byte[] value, @ForAll long expire)
      throws Exception {
    GetResponse.Builder b = GetResponse.newBuilder().setValue(com.google.protobuf.ByteString.copyFrom(value));
    if (expire != 0) {
      b.setExpire(expire);
    }
    byte[] generated = b.build().toByteArray();
    ByteBuf ours = PeerMessages.encodeGetResponse(PooledByteBufAllocator.DEFAULT, ByteView.copyOf(value), expire);
    try {
      assertThat(ByteBufUtil.getBytes(ours)).isEqualTo(generated);
      assertThat(PeerMessages.getResponseSize(value.length, expire)).isEqualTo(generated.length);
      PeerValue back = PeerMessages.decodeGetResponse(ours);
      assertThat(back.value().toByteArray()).isEqualTo(value);
      assertThat(back.expireUnixNanos()).as("a negative expiry reads as none").isEqualTo(Math.max(0, expire));
    } finally {
      ours.release();
    }
  }

  /**
   * A value that is a range of a larger array (as the compact store hands out) is written as its
   * range alone, in the GetResponse of the peer endpoint and in the SetRequest of a write, and
   * reads back as that range.
   */
  @Property(tries = 200)
  void aValueThatIsARangeOfALargerArrayIsWrittenAsThatRange(@ForAll @Size(max = 300) byte[] value, @ForAll long expire,
      @ForAll @IntRange(max = 40) int before, @ForAll @IntRange(max = 40) int after) throws Exception {
    byte[] larger = new byte[before + value.length + after];
    java.util.Arrays.fill(larger, (byte) 0x5a);
    System.arraycopy(value, 0, larger, before, value.length);
    ByteView range = ByteViews.wrap(larger, before, value.length);
    ByteBuf ours = PeerMessages.encodeGetResponse(PooledByteBufAllocator.DEFAULT, range, expire);
    try {
      ByteBuf copy = PeerMessages.encodeGetResponse(PooledByteBufAllocator.DEFAULT, ByteView.copyOf(value), expire);
      try {
        assertThat(ByteBufUtil.getBytes(ours)).isEqualTo(ByteBufUtil.getBytes(copy));
      } finally {
        copy.release();
      }
      assertThat(PeerMessages.decodeGetResponse(ours).value().toByteArray()).isEqualTo(value);
    } finally {
      ours.release();
    }
    byte[] set = PeerMessages.encodeSetRequest("g", "k", range, expire);
    assertThat(set).isEqualTo(PeerMessages.encodeSetRequest("g", "k", ByteView.copyOf(value), expire));
    assertThat(PeerMessages.decodeSetRequest(Unpooled.wrappedBuffer(set)).value().toByteArray()).isEqualTo(value);
  }

  @Test
  void decoderSkipsFieldsItDoesNotKnow() throws Exception {
    // value = "abc", minute_qps = 1.5 (field 2, fixed64), expire = 1700000000 (field 3, varint,
    // as forks such as mailgun/groupcache send), and an unknown length-delimited field 9.
    GetResponse withQps = GetResponse.newBuilder()
        .setValue(com.google.protobuf.ByteString.copyFromUtf8("abc")).setMinuteQps(1.5).build();
    byte[] expire = {0x18, (byte) 0x80, (byte) 0xe2, (byte) 0xcf, (byte) 0xaa, 0x06};
    byte[] unknown = {0x4a, 0x02, 'z', 'z'};
    byte[] msg = concat(unknown, withQps.toByteArray(), expire);
    assertThat(PeerMessages.decodeGetResponse(Unpooled.wrappedBuffer(msg)).value().toString()).isEqualTo("abc");
    assertThat(PeerMessages.decodeGetResponse(Unpooled.EMPTY_BUFFER).value().length()).isZero(); // no value: empty
    assertThat(GetResponse.parseFrom(msg).getValue().toStringUtf8()).isEqualTo("abc");
  }

  @Test
  void aForkAnswerWithExpireIsUnderstoodByOurClient() {
    byte[] body = concat(new byte[] {0x0a, 0x03, 'x', 'y', 'z'}, new byte[] {0x18, 0x2a});
    try (FakePeer fork = new FakePeer((c, n, head) ->
            FakePeer.response(200, "OK", "application/x-protobuf", body));
        HttpPeerTransport t = HttpPeerTransport.builder().eventLoopThreads(1).build()) {
      assertThat(t.client(fork.url()).fetch("scores", "k").join().value().toString()).isEqualTo("xyz");
      assertThat(fork.requests.get(0)).startsWith("GET /_groupcache/scores/k HTTP/1.1\r\n");
    }
  }

  @Test
  void awkwardKeysTravelByteExactBetweenTwoOfOurNodes() {
    List<String> keys = List.of("a b", "a+b", "+", " ", "a/b", "/", "//", "a//b/", "%", "%20", "%2F", "100%",
        "ключ", "日本語", "emoji \uD83D\uDE00", "é", "", "?q=1", "#frag", "..", "../etc", "tab\tnl\nnul\u0000",
        "quote\"'`", "\\", "~-._", "a;b,c=d&e@f:g$h!*()[]{}|^<>");
    try (TestNode a = TestNode.start(b -> {}, k -> k.getBytes(StandardCharsets.UTF_8));
        TestNode b = TestNode.start(x -> {}, k -> k.getBytes(StandardCharsets.UTF_8))) {
      TestNodes.setPeers(List.of(a, b));
      for (String k : keys) {
        TestNode owner = a.cache.ownerOf(k).equals(a.url) ? a : b;
        TestNode asker = owner == a ? b : a;
        assertThat(asker.group.get(k).toByteArray()).as("value of key '%s'", k)
            .isEqualTo(k.getBytes(StandardCharsets.UTF_8));
        assertThat(owner.loadsOf(k)).as("the owner %s loaded exactly key '%s'", owner, k).isEqualTo(1);
        assertThat(asker.loadsOf(k)).isZero();
      }
      assertThat(a.group.stats().peerLoads() + b.group.stats().peerLoads()).isEqualTo(keys.size());
      assertThat(a.group.stats().peerErrors() + b.group.stats().peerErrors()).isZero();
    }
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int o = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }
}
