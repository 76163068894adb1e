package org.groupcache4j.peer;

import java.time.Instant;
import java.util.Objects;

/**
 * What this node thinks of one remote peer, from its probes, its fetches and what the peer's
 * answers say of it ({@link org.groupcache4j.GroupCache#peerStates()}).
 *
 * @param peer the peer's URL
 * @param status {@code UP}: it answers; {@code DOWN}: it does not, and its keys go to the owners of
 *     the ring without it until it answers again
 * @param since when it entered this status
 * @param reason why, e.g. "no answer to a probe within 1000 ms"
 * @param incarnation the peer's incarnation as its last answer gave it (a random number each node
 *     of ours draws at start; another one means it restarted), or 0 when none came (yet), as from a
 *     golang/groupcache peer
 * @param ownership whether it lets itself own keys now (its answers say; {@link OwnershipState#READY}
 *     for a peer that does not say). An {@code UP} peer owns its keys only when {@code READY}.
 * @param through the peer this node reaches it through when it cannot reach it directly (a cut
 *     between the two hosts while a third sees both), or {@code null}
 * @param refused for a {@code DOWN} peer: it refused connections (nothing listens: a dead process),
 *     rather than leaving them unanswered (frozen, cut off)
 */
public record PeerState(String peer, Status status, Instant since, String reason, long incarnation,
    OwnershipState ownership, String through, boolean refused) {
  /** Whether a peer answers. */
  public enum Status { UP, DOWN }

  public PeerState {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(ownership, "ownership");
  }

  /** A peer of no known incarnation, ready, reached directly. */
  public PeerState(String peer, Status status, Instant since, String reason) {
    this(peer, status, since, reason, 0, OwnershipState.READY, null, false);
  }

  public boolean isUp() {
    return status == Status.UP;
  }

  /** Whether the peer owns its keys now: it answers and it is {@link OwnershipState#READY}. */
  public boolean owns() {
    return status == Status.UP && ownership == OwnershipState.READY;
  }
}
