package org.groupcache4j.http.internal.client;

import java.util.concurrent.CompletableFuture;
import org.groupcache4j.http.PeerFetchException;
import org.groupcache4j.http.internal.protocol.CallerLoadedWire;
import org.groupcache4j.http.internal.protocol.PeerPaths;

/**
 * One fetch of a key from a peer, from its start to its outcome: the future the caller holds, its
 * place in its loop's {@link Deadlines}, and where it is now (waiting for a connection, or on
 * one). It may use several connections in turn (a stale keep-alive connection is retried).
 * Touched on one event loop only.
 */
final class Fetch {
  final String peer;
  final String group;
  final String key;
  final boolean probe; // asks for the base path alone, not a key (see PeerHttpClient.probe)
  final boolean status; // asks for the peer's status document (see PeerHttpClient.status)
  final long timeoutNanos; // from its start to its outcome
  final Write write; // a write's request, or null for a fetch or a probe
  final PeerKind kind; // what the peer's answers say it is, learned from this fetch's answer
  final Expect expect; // what its answer is read as
  final String relayTo; // the peer a relay carries it to (then {@link #peer} too), or null: sent to the peer directly
  /**
   * Completes with a {@link org.groupcache4j.peer.PeerValue} (fetch), {@link #WRITTEN} (write), an
   * {@link Answer} (a write that answers), the answer's body (a write that {@code readsAnswer}),
   * the document as a {@code String} (status), anything (probe), or what {@link #expect} says.
   */
  final CompletableFuture<Object> result = new CompletableFuture<>();

  /** What an answer is read as. */
  enum Expect {
    /** A {@code GetResponse}: a {@code PeerValue}. */
    VALUE,
    /** Any answer: the peer answered. */
    PROBE,
    /** The status document, a {@code String}. */
    STATUS,
    /** 200: {@link #WRITTEN}. */
    WRITTEN,
    /** A {@code PeekResponse}: an {@code Optional<PeerValue>}. */
    PEEK,
    /** A {@code HintAck}. */
    HINT_ACK,
    /** A {@code HintDelivery}. */
    HINTS,
    /** Whatever came, as a {@code Forwarder.Answer} (a relayed request). */
    RAW
  }

  /** A header line added to the request ({@code name: value\r\n}: write ids, {@link org.groupcache4j.http.internal.protocol.WriteIds}), or null. Set before it starts. */
  String extraHeader;

  long deadline; // a System.nanoTime() value
  Fetch prev; // in the deadline list
  Fetch next;
  boolean listed;

  PeerConnection conn; // the connection carrying it now, or null
  boolean waiting; // in the pool's queue for a free connection
  boolean reused; // its current connection carried an earlier fetch
  int attempts;

  /** The outcome of a write the peer applied. */
  static final Object WRITTEN = new Object();

  /**
   * A request with a method and body: its method, what follows the group in the path (escaped), or
   * the whole path after the base path ({@code wholePath}; also when the group is empty), its body,
   * whether its 200 answer's body is its outcome (as a {@code byte[]}) rather than
   * {@link #WRITTEN}, and whether it {@code answers}: completes with its {@link Answer} (a status,
   * 2xx or 409, and a body the caller reads), as the requests of caller-loaded groups do.
   */
  record Write(String method, String pathTail, String contentType, byte[] body, boolean wholePath, boolean readsAnswer,
      boolean answers) {
    /** A write of a key: {@code pathTail} follows the group in the path. */
    Write(String method, String pathTail, String contentType, byte[] body) {
      this(method, pathTail, contentType, body, false);
    }

    Write(String method, String pathTail, String contentType, byte[] body, boolean readsAnswer) {
      this(method, pathTail, contentType, body, false, readsAnswer, false);
    }

    /** A write that {@code answers}. */
    static Write answering(String method, String pathTail, String contentType, byte[] body) {
      return new Write(method, pathTail, contentType, body, false, false, true);
    }

    /** A request whose path, after the base path, is {@code path} (no group in it). */
    static Write underBase(String method, String path, String contentType, byte[] body) {
      return new Write(method, path, contentType, body, true, false, false);
    }
  }

  /** The answer of a {@link Write} that {@code answers}: its status (2xx or 409) and body. */
  record Answer(int status, byte[] body) {}

  /** A fetch (or probe) whose peer kind is learned for nobody (tests). */
  Fetch(String peer, String group, String key, boolean probe, long timeoutNanos) {
    this(peer, group, key, probe, timeoutNanos, null, new PeerKind());
  }

  Fetch(String peer, String group, String key, boolean probe, long timeoutNanos, Write write, PeerKind kind) {
    this(peer, group, key, probe, false, timeoutNanos, write, kind, null,
        probe ? Expect.PROBE : write != null ? Expect.WRITTEN : Expect.VALUE);
  }

  /** A request for the peer's status document ({@code GET {basePath}_stats}). */
  static Fetch status(String peer, long timeoutNanos, PeerKind kind) {
    return new Fetch(peer, "", PeerPaths.STATUS, false, true, timeoutNanos, null, kind, null, Expect.STATUS);
  }

  /**
   * Any request: {@code write} (a method, path and body; its group {@code null} when the path names
   * none) or, without one, a GET of {@code group}/{@code key} or of the base path ({@link Answer#PROBE});
   * {@code relayTo} names the peer a relay carries it to (the one {@code peer} names too).
   */
  static Fetch of(String peer, String group, String key, long timeoutNanos, Write write, PeerKind kind, String relayTo,
      Expect expect) {
    return new Fetch(peer, group, key, expect == Expect.PROBE, false, timeoutNanos, write, kind, relayTo, expect);
  }

  private Fetch(String peer, String group, String key, boolean probe, boolean status, long timeoutNanos, Write write,
      PeerKind kind, String relayTo, Expect expect) {
    this.peer = peer;
    this.group = group;
    this.key = key;
    this.probe = probe;
    this.status = status;
    this.timeoutNanos = timeoutNanos;
    this.write = write;
    this.kind = kind;
    this.relayTo = relayTo;
    this.expect = expect;
  }

  boolean isDone() {
    return result.isDone();
  }

  /** A transport failure of this fetch: {@code what} happened. */
  PeerFetchException failure(PeerFetchException.Reason reason, String what, Throwable cause) {
    return new PeerFetchException(reason, peer, group, key, request(), what, cause);
  }

  /** What this request is, for a failure's message. */
  private String request() {
    if (write == null) {
      return "fetch";
    }
    return switch (write.method()) {
      case "DELETE" -> "remove";
      case "PUT" -> "set";
      default -> write.pathTail().equals(PeerPaths.REMOVE_KEYS) ? "removal"
          : write.pathTail().equals(CallerLoadedWire.CLEAR) ? "clear" : "request";
    };
  }

  @Override
  public String toString() {
    return "Fetch[" + group + "/" + key + " from " + peer + "]";
  }
}
