package org.groupcache4j.http.internal.protocol;

import org.groupcache4j.peer.PeerRequestHandler;
import org.groupcache4j.ring.HashRing;
import org.groupcache4j.ring.RingMode;

/**
 * The ring fingerprint our nodes exchange in {@link PeerHeaders#RING} on peer requests and
 * answers, so that a node notices a peer whose peer list (or ring mode, or replicas) differs from
 * its own; and the node's ring mode, which says what its peers are ({@link #mode}). Compares what a peer
 * sent with the node's own ({@link PeerRequestHandler#ringFingerprint}) and tells the node of a
 * difference. A peer that sends none (golang/groupcache) is never a mismatch.
 */
public final class RingCheck {
  /** For clients of no node (e.g. the warm-up): sends nothing, checks nothing. */
  public static final RingCheck NONE = new RingCheck(null);

  private volatile PeerRequestHandler node;

  public RingCheck(PeerRequestHandler node) {
    this.node = node;
  }

  /** Sets the node, once the transport is started. */
  public void attach(PeerRequestHandler node) {
    if (this == NONE) {
      throw new IllegalStateException("RingCheck.NONE has no node");
    }
    this.node = node;
  }

  /** This node's fingerprint to send, or {@code null}. */
  public String ours() {
    PeerRequestHandler n = node;
    return n == null ? null : n.ringFingerprint();
  }

  /** How the node's ring places keys (what its peers are); the default mode while there is no node. */
  public RingMode mode() {
    PeerRequestHandler n = node;
    return n == null ? HashRing.DEFAULT_MODE : n.ringMode();
  }

  /** {@code theirs} (may be null: none sent) came from {@code peer}: tells the node if it is not ours. */
  public void heard(String peer, String theirs) {
    if (differs(theirs)) {
      mismatch(peer, theirs);
    }
  }

  /** Whether {@code theirs} (may be null: none sent) is a fingerprint other than ours; allocates nothing. */
  public boolean differs(String theirs) {
    if (theirs == null) {
      return false;
    }
    String ours = ours();
    return ours != null && !ours.equals(theirs);
  }

  /** The node, or {@code null} (not started yet, or {@link #NONE}). */
  public PeerRequestHandler node() {
    return node;
  }

  /** Tells the node that {@code peer} sent {@code theirs}, which {@link #differs}. */
  public void mismatch(String peer, String theirs) {
    PeerRequestHandler n = node;
    if (n != null) {
      n.ringMismatch(peer, theirs);
    }
  }
}
