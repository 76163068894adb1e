package org.groupcache4j;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link Group#remove}, {@link Group#removeAll} or {@link Group#set} reached. This node is
 * in none of the lists; it always applies the write itself.
 *
 * <ul>
 *   <li>{@code told}: peers that applied it, directly or through another peer (a relay, for a peer
 *       this node cannot reach while another can).</li>
 *   <li>{@code hinted}: peers that could not be told now (down, timed out, cut off), for which this
 *       node keeps the drop (a hint) and delivers it when they answer again, before they own keys
 *       again. Until then such a peer may serve the old value to its own callers.</li>
 *   <li>{@code notCovered}: peers that cannot be told at all: peers that take no writes (a
 *       golang/groupcache node), peers that left the peer list, or any peer when the failure
 *       detector is off. Such a peer may serve the old value until its copy expires (at most the
 *       group's {@link Group.Builder#hotStoreMaxAge hot store max age} for a copy of a key it does
 *       not own).</li>
 * </ul>
 * Each peer not told comes with the reason, in peer-list order.
 *
 * @param told peer URLs that applied the write
 * @param hinted peer URL to why it could not be told now; it will be told by a hint
 * @param notCovered peer URL to why it cannot be told
 */
public record WriteResult(List<String> told, Map<String, String> hinted, Map<String, String> notCovered) {
  public WriteResult {
    told = List.copyOf(told);
    hinted = Collections.unmodifiableMap(new LinkedHashMap<>(hinted));
    notCovered = Collections.unmodifiableMap(new LinkedHashMap<>(notCovered));
  }

  /** A result with no hints: every peer not told is not covered. */
  public WriteResult(List<String> told, Map<String, String> notTold) {
    this(told, Map.of(), notTold);
  }

  /** Every peer that did not apply the write now ({@link #hinted} and {@link #notCovered}), with why. */
  public Map<String, String> notTold() {
    Map<String, String> all = new LinkedHashMap<>(hinted);
    all.putAll(notCovered);
    return Collections.unmodifiableMap(all);
  }

  /** Whether every peer applied the write. */
  public boolean allTold() {
    return hinted.isEmpty() && notCovered.isEmpty();
  }
}
