package org.groupcache4j.peer;

import java.util.concurrent.CompletableFuture;
import org.groupcache4j.ByteView;

/**
 * Fetches keys from one remote peer. Implementations are asynchronous and never block the caller.
 *
 * <p>The returned future completes:
 * <ul>
 *   <li>with the value, when the owner answered with one;</li>
 *   <li>exceptionally with a {@link org.groupcache4j.GroupCacheException} whose
 *       {@code owner()} is this peer ({@link org.groupcache4j.LoadException},
 *       {@link org.groupcache4j.LoadTimeoutException} or
 *       {@link org.groupcache4j.KeyNotFoundException}), when the owner's loader answered with a
 *       failure: the group passes it back to its caller and does not load again;</li>
 *   <li>exceptionally with anything else (connection refused or reset, timeout, a response that
 *       is not the protocol's, an unknown group at the peer) for a transport failure: the group
 *       counts a peer error and loads the key itself.</li>
 * </ul>
 */
public interface PeerClient extends AutoCloseable {
  /** The peer's URL, as named in the peer list. */
  String url();

  /** Asks the peer for {@code key} of {@code group}; the peer answers it without forwarding. */
  CompletableFuture<ByteView> fetch(String group, String key);

  /**
   * Fails every fetch of this client that is not complete yet at once, as a transport failure
   * caused by {@code cause}, so that their callers fall back to a local load now rather than at
   * their deadline: for a peer judged down. Fetches started later are not affected. The default
   * has nothing to release.
   *
   * @return completes with the number of fetches failed
   */
  default CompletableFuture<Integer> failPending(Throwable cause) {
    return CompletableFuture.completedFuture(0);
  }

  /** Releases connections; later fetches fail. */
  @Override
  default void close() {}
}
