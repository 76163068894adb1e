package org.groupcache4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The JDK-only codecs: bytes and UTF-8 text. */
class ValueCodecTest {
  @Test
  void bytesAreCopiedBothWays() {
    byte[] in = {1, 2, 3};
    byte[] encoded = ValueCodec.bytes().encode(in);
    in[0] = 9;
    assertThat(encoded).containsExactly(1, 2, 3);
    ByteView v = ByteView.copyOf(encoded);
    byte[] out = ValueCodec.bytes().decode(v);
    out[1] = 9;
    assertThat(v.toByteArray()).containsExactly(1, 2, 3);
  }

  @Test
  void textRoundTripsAsUtf8() {
    String s = "Grüße, 世界 \uD83D\uDE00";
    byte[] b = ValueCodec.utf8().encode(s);
    assertThat(ByteView.copyOf(b)).isEqualTo(ByteView.of(s));
    assertThat(ValueCodec.utf8().decode(ByteView.copyOf(b))).isEqualTo(s);
    assertThat(ValueCodec.utf8().decode(ByteView.empty())).isEmpty();
  }

  @Test
  void malformedUtf8IsReportedNotReplaced() {
    assertThatThrownBy(() -> ValueCodec.utf8().decode(ByteView.copyOf(new byte[] {'a', (byte) 0xC3})))
        .isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("2 bytes is not well-formed UTF-8");
  }

  @Test
  void nullIsNotAValue() {
    assertThatThrownBy(() -> ValueCodec.utf8().encode(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> ValueCodec.bytes().encode(null)).isInstanceOf(NullPointerException.class);
  }
}
