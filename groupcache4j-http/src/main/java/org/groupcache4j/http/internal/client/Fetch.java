package org.groupcache4j.http.internal.client;

import java.util.concurrent.CompletableFuture;
import org.groupcache4j.http.PeerFetchException;
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
  /**
   * Completes with a {@link org.groupcache4j.peer.PeerValue} (fetch), {@link #WRITTEN} (write), an
   * {@link Answer} (a write that answers),
   * the document as a {@code String} (status), anything (probe).
   */
  final CompletableFuture<Object> result = new CompletableFuture<>();

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
   * A write: its method, what follows the group in the path (escaped; with no group, what follows
   * the base path), its body, whether its 200 answer's body is its outcome (as a {@code byte[]})
   * rather than {@link #WRITTEN}, and whether it {@code answers}: completes with its
   * {@link Answer} (a status, 2xx or 409, and a body the caller reads), as the requests of
   * caller-loaded groups do.
   */
  record Write(String method, String pathTail, String contentType, byte[] body, boolean readsAnswer, boolean answers) {
    Write(String method, String pathTail, String contentType, byte[] body, boolean readsAnswer) {
      this(method, pathTail, contentType, body, readsAnswer, false);
    }

    /** A write that {@code answers}. */
    static Write answering(String method, String pathTail, String contentType, byte[] body) {
      return new Write(method, pathTail, contentType, body, false, true);
    }

    Write(String method, String pathTail, String contentType, byte[] body) {
      this(method, pathTail, contentType, body, false);
    }
  }

  /** The answer of a {@link Write} that {@code answers}: its status (2xx or 409) and body. */
  record Answer(int status, byte[] body) {}

  /** A fetch (or probe) whose peer kind is learned for nobody (tests). */
  Fetch(String peer, String group, String key, boolean probe, long timeoutNanos) {
    this(peer, group, key, probe, timeoutNanos, null, new PeerKind());
  }

  Fetch(String peer, String group, String key, boolean probe, long timeoutNanos, Write write, PeerKind kind) {
    this(peer, group, key, probe, false, timeoutNanos, write, kind);
  }

  /** A request for the peer's status document ({@code GET {basePath}_stats}). */
  static Fetch status(String peer, long timeoutNanos, PeerKind kind) {
    return new Fetch(peer, "", PeerPaths.STATUS, false, true, timeoutNanos, null, kind);
  }

  private Fetch(String peer, String group, String key, boolean probe, boolean status, long timeoutNanos, Write write,
      PeerKind kind) {
    this.peer = peer;
    this.group = group;
    this.key = key;
    this.probe = probe;
    this.status = status;
    this.timeoutNanos = timeoutNanos;
    this.write = write;
    this.kind = kind;
  }

  boolean isDone() {
    return result.isDone();
  }

  /** A transport failure of this fetch: {@code what} happened. */
  PeerFetchException failure(PeerFetchException.Reason reason, String what, Throwable cause) {
    return new PeerFetchException(reason, peer, group, key, what, cause);
  }

  @Override
  public String toString() {
    return "Fetch[" + group + "/" + key + " from " + peer + "]";
  }
}
