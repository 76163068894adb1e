package org.groupcache4j.http.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.groupcache4j.KeyNotFoundException;
import org.groupcache4j.LoadException;
import org.groupcache4j.LoadTimeoutException;
import org.groupcache4j.http.PeerFetchException;
import org.groupcache4j.http.PeerFetchException.Reason;
import org.groupcache4j.http.internal.protocol.PeerHeaders;
import org.groupcache4j.peer.NodeNotReadyException;
import org.groupcache4j.peer.OwnershipState;
import org.groupcache4j.peer.PeerValue;
import org.junit.jupiter.api.Test;

/** Reading answers part by part: values, the error contract, the size cap, and what is not HTTP. */
class AnswerReaderTest {
  private final Fetch fetch = new Fetch("http://peer:8001", "scores", "Tom", false, 1_000_000_000L);
  private final List<ByteBuf> parts = new ArrayList<>();

  private static HttpResponse head(int status, long contentLength, String... headers) {
    HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
    if (contentLength >= 0) {
      r.headers().set(HttpHeaderNames.CONTENT_LENGTH, contentLength);
    }
    for (int i = 0; i < headers.length; i += 2) {
      r.headers().set(headers[i], headers[i + 1]);
    }
    return r;
  }

  private ByteBuf buf(byte[] b) {
    ByteBuf buf = Unpooled.wrappedBuffer(b);
    parts.add(buf);
    return buf;
  }

  private static byte[] getResponse(String value) {
    byte[] v = value.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[2 + v.length];
    out[0] = 0x0a;
    out[1] = (byte) v.length;
    System.arraycopy(v, 0, out, 2, v.length);
    return out;
  }

  /** Feeds the parts in order; every part but the last must leave the answer incomplete. */
  private static Object read(AnswerReader reader, Fetch f, HttpObject... msgs) {
    for (int i = 0; i < msgs.length - 1; i++) {
      assertThat(reader.read(msgs[i], f)).as("part %d of %d", i + 1, msgs.length).isNull();
    }
    return reader.read(msgs[msgs.length - 1], f);
  }

  @Test
  void aValueInOnePieceOrInSeveral() {
    AnswerReader reader = new AnswerReader(1024, PooledByteBufAllocator.DEFAULT);
    byte[] body = getResponse("value-of-Tom");
    Object one = read(reader, fetch, head(200, body.length), new DefaultLastHttpContent(buf(body)));
    assertThat(one).isInstanceOfSatisfying(PeerValue.class, v -> assertThat(v.value()).hasToString("value-of-Tom"));
    assertThat(reader.reusable()).isTrue();

    // chunked, three pieces and an empty last one, on the same reader
    Object pieces = read(reader, fetch, head(200, -1),
        new DefaultHttpContent(buf(java.util.Arrays.copyOfRange(body, 0, 3))),
        new DefaultHttpContent(buf(java.util.Arrays.copyOfRange(body, 3, 9))),
        new DefaultHttpContent(buf(java.util.Arrays.copyOfRange(body, 9, body.length))),
        new DefaultLastHttpContent(buf(new byte[0])));
    assertThat(pieces).isInstanceOfSatisfying(PeerValue.class, v -> assertThat(v.value()).hasToString("value-of-Tom"));
  }

  @Test
  void errorAnswersFollowTheErrorContract() {
    AnswerReader reader = new AnswerReader(1024, PooledByteBufAllocator.DEFAULT);
    byte[] text = "no row for Tom\nsecond line\n".getBytes(StandardCharsets.UTF_8);
    Object notFound = read(reader, fetch, head(500, text.length, PeerHeaders.ERROR.toString(), PeerHeaders.NOT_FOUND),
        new DefaultLastHttpContent(buf(text)));
    assertThat(notFound).isInstanceOfSatisfying(KeyNotFoundException.class, e -> {
      assertThat(e.owner()).isEqualTo("http://peer:8001");
      assertThat(e.detail()).isEqualTo("no row for Tom");
    });
    assertThat(read(reader, fetch, head(500, text.length, PeerHeaders.ERROR.toString(), PeerHeaders.LOAD_TIMEOUT),
        new DefaultLastHttpContent(buf(text)))).isInstanceOf(LoadTimeoutException.class);
    assertThat(read(reader, fetch, head(500, text.length, PeerHeaders.ERROR.toString(), PeerHeaders.LOAD_FAILED),
        new DefaultLastHttpContent(buf(text)))).isInstanceOfSatisfying(LoadException.class,
        e -> assertThat(e).hasMessageContaining("no row for Tom"));
    Object plain = read(reader, fetch, head(404, text.length), new DefaultLastHttpContent(buf(text)));
    assertThat(plain).isInstanceOfSatisfying(PeerFetchException.class, e -> {
      assertThat(e.reason()).isEqualTo(Reason.ERROR_STATUS);
      assertThat(e).hasMessageContaining("answered 404 Not Found: no row for Tom").hasMessageContaining("'scores'");
    });
    assertThat(reader.reusable()).as("a whole error answer leaves the connection usable").isTrue();
  }

  @Test
  void aWriteRefusedByANodeNotReadyTakesItsStateFromTheStateHeader() {
    AnswerReader reader = new AnswerReader(1024, PooledByteBufAllocator.DEFAULT);
    Fetch set = new Fetch("http://peer:8001", "scores", "Tom", false, 1_000_000_000L,
        new Fetch.Write("PUT", "Tom", "application/x-protobuf", new byte[0]), new PeerKind());
    byte[] text = ("not ready: " + new NodeNotReadyException("http://peer:8001", OwnershipState.DRAINING).getMessage())
        .getBytes(StandardCharsets.UTF_8);
    Object withHeader = read(reader, set, head(503, text.length, PeerHeaders.STATE.toString(), "catching-up"),
        new DefaultLastHttpContent(buf(text)));
    assertThat(withHeader).as("the header, not the text").isInstanceOfSatisfying(NodeNotReadyException.class,
        e -> assertThat(e.state()).isEqualTo(OwnershipState.CATCHING_UP));
    Object older = read(reader, set, head(503, text.length), new DefaultLastHttpContent(buf(text)));
    assertThat(older).as("no header: the text").isInstanceOfSatisfying(NodeNotReadyException.class,
        e -> assertThat(e.state()).isEqualTo(OwnershipState.DRAINING));
    assertThat(read(reader, set, head(200, 0), new DefaultLastHttpContent(buf(new byte[0]))))
        .isSameAs(Fetch.WRITTEN);
    assertThat(reader.reusable()).isTrue();
  }

  @Test
  void answersOverTheCapAreRefusedByLengthOrAsTheyGrow() {
    AnswerReader reader = new AnswerReader(10, PooledByteBufAllocator.DEFAULT);
    assertThat(reader.read(head(200, 11), fetch)).isInstanceOfSatisfying(PeerFetchException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.BAD_ANSWER));
    assertThat(reader.reusable()).isFalse();
    assertThat(reader.read(new DefaultLastHttpContent(buf(new byte[11])), fetch)).as("the rest is ignored").isNull();

    Object grown = read(reader, fetch, head(200, -1), new DefaultHttpContent(buf(new byte[6])),
        new DefaultHttpContent(buf(new byte[6])));
    assertThat(grown).isInstanceOfSatisfying(PeerFetchException.class,
        e -> assertThat(e).hasMessageContaining("larger than maxResponseBytes (10 bytes)"));
  }

  @Test
  void whatIsNotHttpOrNotAGetResponseFails() {
    AnswerReader reader = new AnswerReader(1024, PooledByteBufAllocator.DEFAULT);
    HttpResponse broken = head(200, 0);
    broken.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("invalid version format: SSH-2.0")));
    assertThat(reader.read(broken, fetch)).isInstanceOfSatisfying(PeerFetchException.class, e -> {
      assertThat(e.reason()).isEqualTo(Reason.BAD_ANSWER);
      assertThat(e).hasMessageContaining("not HTTP").hasMessageContaining("SSH-2.0");
    });
    assertThat(reader.reusable()).isFalse();

    byte[] html = {(byte) 0xff, (byte) 0xff, (byte) 0xff};
    Object notProtobuf = read(reader, fetch, head(200, html.length), new DefaultLastHttpContent(buf(html)));
    assertThat(notProtobuf).isInstanceOfSatisfying(PeerFetchException.class,
        e -> assertThat(e).hasMessageContaining("not a groupcache GetResponse (3 bytes)"));
  }

  @Test
  void whatWasGatheredIsReleasedOnceReadOrOnReset() {
    List<ByteBuf> gathered = new ArrayList<>();
    AnswerReader reader = new AnswerReader(1024, new AbstractByteBufAllocator(false) {
      @Override
      protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf b = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
        gathered.add(b);
        return b;
      }

      @Override
      protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity);
      }

      @Override
      public boolean isDirectBufferPooled() {
        return false;
      }
    });
    byte[] body = getResponse("v");
    HttpResponse close = head(200, -1, HttpHeaderNames.CONNECTION.toString(), HttpHeaderValues.CLOSE.toString());
    assertThat(read(reader, fetch, close, new DefaultHttpContent(buf(body)), new DefaultLastHttpContent(buf(new byte[0]))))
        .isInstanceOfSatisfying(PeerValue.class, v -> assertThat(v.value()).hasToString("v"));
    assertThat(reader.reusable()).as("the peer said it closes").isFalse();
    // a half-read answer: what it gathered is given back by reset
    assertThat(reader.read(head(200, -1), fetch)).isNull();
    assertThat(reader.read(new DefaultHttpContent(buf(body)), fetch)).isNull();
    reader.reset();
    assertThat(gathered).hasSize(2).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    assertThat(parts).allSatisfy(p -> assertThat(p.refCnt()).as("the caller's to release").isEqualTo(1));
  }
}
