package org.groupcache4j.http.internal.peerserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import org.groupcache4j.ByteView;
import org.groupcache4j.http.internal.protocol.PeerMessages;
import org.junit.jupiter.api.Test;

/** The peer endpoint's answer with a value: its bytes, and that writing it allocates nothing but its buffer. */
class ValueResponseTest {
  private static final long EXPIRE = 1_893_456_000_000_000_000L;
  private static final String RING = "0123456789abcdef";

  @Test
  void theAnswerIsItsHeadAndTheCodecsGetResponse() {
    ByteView value = ByteView.of("value-of-Tom");
    ValueResponse r = new ValueResponse(value, EXPIRE, RING);
    byte[] message = bytes(PeerMessages.encodeGetResponse(UnpooledByteBufAllocator.DEFAULT, value, EXPIRE));
    String head = "HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\nx-groupcache4j-node: writes\r\n"
        + "x-groupcache4j-ring: " + RING + "\r\ncontent-length: " + message.length + "\r\n\r\n";
    byte[] answer = bytes(r.encode(UnpooledByteBufAllocator.DEFAULT, false, false, false));
    assertThat(new String(answer, 0, head.length(), StandardCharsets.ISO_8859_1)).isEqualTo(head);
    assertThat(java.util.Arrays.copyOfRange(answer, head.length(), answer.length)).isEqualTo(message);
    assertThat(bytes(r.encode(UnpooledByteBufAllocator.DEFAULT, false, false, true)))
        .as("a HEAD answer: the head alone, with the length of the body it leaves out")
        .isEqualTo(head.getBytes(StandardCharsets.ISO_8859_1));

    FullHttpResponse mounted = r.toMessage(UnpooledByteBufAllocator.DEFAULT);
    try {
      assertThat(ByteBufUtil.getBytes(mounted.content())).as("the answer of a mounted handler").isEqualTo(message);
      assertThat(mounted.headers().get("x-groupcache4j-ring")).isEqualTo(RING);
      assertThat(mounted.headers().get("content-length")).isEqualTo(Integer.toString(message.length));
    } finally {
      mounted.release();
    }
  }

  /**
   * Encoding allocates nothing but the buffer it writes to (here one reused buffer): no message
   * object, no intermediate array. Measured over the first calls, before the JIT could take
   * allocations away, so a regression shows as at least 16 bytes per call; the bound is half that,
   * since a newer JDK may allocate a few hundred bytes once within the loop (296 on Temurin 25),
   * which are not the answer's.
   */
  @Test
  void writingTheAnswerAllocatesNothingButItsBuffer() {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    ValueResponse r = new ValueResponse(ByteView.of("value-of-Tom"), EXPIRE, RING);
    OneBuffer alloc = new OneBuffer(Unpooled.wrappedBuffer(new byte[512]));
    for (int i = 0; i < 3; i++) {
      r.encode(alloc, false, false, false); // classes loaded, constants resolved
    }
    int calls = 100;
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < calls; i++) {
      r.encode(alloc, i % 2 == 0, false, false);
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertThat(allocated).as("bytes allocated by %d answers", calls).isLessThan(calls * 8L);
    assertThat(alloc.buffer.readableBytes()).as("and each was written").isGreaterThan(100);
  }

  private static byte[] bytes(ByteBuf b) {
    try {
      return ByteBufUtil.getBytes(b);
    } finally {
      b.release();
    }
  }

  /** Hands out one buffer, emptied, for every request: the allocation of buffers is not what is measured. */
  private static final class OneBuffer extends AbstractByteBufAllocator {
    final ByteBuf buffer;

    OneBuffer(ByteBuf buffer) {
      this.buffer = buffer;
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
      return buffer.clear();
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
      return buffer.clear();
    }

    @Override
    public boolean isDirectBufferPooled() {
      return false;
    }
  }
}
