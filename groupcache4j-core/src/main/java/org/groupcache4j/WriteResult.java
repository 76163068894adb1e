package org.groupcache4j;

import java.util.List;
import java.util.Map;

/**
 * What a {@link Group#remove}, {@link Group#removeAll} or {@link Group#set} reached: the peers
 * that applied it, and the peers that could not be told, each with the reason (unreachable, timed
 * out, or a peer that does not take writes, such as a golang/groupcache node). This node is in
 * neither list; it always applies the write itself.
 *
 * <p>A peer that was not told may serve the old value until its copy expires (at most the group's
 * {@link Group.Builder#hotStoreMaxAge hot store max age} for a copy of a key it does not own).
 *
 * @param told peer URLs that applied the write
 * @param notTold peer URL to the reason it could not be told, in peer-list order
 */
public record WriteResult(List<String> told, Map<String, String> notTold) {
  public WriteResult {
    told = List.copyOf(told);
    notTold = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(notTold));
  }

  /** Whether every peer applied the write. */
  public boolean allTold() {
    return notTold.isEmpty();
  }
}
