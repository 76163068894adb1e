package org.groupcache4j.peer;

import java.time.Instant;

/**
 * What this node thinks of one remote peer, from its probes and its fetches
 * ({@link org.groupcache4j.GroupCache#peerStates()}).
 *
 * @param peer the peer's URL
 * @param status {@code UP}: it owns its keys; {@code DOWN}: it does not answer, and its keys go to
 *     the owners of the ring without it until it answers again
 * @param since when it entered this status
 * @param reason why, e.g. "no answer to a probe within 1000 ms"
 */
public record PeerState(String peer, Status status, Instant since, String reason) {
  /** Whether a peer owns its keys. */
  public enum Status { UP, DOWN }

  public boolean isUp() {
    return status == Status.UP;
  }
}
