package org.groupcache4j.peer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link PeerClient} that can hand a departing node's entries to its peer, implemented by
 * transports between our own nodes (groupcache4j-http's client sends it only to a peer whose
 * answers show it is one of ours; a golang/groupcache peer is never sent one). A
 * {@link org.groupcache4j.GroupCache} that closes uses it when its clients implement it; without
 * it, a node leaves with nothing handed off.
 *
 * <p>A handoff is a series of requests from the departing node: the first, with no entries, is
 * the notice ({@code window}: how long the receiver should expect entries from the sender); the
 * receiver then stops giving the sender keys to own and remembers the keys written from then on,
 * so that an entry read after the notice is dropped if the key was written before it arrived.
 * Then come the batches of entries.
 */
public interface HandoffClient {
  /**
   * Sends the notice ({@code entries} empty) or a batch of entries from {@code sender} (the
   * departing node's URL). Completes with what the receiver did with them, or exceptionally when
   * the peer refused (it is departing itself, or does not take handoffs) or did not answer.
   */
  CompletableFuture<Reply> handoff(String sender, Duration window, List<HandoffEntry> entries);

  /**
   * Asks the peer for the fresh main-store entries of {@code group} it holds of keys that
   * {@code requester} (this node's URL) owns on the ring of the members, the most valuable first,
   * at most {@code maxBytes} of them, and for the keys of the requester's it held only as copies
   * and was asked for lately: how a node that starts again takes its keys back. Completes
   * exceptionally when the peer refuses (it does not serve from its stores now, or does not list
   * the requester yet) or does not take part (not one of ours).
   */
  default CompletableFuture<TakeBackAnswer> takeBack(String requester, String group, long maxBytes) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException("this transport does not take keys back"));
  }

  /** What a receiver did with a batch: entries kept, and entries dropped because the key was written since the notice or is already held here. */
  record Reply(int kept, int dropped) {}
}
