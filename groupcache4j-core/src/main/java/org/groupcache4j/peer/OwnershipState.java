package org.groupcache4j.peer;

/**
 * Whether a node of ours lets itself own keys now, as its probe answers (and every other answer
 * between our nodes) say. A peer that answers but is not {@link #READY} is kept out of the live
 * ring exactly like a peer judged down: its keys stay with their interim owners. It is still sent
 * writes and hints. golang/groupcache, mailgun and groupcache-go peers have no state: a peer of
 * theirs that answers is ready.
 */
public enum OwnershipState {
  /** It owns its keys. */
  READY("ready"),
  /**
   * It knows it was away (it was paused, it lost every peer at once, it rejoined the peer list)
   * and is applying what it missed: it serves nothing from its own stores until it has.
   */
  CATCHING_UP("catching-up"),
  /** It is leaving on purpose (shutting down, or out of the peer list): its keys go to the others. */
  DRAINING("draining");

  private final String wireName;

  OwnershipState(String wireName) {
    this.wireName = wireName;
  }

  /** The name on the wire and in documents: {@code ready}, {@code catching-up}, {@code draining}. */
  public String wireName() {
    return wireName;
  }

  /** The state named {@code name} on the wire, or {@code null} for a name this version does not know. */
  public static OwnershipState fromWireName(CharSequence name) {
    if (name == null) {
      return null;
    }
    for (OwnershipState s : values()) {
      if (s.wireName.contentEquals(name)) {
        return s;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return wireName;
  }
}
