package org.groupcache4j.http.internal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import org.groupcache4j.GroupCacheException;
import org.groupcache4j.KeyNotFoundException;
import org.groupcache4j.LoadException;
import org.groupcache4j.LoadTimeoutException;
import org.groupcache4j.UnknownGroupException;
import org.groupcache4j.http.PeerFetchException;
import org.groupcache4j.internal.Failures;
import org.groupcache4j.internal.Text;
import org.groupcache4j.peer.NodeNotReadyException;
import org.groupcache4j.peer.OwnershipState;

/**
 * The error contract of the peer protocol, both ways: which answer a server gives for each way a
 * request can fail ({@link #answerFor}), and what a client makes of each answer that is not a
 * value ({@link #fromAnswer}). The two are inverses and change together.
 *
 * <table>
 * <caption>failure at the owner, answer on the wire, failure at the asker</caption>
 * <tr><th>owner</th><th>answer</th><th>asker</th></tr>
 * <tr><td>{@link KeyNotFoundException}</td><td>500, {@code x-groupcache4j-error: not-found}</td>
 *     <td>the owner's {@link KeyNotFoundException}</td></tr>
 * <tr><td>{@link LoadTimeoutException}</td><td>500, {@code load-timeout}</td>
 *     <td>the owner's {@link LoadTimeoutException}</td></tr>
 * <tr><td>{@link LoadException}, other {@link GroupCacheException}</td><td>500, {@code load-failed}</td>
 *     <td>the owner's {@link LoadException}</td></tr>
 * <tr><td>{@link UnknownGroupException}</td><td>404</td><td>{@link PeerFetchException}: load locally</td></tr>
 * <tr><td>{@link IllegalArgumentException}</td><td>400</td><td>{@link PeerFetchException}</td></tr>
 * <tr><td>{@link NodeNotReadyException}</td><td>503, with the node's state</td><td>{@link PeerFetchException}:
 *     the asker learns the state and asks the key's next owner</td></tr>
 * <tr><td>anything else</td><td>500 without the header</td><td>{@link PeerFetchException}</td></tr>
 * </table>
 *
 * <p>golang/groupcache ignores the header; it answers every error with a plain 500, which our
 * client takes for a transport failure (load locally), as a Go client would.
 */
public final class PeerErrors {
  private static final int MAX_ERROR_TEXT = 1000;
  private static final String NOT_READY = "not ready: ";

  private PeerErrors() {}

  /**
   * An error answer: its status, its one-line reason, the value of {@link PeerHeaders#ERROR}
   * ({@code null} for errors that are not the owner's loader's), and the failure itself when it
   * is not one the protocol expects (worth logging), else {@code null}.
   */
  public record ErrorAnswer(int status, String text, String errorKind, Throwable unexpected) {}

  /** Server side: the answer to a request whose handler failed with {@code failure} (wrapped or not). */
  public static ErrorAnswer answerFor(Throwable failure, String group) {
    Throwable t = Failures.unwrap(failure);
    if (t instanceof UnknownGroupException) {
      return new ErrorAnswer(404, "no such group: " + Text.oneLine(group, MAX_ERROR_TEXT), null, null);
    } else if (t instanceof KeyNotFoundException nf) {
      return loaderError(nf.detail() != null ? nf.detail() : "not found", PeerHeaders.NOT_FOUND);
    } else if (t instanceof LoadTimeoutException) {
      return loaderError(t.getMessage(), PeerHeaders.LOAD_TIMEOUT);
    } else if (t instanceof GroupCacheException) { // LoadException too: its message names what failed and why
      return loaderError(t.getMessage(), PeerHeaders.LOAD_FAILED);
    } else if (t instanceof NodeNotReadyException nr) {
      return new ErrorAnswer(503, NOT_READY + detail(nr.getMessage()), null, null);
    } else if (t instanceof IllegalArgumentException) {
      return new ErrorAnswer(400, "bad request: " + detail(t.getMessage()), null, null);
    }
    return new ErrorAnswer(500, "internal error: " + detail(t.toString()), null, t);
  }

  private static ErrorAnswer loaderError(String text, String kind) {
    return new ErrorAnswer(500, detail(text), kind, null);
  }

  /**
   * Client side: what a fetch of {@code key} of {@code group} from {@code peer} fails with when
   * answered {@code status} (not 200) with the error header {@code errorKind} (or {@code null})
   * and {@code body}: the owner's loader error, or a {@link PeerFetchException}.
   */
  public static Exception fromAnswer(int status, String errorKind, ByteBuf body, String peer, String group, String key) {
    String text = firstLine(body);
    if (errorKind != null) {
      switch (errorKind) {
        case PeerHeaders.NOT_FOUND:
          return new KeyNotFoundException(group, key, peer, text);
        case PeerHeaders.LOAD_TIMEOUT:
          return LoadTimeoutException.fromOwner(group, key, peer, text);
        default:
          return LoadException.fromOwner(group, key, peer, text);
      }
    }
    return new PeerFetchException(PeerFetchException.Reason.ERROR_STATUS, peer, group, key, "answered " + status
        + " " + HttpResponseStatus.valueOf(status).reasonPhrase() + (text.isEmpty() ? "" : ": " + text), null);
  }

  /**
   * Client side: what a write (set, remove, clear) to {@code peer} fails with when answered
   * {@code status} (not 200): a {@link NodeNotReadyException} when the peer said it is not ready
   * (it refuses a set while it catches up: the writer sends it to the key's next owner, and asks
   * no relay, since the peer answered), else as {@link #fromAnswer}. The peer's state is the
   * answer's {@link PeerHeaders#STATE} header, {@code stateHeader}; an answer without it (a node
   * older than the header) names its state in its text only, and is read from there.
   */
  public static Exception fromWriteAnswer(int status, String stateHeader, ByteBuf body, String peer, String group,
      String key) {
    String text = firstLine(body);
    if (status == 503 && text.startsWith(NOT_READY)) {
      OwnershipState state = stateHeader != null ? OwnershipState.fromWireName(stateHeader.trim()) : stateInText(text);
      // a node that turned ready between its refusal and its answer says "ready": it refused as not ready
      return new NodeNotReadyException(peer, state != null && state != OwnershipState.READY ? state
          : OwnershipState.CATCHING_UP);
    }
    return fromAnswer(status, null, body, peer, group, key);
  }

  /** The state a not-ready answer's text names ({@code ... now (catching-up) ...}), or {@code null}. */
  private static OwnershipState stateInText(String text) {
    int open = text.indexOf(" now (");
    int close = open < 0 ? -1 : text.indexOf(')', open);
    return close < 0 ? null : OwnershipState.fromWireName(text.substring(open + 6, close));
  }

  /** The first line of an error answer's text, trimmed (at most its first 1000 bytes are read). */
  static String firstLine(ByteBuf body) {
    int n = Math.min(body.readableBytes(), MAX_ERROR_TEXT);
    String s = body.toString(body.readerIndex(), n, StandardCharsets.UTF_8);
    int nl = s.indexOf('\n');
    return (nl >= 0 ? s.substring(0, nl) : s).trim();
  }

  private static String detail(String s) {
    return Text.oneLine(s, MAX_ERROR_TEXT);
  }
}
