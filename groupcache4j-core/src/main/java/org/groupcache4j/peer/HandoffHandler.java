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
}
