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
   * scans and one-hit wonders. The default: on the two real traces in {@code BENCHMARKS.md} the
   * policy hits more often than LRU at 8 of 10 cache sizes (up to +3.5 points on small caches),
   * and a hit costs a fraction of an exact LRU's, whose every hit reorders a shared list.
   */
  W_TINY_LFU
}
