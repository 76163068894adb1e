package org.groupcache4j.peer;

import java.time.Duration;
import java.util.List;

/**
 * What a transport calls for a handoff that arrived from a departing peer ({@link HandoffClient});
 * the {@link PeerRequestHandler} of a {@link org.groupcache4j.GroupCache} implements it.
 */
public interface HandoffHandler {
  /**
   * Takes a notice ({@code entries} empty) or a batch of entries from {@code sender}.
   *
   * @throws IllegalStateException if this node is departing itself (a transport answers 503; the
   *     sender hands those keys to another peer) or was not sent a notice by {@code sender}
   */
  HandoffClient.Reply receiveHandoff(String sender, Duration window, List<HandoffEntry> entries);

  /**
   * What a peer that takes its keys back asked for ({@link HandoffClient#takeBack}): the entries of
   * its keys held here, and the keys of its held here only as copies and asked for lately.
   *
   * @throws IllegalStateException if this node does not serve from its stores now, or
   *     {@code requester} is not in its peer list (a transport answers 503)
   * @throws org.groupcache4j.UnknownGroupException if there is no such group here
   */
  default TakeBackAnswer takeBack(String requester, String group, long maxBytes) {
    throw new UnsupportedOperationException("this node does not hand keys back");
  }
}
