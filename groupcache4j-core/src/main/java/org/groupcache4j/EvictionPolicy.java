package org.groupcache4j;

/** How a group's stores choose what to drop when the byte budget is full. */
public enum EvictionPolicy {
  /**
   * Exact least-recently-used, as golang/groupcache evicts. Every hit reorders a list under a
   * lock, so reads cost more than with {@link #W_TINY_LFU}.
   */
  LRU,
  /**
   * Window TinyLFU (Caffeine): a small LRU window in front of a segmented LRU, with a frequency
   * sketch deciding which of the window's victim and the main space's victim to keep. Resists
   * scans and one-hit wonders. The default, for the hit path: a hit costs about a third of an
   * exact LRU's, whose every hit reorders a shared list ({@code BENCHMARKS.md}). On the two real
   * traces there, the policy itself hits more often than LRU at most cache sizes (up to +3.5
   * points on small caches); as a group runs it, with Caffeine's maintenance off the reading
   * thread, it still leads on {@code web12} but trails LRU on {@code orm-busy} by up to 3 points.
   */
  W_TINY_LFU
}
