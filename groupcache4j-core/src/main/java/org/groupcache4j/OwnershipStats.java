package org.groupcache4j;

import java.util.Map;
import org.groupcache4j.peer.OwnershipState;

/**
 * What a node does to keep ownership changes safe ({@link GroupCache#ownershipStats()}): its own
 * state, the hints it holds for peers that missed writes, and how often it caught up.
 *
 * @param state whether it owns keys now, catches up, or drains
 * @param incarnation its incarnation (a random number drawn at start)
 * @param hintsPending per peer, the drops held for it now (a whole group, or everything, counts one)
 * @param hintsHeld drops held for peers so far (each key of each write a peer missed)
 * @param hintsDelivered drops that peers acknowledged
 * @param hintOverflows times a peer's drops were collapsed to a group or to everything (a bound was reached)
 * @param catchUps times this node caught up after it knew it was away (start included)
 * @param coarseDrops catch-ups that ended by dropping everything, since what was missed could not be known
 * @param hintsApplied drops this node applied from hints peers held for it
 * @param relayed requests this node carried between two peers that cannot reach each other, and
 *     requests it sent through another peer
 */
public record OwnershipStats(OwnershipState state, long incarnation, Map<String, Integer> hintsPending, long hintsHeld,
    long hintsDelivered, long hintOverflows, long catchUps, long coarseDrops, long hintsApplied, long relayed) {
  public OwnershipStats {
    hintsPending = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(hintsPending));
  }
}
