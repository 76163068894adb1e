package org.groupcache4j.http.internal.peerserver;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.groupcache4j.UnknownGroupException;
import org.groupcache4j.http.internal.http1.Exchange;
import org.groupcache4j.http.internal.http1.Response;
import org.groupcache4j.http.internal.protocol.HandoffMessages;
import org.groupcache4j.http.internal.protocol.PeerHeaders;
import org.groupcache4j.peer.HandoffClient;
import org.groupcache4j.peer.HandoffHandler;
import org.groupcache4j.peer.TakeBackAnswer;

/**
 * {@code POST {basePath}_handoff}: a departing peer's notice or batch of entries
 * ({@link HandoffMessages}), given to the node's {@link HandoffHandler}. Answers 200 with a
 * {@code HandoffReply}, 400 for a body that is not a {@code HandoffRequest}, 503 when the node
 * refuses (it is not ready itself, or the sender's window is not open: the sender then hands
 * those entries to another peer). Every answer is the node's ({@code ours}: its header, incarnation
 * and state).
 */
final class HandoffEndpoint {
  private static final Response.Header PROTOBUF =
      Response.Header.of("content-type", PeerHeaders.CONTENT_TYPE_PROTOBUF.toString());

  private HandoffEndpoint() {}

  static void serve(Exchange ex, HandoffHandler handler, UnaryOperator<Response.Simple> ours) {
    HandoffMessages.Request r = decoded(ex, HandoffMessages::decodeRequest, ours);
    if (r == null) {
      return;
    }
    HandoffClient.Reply reply;
    try {
      reply = handler.receiveHandoff(r.sender(), r.window(), r.entries());
    } catch (IllegalStateException e) {
      ex.respond(ours.apply(Response.text(503, e.getMessage())));
      return;
    }
    ex.respond(ours.apply(Response.of(200, PROTOBUF, HandoffMessages.encodeReply(reply))));
  }

  /**
   * {@code POST {basePath}_take-back}: a peer that starts again asks for the entries of its keys
   * held here, and the keys of its held here only as copies made lately; answered 200 with a
   * {@code HandoffRequest}, 400 for a body that is not a {@code TakeBackRequest}, 404 for an
   * unknown group, 503 when the node refuses.
   */
  static void serveTakeBack(Exchange ex, HandoffHandler handler, UnaryOperator<Response.Simple> ours) {
    HandoffMessages.TakeBack r = decoded(ex, HandoffMessages::decodeTakeBack, ours);
    if (r == null) {
      return;
    }
    TakeBackAnswer answer;
    try {
      answer = handler.takeBack(r.requester(), r.group(), r.maxBytes());
    } catch (UnknownGroupException e) {
      ex.respond(ours.apply(Response.text(404, e.getMessage())));
      return;
    } catch (IllegalStateException | UnsupportedOperationException e) {
      ex.respond(ours.apply(Response.text(503, e.getMessage())));
      return;
    }
    ex.respond(ours.apply(Response.of(200, PROTOBUF, HandoffMessages.encodeTakeBackAnswer(answer))));
  }

  /** The request's body read by {@code decoder}; null if it is not such a message (then answered 400). */
  private static <T> T decoded(Exchange ex, Function<ByteBuf, T> decoder, UnaryOperator<Response.Simple> ours) {
    try {
      return decoder.apply(ex.body() != null ? ex.body() : Unpooled.EMPTY_BUFFER);
    } catch (IllegalArgumentException e) {
      ex.respond(ours.apply(Response.text(400, "bad request: " + e.getMessage())));
      return null;
    }
  }
}
