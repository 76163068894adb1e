package org.groupcache4j.testing;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.groupcache4j.GroupCache;
import org.groupcache4j.peer.PeerState;

/**
 * Whether the nodes of a cluster have heard from each other: every node judges each of its peers
 * up, and has had an answer from it.
 *
 * <p>Until then a cluster's nodes may disagree on owners. Nodes that start together refuse each
 * other's first probes (which judges nobody down: each node gives a peer that never answered a
 * grace period for refusals), but a first probe left unanswered past the probe timeout, as on a
 * loaded machine, judges its peer down at once, and the others load its keys until it has
 * answered two probes in a row. A test that counts who loaded what, or that cuts a peer off and
 * expects it to be judged down, waits for the formed cluster first.
 *
 * <p>With probes off ({@code peerProbeInterval(Duration.ZERO)}) a node judges nobody: it counts
 * as formed.
 */
public final class ClusterFormation {
  private ClusterFormation() {}

  /** Whether {@code node} judges every peer of its list up, each having answered it. */
  public static boolean isFormed(GroupCache node) {
    return node.peerStates().stream().allMatch(ClusterFormation::answered);
  }

  /** Whether every one of {@code nodes} {@linkplain #isFormed(GroupCache) is formed}. */
  public static boolean isFormed(Collection<GroupCache> nodes) {
    return nodes.stream().allMatch(ClusterFormation::isFormed);
  }

  /**
   * Waits until every one of {@code nodes} {@linkplain #isFormed(GroupCache) is formed}, checking
   * every 20 ms.
   *
   * @throws AssertionError if that does not happen within {@code atMost}: it says what each node thinks of each peer
   */
  public static void awaitFormed(Collection<GroupCache> nodes, Duration atMost) {
    List<GroupCache> all = List.copyOf(nodes);
    long deadline = System.nanoTime() + atMost.toNanos();
    while (!isFormed(all)) {
      if (System.nanoTime() - deadline > 0) {
        StringBuilder sb = new StringBuilder("the nodes did not all hear from each other within " + atMost + ":");
        for (GroupCache n : all) {
          sb.append("\n  ").append(n.self()).append(" thinks");
          for (PeerState p : n.peerStates()) {
            sb.append("\n    ").append(p.peer()).append(' ').append(p.status()).append(" since ").append(p.since())
                .append(": ").append(p.reason());
          }
        }
        throw new AssertionError(sb.toString());
      }
      try {
        TimeUnit.MILLISECONDS.sleep(20); // the probes run on the nodes' own timers: nothing to wait on
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for the nodes to hear from each other", e);
      }
    }
  }

  /**
   * Up on an answer: "answers probes" after its first answer to a probe, "answers probes again
   * (...)" after it came back, or "says it is ready" when an answer said it is ready after it had
   * said another state (catching up at its start), which replaces the reason and is kept by the
   * probes that follow; a peer that has not answered yet is up as "joined the peer list".
   */
  private static boolean answered(PeerState p) {
    return p.isUp() && (p.reason().startsWith("answers probes") || p.reason().equals("says it is ready"));
  }
}
