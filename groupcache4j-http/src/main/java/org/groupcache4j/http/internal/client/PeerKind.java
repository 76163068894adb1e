package org.groupcache4j.http.internal.client;

import org.groupcache4j.ring.RingMode;

/**
 * What one peer is, as its answers show: one of our nodes (its answers carry
 * {@link org.groupcache4j.http.internal.protocol.PeerHeaders#NODE}) or another groupcache server.
 * Learned again from every answer, so a peer URL that moves from one kind of server to the other is
 * seen at its next answer.
 *
 * <p>Which writes a peer takes follows from that and from the node's ring mode, which names the
 * lineage of the other servers in the cluster:
 * <ul>
 *   <li>{@link RingMode#GOLANG} and {@link RingMode#BALANCED}: only our nodes. golang/groupcache
 *       answers every method as a GET, so a DELETE would load the key there;</li>
 *   <li>{@link RingMode#MAILGUN}: every peer, heard from or not (mailgun/groupcache v2 takes
 *       {@code PUT} with a {@code SetRequest} and {@code DELETE}); but {@code POST _remove-keys/}
 *       only our nodes: mailgun would take it for a GET of the key {@code _remove-keys/};</li>
 *   <li>{@link RingMode#GROUPCACHE_GO}: every peer, every write (groupcache-go v3 takes all three).</li>
 * </ul>
 */
final class PeerKind {
  static final int UNKNOWN = 0;
  static final int OURS = 1;
  static final int OTHER = 2;

  private volatile int state = UNKNOWN;

  /** An answer came, with or without the header. */
  void heard(boolean ours) {
    int s = ours ? OURS : OTHER;
    if (state != s) {
      state = s;
    }
  }

  int state() {
    return state;
  }

  /** Whether the peer takes a remove or a set in a cluster of this ring mode (false while unknown where only ours do). */
  boolean takesWrites(RingMode mode) {
    return otherLineageWrites(mode) || state == OURS;
  }

  /** Whether a peer not heard from yet must be asked something first, to learn whether it takes writes at all. */
  boolean mustLearnBeforeWrites(RingMode mode) {
    return !otherLineageWrites(mode) && state == UNKNOWN;
  }

  /** Whether the peer takes groupcache-go's {@code POST {group}/_remove-keys/}; else it gets one {@code DELETE} per key. */
  boolean takesRemoveKeys(RingMode mode) {
    return mode == RingMode.GROUPCACHE_GO || state == OURS;
  }

  /** Whether in a ring of this mode the other servers are a lineage that takes writes (mailgun v2, groupcache-go v3). */
  static boolean otherLineageWrites(RingMode mode) {
    return mode == RingMode.MAILGUN || mode == RingMode.GROUPCACHE_GO;
  }
}
