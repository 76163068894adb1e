package org.groupcache4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ByteViewTest {
  @Test
  void copiesOnTheWayInAndOut() {
    byte[] src = {1, 2, 3};
    ByteView v = ByteView.copyOf(src);
    src[0] = 9;
    assertThat(v.byteAt(0)).isEqualTo((byte) 1);
    byte[] out = v.toByteArray();
    out[1] = 9;
    assertThat(v.toByteArray()).containsExactly(1, 2, 3);
    assertThat(v.length()).isEqualTo(3);
  }

  @Test
  void bufferViewIsReadOnly() {
    ByteView v = ByteView.of("abc");
    ByteBuffer b = v.asReadOnlyByteBuffer();
    assertThat(b.isReadOnly()).isTrue();
    assertThat(b.remaining()).isEqualTo(3);
    assertThatThrownBy(() -> b.put(0, (byte) 'z')).isInstanceOf(ReadOnlyBufferException.class);
    assertThat(v.toString()).isEqualTo("abc");
  }

  @Test
  void equalityAndTextAndStreaming() throws Exception {
    ByteView a = ByteView.of("ключ");
    ByteView b = ByteView.copyOf("ключ".getBytes(StandardCharsets.UTF_8));
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(ByteView.of("key"));
    assertThat(a.toString(StandardCharsets.UTF_8)).isEqualTo("ключ");
    assertThat(a.contentEquals("ключ")).isTrue();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    a.writeTo(out);
    assertThat(out.toByteArray()).isEqualTo("ключ".getBytes(StandardCharsets.UTF_8));
    assertThat(ByteView.copyOf(new byte[] {0, 1, 2, 3}, 1, 2).toByteArray()).containsExactly(1, 2);
    assertThat(ByteView.copyOf(ByteBuffer.wrap(new byte[] {5, 6}))).isEqualTo(ByteView.copyOf(new byte[] {5, 6}));
    assertThat(ByteView.of("")).isSameAs(ByteView.empty());
  }

  @Test
  void aViewOfARangeIsItsBytesAlone() throws Exception {
    byte[] segment = "xxabcyy".getBytes(StandardCharsets.UTF_8);
    ByteView v = org.groupcache4j.internal.ByteViews.wrap(segment, 2, 3);
    assertThat(v.length()).isEqualTo(3);
    assertThat(v.byteAt(0)).isEqualTo((byte) 'a');
    assertThatThrownBy(() -> v.byteAt(3)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(v.toByteArray()).isEqualTo("abc".getBytes(StandardCharsets.UTF_8));
    assertThat(v).isEqualTo(ByteView.of("abc")).hasSameHashCodeAs(ByteView.of("abc"));
    assertThat(v.toString()).isEqualTo("abc");
    assertThat(v.contentEquals("abc")).isTrue();
    ByteBuffer b = v.asReadOnlyByteBuffer();
    assertThat(b.position()).isZero();
    assertThat(b.remaining()).isEqualTo(3);
    assertThat(b.get(0)).isEqualTo((byte) 'a');
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    v.writeTo(out);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("abc");
    ByteView own = v.compact();
    assertThat(own).isEqualTo(v);
    assertThat(org.groupcache4j.internal.ByteViews.arrayOf(own)).hasSize(3);
    assertThat(own.compact()).isSameAs(own);
    assertThatThrownBy(() -> org.groupcache4j.internal.ByteViews.wrap(segment, 5, 3))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void aStreamReadsTheViewsOwnRangeInPlace() throws Exception {
    byte[] segment = "xxhello-worldyy".getBytes(StandardCharsets.UTF_8);
    ByteView v = org.groupcache4j.internal.ByteViews.wrap(segment, 2, 11);
    try (java.io.InputStream in = v.newInputStream()) {
      assertThat(in.available()).isEqualTo(11);
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello-world");
      assertThat(in.read()).isEqualTo(-1);
    }
    assertThat(ByteView.empty().newInputStream().read()).isEqualTo(-1);
  }
}
