package org.groupcache4j.http.internal.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.groupcache4j.KeyNotFoundException;
import org.groupcache4j.http.PeerFetchException;
import org.groupcache4j.http.internal.protocol.Forwarder;
import org.groupcache4j.http.internal.protocol.NodeIdentity;
import org.groupcache4j.http.internal.protocol.PeerErrors;
import org.groupcache4j.http.internal.protocol.PeerHeaders;
import org.groupcache4j.http.internal.protocol.PeerMessages;
import org.groupcache4j.http.internal.protocol.RingCheck;
import org.groupcache4j.peer.PeerValue;

/**
 * Reads the answers on one connection, one at a time, from the parts Netty's
 * {@code HttpResponseDecoder} makes of them (no aggregator): the status, the error header and the
 * peer's state header (of an error answer) from the head, then the body, kept under {@code maxResponseBytes}. A body that comes in one
 * piece is parsed where it lies; one in several pieces is gathered first. The outcome of a whole
 * answer is a {@code PeerValue} (200, its {@code GetResponse} value and expiry; or a not-found the
 * owner caches), {@link Fetch#WRITTEN} for a write answered 200, or the exception the fetch
 * fails with ({@link PeerErrors#fromAnswer}); an answer that is not the protocol fails the fetch
 * with {@link PeerFetchException.Reason#BAD_ANSWER}, and the rest of it is ignored.
 * Touched on one event loop only.
 */
final class AnswerReader {
  private final int maxResponseBytes;
  private final ByteBufAllocator alloc;
  private int status;
  private String errorKind;
  private String peerState; // an error answer's state header (PeerHeaders.STATE), or null
  private String notFoundExpire; // a cached not-found's expiry header, or null
  private String relayFailed; // why a relay could not carry the request, or null
  private java.util.List<java.util.Map.Entry<String, String>> rawHeaders; // of a raw answer
  private boolean keepAlive;
  private long contentLength;
  private ByteBuf body; // gathered when the body comes in several pieces
  private boolean broken; // the answer failed already: drop the rest of it

  private RingCheck ring = RingCheck.NONE;

  AnswerReader(int maxResponseBytes, ByteBufAllocator alloc, RingCheck ring) {
    this(maxResponseBytes, alloc);
    this.ring = ring;
  }

  AnswerReader(int maxResponseBytes, ByteBufAllocator alloc) {
    this.maxResponseBytes = maxResponseBytes;
    this.alloc = alloc;
  }

  /**
   * Reads {@code msg} (which the caller releases) as part of the answer to {@code f}.
   *
   * @return {@code null} while the answer is incomplete; then its outcome, a
   *     {@link org.groupcache4j.ByteView} or the {@link Exception} to fail {@code f} with
   */
  Object read(HttpObject msg, Fetch f) {
    if (msg instanceof HttpResponse r) {
      Object failed = head(r, f);
      if (failed != null) {
        return failed;
      }
    }
    if (msg instanceof HttpContent c && !broken) {
      return content(c, f);
    }
    return null;
  }

  /** Whether the connection may carry another fetch after the answer just read. */
  boolean reusable() {
    return keepAlive && !broken;
  }

  /** Forgets the answer being read, releasing what was gathered of it. */
  void reset() {
    broken = false;
    if (body != null) {
      body.release();
      body = null;
    }
  }

  private Object head(HttpResponse r, Fetch f) {
    reset();
    if (r.decoderResult().isFailure()) {
      return notHttp(r, f);
    }
    status = r.status().code();
    errorKind = status == 200 ? null : r.headers().get(PeerHeaders.ERROR);
    peerState = status == 200 ? null : r.headers().get(PeerHeaders.STATE);
    relayFailed = f.relayTo == null ? null : r.headers().get(PeerHeaders.RELAY_FAILED);
    if (relayFailed == null) { // else the answer is the relay's, and says nothing of the peer
      boolean ours = r.headers().contains(PeerHeaders.NODE);
      f.kind.heard(ours);
      NodeIdentity.heard(ring.node(), f.peer, r.headers(), ours);
      ring.heard(f.peer, r.headers().get(PeerHeaders.RING));
    }
    if (f.expect == Fetch.Expect.RAW) {
      rawHeaders = new java.util.ArrayList<>();
      for (java.util.Map.Entry<String, String> h : r.headers()) {
        String name = h.getKey().toLowerCase(java.util.Locale.ROOT);
        if (name.equals("content-type") || name.startsWith("x-groupcache4j-")) {
          rawHeaders.add(java.util.Map.entry(name, h.getValue()));
        }
      }
    }
    notFoundExpire = status == 200 ? null : r.headers().get(PeerHeaders.EXPIRE);
    keepAlive = HttpUtil.isKeepAlive(r);
    contentLength = HttpUtil.getContentLength(r, -1L);
    return contentLength > maxResponseBytes ? tooLarge(f) : null;
  }

  private Object content(HttpContent c, Fetch f) {
    if (c.decoderResult().isFailure()) {
      return notHttp(c, f);
    }
    ByteBuf part = c.content();
    boolean last = c instanceof LastHttpContent;
    int have = body == null ? 0 : body.readableBytes();
    if ((long) have + part.readableBytes() > maxResponseBytes) {
      return tooLarge(f);
    }
    if (last && body == null) {
      return outcome(part, f); // the whole body in one piece: parsed where it lies
    }
    if (part.isReadable()) {
      if (body == null) {
        int expected = contentLength > 0 ? (int) contentLength : part.readableBytes() * 2;
        body = alloc.heapBuffer(Math.max(expected, part.readableBytes()));
      }
      body.writeBytes(part);
    }
    if (!last) {
      return null;
    }
    try {
      return outcome(body, f);
    } finally {
      reset();
    }
  }

  private Object outcome(ByteBuf content, Fetch f) {
    if (relayFailed != null) {
      return f.failure(PeerFetchException.Reason.RELAY_FAILED, "the peer asked to carry it could not: " + relayFailed, null);
    }
    switch (f.expect) {
      case RAW:
        byte[] raw = new byte[content.readableBytes()];
        content.getBytes(content.readerIndex(), raw);
        return new Forwarder.Answer(status, rawHeaders, raw);
      case PEEK:
      case HINT_ACK:
      case HINTS:
        return oursAnswer(content, f);
      default:
        break;
    }
    if (f.status) {
      return status == 200 ? content.toString(StandardCharsets.UTF_8)
          : f.failure(PeerFetchException.Reason.ERROR_STATUS, "answered HTTP " + status + " to the status request", null);
    }
    if (f.write != null && f.write.answers()) {
      return status / 100 == 2 || status == 409 ? new Fetch.Answer(status, io.netty.buffer.ByteBufUtil.getBytes(content))
          : PeerErrors.fromAnswer(status, errorKind, content, f.peer, f.group, f.key);
    }
    if (f.write != null) {
      if (status == 200 && f.write.readsAnswer()) {
        return ByteBufUtil.getBytes(content);
      }
      return status == 200 ? Fetch.WRITTEN : PeerErrors.fromWriteAnswer(status, peerState, content, f.peer, f.group, f.key);
    }
    if (status != 200) {
      Object failure = PeerErrors.fromAnswer(status, errorKind, content, f.peer, f.group, f.key);
      if (failure instanceof KeyNotFoundException nf && notFoundExpire != null) {
        try {
          return PeerValue.notFound(nf.detail(), Long.parseLong(notFoundExpire.trim())); // cached by the owner
        } catch (NumberFormatException e) {
          return failure;
        }
      }
      return failure;
    }
    try {
      return PeerMessages.decodeGetResponse(content);
    } catch (IOException e) {
      return f.failure(PeerFetchException.Reason.BAD_ANSWER, "answered 200 with a body that is not a groupcache "
          + "GetResponse (" + content.readableBytes() + " bytes): " + e.getMessage(), e); // whole: the connection is fine
    }
  }

  /** The answer to a request between our nodes: its message, or the failure. */
  private Object oursAnswer(ByteBuf content, Fetch f) {
    if (status != 200) {
      return PeerErrors.fromAnswer(status, errorKind, content, f.peer, f.group, f.key);
    }
    try {
      return switch (f.expect) {
        case PEEK -> java.util.Optional.ofNullable(PeerMessages.decodePeekResponse(content));
        case HINT_ACK -> PeerMessages.decodeHintAck(content);
        default -> PeerMessages.decodeHintDelivery(content);
      };
    } catch (IOException | IllegalArgumentException e) {
      return f.failure(PeerFetchException.Reason.BAD_ANSWER, "answered 200 with a body that is not the message asked for ("
          + content.readableBytes() + " bytes): " + e.getMessage(), e);
    }
  }

  private Object notHttp(HttpObject o, Fetch f) {
    Throwable cause = o.decoderResult().cause();
    return fail(f, "answered something that is not HTTP: " + cause, cause);
  }

  private Object tooLarge(Fetch f) {
    return fail(f, "the answer is larger than maxResponseBytes (" + maxResponseBytes
        + " bytes); raise HttpPeerTransport.builder().maxResponseBytes(...) if values are that large", null);
  }

  /** The answer is broken: the connection cannot be used any more. */
  private Object fail(Fetch f, String what, Throwable cause) {
    reset();
    broken = true;
    return f.failure(PeerFetchException.Reason.BAD_ANSWER, what, cause);
  }
}
