package org.groupcache4j.http.internal.client;

import java.util.concurrent.CompletableFuture;
import org.groupcache4j.ByteView;
import org.groupcache4j.http.PeerFetchException;

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
  final long timeoutNanos; // from its start to its outcome
  final CompletableFuture<ByteView> result = new CompletableFuture<>();

  long deadline; // a System.nanoTime() value
  Fetch prev; // in the deadline list
  Fetch next;
  boolean listed;

  PeerConnection conn; // the connection carrying it now, or null
  boolean waiting; // in the pool's queue for a free connection
  boolean reused; // its current connection carried an earlier fetch
  int attempts;

  Fetch(String peer, String group, String key, boolean probe, long timeoutNanos) {
    this.peer = peer;
    this.group = group;
    this.key = key;
    this.probe = probe;
    this.timeoutNanos = timeoutNanos;
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
