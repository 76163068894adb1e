package org.groupcache4j.peer;

/**
 * A node that does not own keys now ({@link OwnershipState#CATCHING_UP}) was asked for a key as
 * its owner: it answers nothing from its stores and loads nothing, so that the asker, which learns
 * the node's state from the answer, asks the key's owner on the ring without it. A transport
 * answers it as a failure that is not the loader's (HTTP: {@code 503} with the node's state).
 */
public final class NodeNotReadyException extends RuntimeException {
  private final OwnershipState state;

  public NodeNotReadyException(String node, OwnershipState state) {
    super("node " + node + " does not own keys now (" + state.wireName() + "): ask the key's owner on the ring without it");
    this.state = state;
  }

  /** The node's state. */
  public OwnershipState state() {
    return state;
  }
}
