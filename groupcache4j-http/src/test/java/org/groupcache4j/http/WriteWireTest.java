package org.groupcache4j.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.groupcache4j.ByteView;
import org.groupcache4j.http.internal.protocol.PeerMessages;
import org.groupcache4j.peer.PeerValue;
import org.junit.jupiter.api.Test;

/**
 * The write and expiry messages byte for byte, against bytes worked out by hand from
 * groupcache-go v3's {@code transport/pb/groupcache.proto} (the same fields as mailgun/groupcache
 * v2's): {@code GetResponse {bytes value = 1; double minute_qps = 2; int64 expire = 3;}} and
 * {@code SetRequest {string group = 1; string key = 2; bytes value = 3; int64 expire = 4;}}, each
 * field a tag byte ({@code field << 3 | wire type}) then a length or a varint.
 */
class WriteWireTest {
  /** 2030-01-01T00:00:00Z in Unix nanoseconds, and its varint (7 bits a byte, low first). */
  static final long EXPIRE = 1_893_456_000_000_000_000L;
  static final String EXPIRE_VARINT = "8080d4aeb386baa31a";

  /** GetResponse{value="630", expire=EXPIRE}: 0x0a len "630", 0x18 (field 3, varint) EXPIRE. */
  static final byte[] GET_RESPONSE = HexFormat.of().parseHex("0a03363330" + "18" + EXPIRE_VARINT);

  /** SetRequest{group="scores", key="Tom", value="630", expire=EXPIRE}. */
  static final byte[] SET_REQUEST = HexFormat.of().parseHex(
      "0a06" + "73636f726573" // 1: "scores"
          + "1203" + "546f6d"   // 2: "Tom"
          + "1a03" + "363330"   // 3: "630"
          + "20" + EXPIRE_VARINT); // 4: varint

  /** What groupcache-go's {@code json.Marshal} of its remove-keys request writes. */
  static final String REMOVE_KEYS_JSON = "{\"group\":\"scores\",\"keys\":[\"Tom\",\"Jack\"]}";

  @Test
  void getResponseCarriesTheExpiryInField3() throws Exception {
    ByteBuf b = PeerMessages.encodeGetResponse(PooledByteBufAllocator.DEFAULT, ByteView.of("630"), EXPIRE);
    try {
      assertThat(ByteBufUtil.getBytes(b)).isEqualTo(GET_RESPONSE);
    } finally {
      b.release();
    }
    PeerValue pv = PeerMessages.decodeGetResponse(Unpooled.wrappedBuffer(GET_RESPONSE));
    assertThat(pv.value().toString()).isEqualTo("630");
    assertThat(pv.expireUnixNanos()).isEqualTo(EXPIRE);
  }

  @Test
  void aValueWithoutExpiryIsGolangGroupcachesBytesAndExpire0ReadsAsNone() throws Exception {
    ByteBuf b = PeerMessages.encodeGetResponse(PooledByteBufAllocator.DEFAULT, ByteView.copyOf(TestNode.goValue("Tom")), 0);
    try {
      assertThat(ByteBufUtil.getBytes(b)).isEqualTo(WireFormatTest.GO_TOM);
    } finally {
      b.release();
    }
    PeerValue go = PeerMessages.decodeGetResponse(Unpooled.wrappedBuffer(WireFormatTest.GO_TOM));
    assertThat(go.expireUnixNanos()).isZero();
    // groupcache-go v3 writes expire = 0 explicitly; minute_qps (field 2, a double) is skipped.
    byte[] v3 = HexFormat.of().parseHex("0a03363330" + "110000000000002440" + "1800");
    PeerValue fromV3 = PeerMessages.decodeGetResponse(Unpooled.wrappedBuffer(v3));
    assertThat(fromV3.value().toString()).isEqualTo("630");
    assertThat(fromV3.expireUnixNanos()).isZero();
  }

  @Test
  void setRequestIsTheProtosBytesBothWays() {
    assertThat(PeerMessages.encodeSetRequest("scores", "Tom", ByteView.of("630"), EXPIRE)).isEqualTo(SET_REQUEST);
    PeerMessages.SetRequestBody r = PeerMessages.decodeSetRequest(Unpooled.wrappedBuffer(SET_REQUEST));
    assertThat(r.group()).isEqualTo("scores");
    assertThat(r.key()).isEqualTo("Tom");
    assertThat(r.value().toString()).isEqualTo("630");
    assertThat(r.expireUnixNanos()).isEqualTo(EXPIRE);
    byte[] noExpire = HexFormat.of().parseHex("0a0673636f726573" + "1203546f6d" + "1a03363330");
    assertThat(PeerMessages.encodeSetRequest("scores", "Tom", ByteView.of("630"), 0)).isEqualTo(noExpire);
    assertThat(PeerMessages.decodeSetRequest(Unpooled.wrappedBuffer(noExpire)).expireUnixNanos()).isZero();
  }

  @Test
  void aBodyThatIsNotASetRequestIsRefusedWithAReason() {
    assertThatThrownBy(() -> PeerMessages.decodeSetRequest(Unpooled.wrappedBuffer(new byte[] {0x1a, 0x05, 0x01})))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a groupcache SetRequest");
    assertThatThrownBy(() -> PeerMessages.decodeSetRequest(Unpooled.wrappedBuffer(HexFormat.of().parseHex("1a03363330"))))
        .as("group and key are required").isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void removeKeysIsGroupcacheGosJson() {
    assertThat(new String(PeerMessages.encodeRemoveKeys("scores", List.of("Tom", "Jack")), StandardCharsets.UTF_8))
        .isEqualTo(REMOVE_KEYS_JSON);
    PeerMessages.RemoveKeysBody r = PeerMessages.decodeRemoveKeys(Unpooled.copiedBuffer(REMOVE_KEYS_JSON, StandardCharsets.UTF_8));
    assertThat(r.group()).isEqualTo("scores");
    assertThat(r.keys()).containsExactly("Tom", "Jack");
    for (String bad : List.of("", "[]", "{\"group\":\"g\"}", "{\"group\":\"g\",\"keys\":[1]}", "{\"keys\":\"a\"}")) {
      assertThatThrownBy(() -> PeerMessages.decodeRemoveKeys(Unpooled.copiedBuffer(bad, StandardCharsets.UTF_8)))
          .as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
