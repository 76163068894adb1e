package org.groupcache4j;

/** How a group's stores choose what to drop when the byte budget is full. */
public enum EvictionPolicy {
  /**
   * Exact least-recently-used, as golang/groupcache evicts: the same choices as a
   * {@code LinkedHashMap} in access order. A hit takes no lock (it stamps its entry with the
   * time); an eviction finds the entry with the oldest stamp. Best when recent keys are the ones
   * read next; one pass over many keys that are never read again (a batch job, a crawler) pushes
   * the whole working set out.
   */
  LRU,
  /**
   * Window TinyLFU (Caffeine): a small LRU window in front of a segmented LRU, with a frequency
   * sketch deciding which of the window's victim and the main space's victim to keep. Resists
   * scans and one-hit wonders. The default, on the evidence in {@code BENCHMARKS.md}: its hits are
   * the cheaper (about 0.6 of Caffeine's own {@code getIfPresent} through {@code Group.get},
   * against about 0.35 for LRU, whose hits write to shared entries), a scan does not flush it, and
   * over the two real traces there it hits more often than LRU on average: by up to 3.5 points on
   * {@code web12}, while it trails LRU on {@code orm-busy} by up to 3 points at its smallest cache
   * sizes and is within a point of it at the larger ones.
   */
  W_TINY_LFU
}
