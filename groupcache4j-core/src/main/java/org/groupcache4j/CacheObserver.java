package org.groupcache4j;

import java.util.List;

/**
 * Hears about the slow paths of a {@link GroupCache}: loads by this node's loader, fetches from
 * owning peers, and membership changes. Metrics (groupcache4j-micrometer) and operator logs are
 * built on it; a cache hit is never reported here (hits are counted by {@link Group#stats()}), so
 * an observer costs the hit path nothing.
 *
 * <p>Methods are called on the thread that finished the work (a loader thread or an event loop):
 * they must be quick, must not block, and should not throw (what they throw is ignored).
 * Register with {@link GroupCache.Builder#observer} or {@link GroupCache#addObserver}.
 */
public interface CacheObserver {
  /**
   * A load by this node's loader ended.
   *
   * @param nanos from the start of the load to its end (or its deadline)
   * @param failure null on success, else what the group's callers see (e.g. {@link LoadTimeoutException})
   */
  default void loaded(String group, String key, long nanos, Throwable failure) {}

  /**
   * A fetch of {@code key} from its owner {@code peer} ended.
   *
   * @param failure null on success; a {@link GroupCacheException} whose {@code isRemote()} is true
   *     when the owner answered with its loader's failure; anything else for a transport failure
   *     (this node then loads the key itself)
   */
  default void fetched(String group, String key, String peer, long nanos, Throwable failure) {}

  /** {@link GroupCache#setPeers} installed a new peer list ({@code self} included). */
  default void peersChanged(List<String> peers) {}

  /** A peer was judged down, or answers again ({@link GroupCache#peerStates()}). */
  default void peerStateChanged(org.groupcache4j.peer.PeerState state) {}

  /**
   * A request or answer from {@code peer} carried a ring fingerprint ({@code theirs}) that is not
   * this node's ({@link GroupCache#ringMismatches()}): the two disagree on keys' owners, for
   * instance because one has read a new peer list and the other not yet. A
   * {@link org.groupcache4j.discovery.PeerWatcher} looks its peers up again at once.
   */
  default void ringMismatch(String peer, String theirs) {}
}
