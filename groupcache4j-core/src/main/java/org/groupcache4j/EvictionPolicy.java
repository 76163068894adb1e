package org.groupcache4j;

/**
 * How a group's stores hold their entries and choose what to drop when the byte budget is full.
 *
 * <p>Which to pick: {@link #COMPACT} wherever memory or garbage collection matters, which is
 * almost everywhere: it holds small values at about 1.2 bytes of heap per byte of key
 * and value where the others need 2.5 or more, a handful of objects however many entries, and its
 * budget is the heap it takes. {@link #W_TINY_LFU} (on Caffeine) when entries are few and large
 * and a hit must be as cheap as Caffeine's own; {@link #LRU} to evict exactly as
 * golang/groupcache does. The budget of {@code COMPACT} counts everything the store holds
 * (record headers, index, unused segment space), that of the other two the key and value bytes
 * alone: the same budget holds somewhat fewer entries in {@code COMPACT}, in much less heap.
 * {@code BENCHMARKS.md} measures all three side by side. The default is
 * {@link Group.Builder#DEFAULT_EVICTION_POLICY}.
 */
public enum EvictionPolicy {
  /**
   * Exact least-recently-used, as golang/groupcache evicts: the same choices as a
   * {@code LinkedHashMap} in access order. A hit takes no lock (it stamps its entry with the
   * time); an eviction finds the entry with the oldest stamp. Best when recent keys are the ones
   * read next; one pass over many keys that are never read again (a batch job, a crawler) pushes
   * the whole working set out. Its budget counts key and value bytes; each entry costs about 190
   * bytes of heap besides them, in 7 objects.
   */
  LRU,
  /**
   * Window TinyLFU (Caffeine): a small LRU window in front of a segmented LRU, with a frequency
   * sketch deciding which of the window's victim and the main space's victim to keep, and a
   * window size adapted to the workload. Resists scans and one-hit wonders, and over the real
   * traces of {@code BENCHMARKS.md} hits more often than LRU on average. Its budget counts key
   * and value bytes; each entry costs about 190 bytes of heap besides them, in 7 objects.
   */
  W_TINY_LFU,
  /**
   * W-TinyLFU (the same window, frequency sketch, probation and protected parts and adapted
   * window as {@link #W_TINY_LFU}, within a point of its hit ratio on the traces of
   * {@code BENCHMARKS.md}) in a compact store: keys and values packed in large byte arrays that
   * are written once, found through an index of {@code long}s and read without a lock, so that
   * the number of objects does not grow with the number of entries and a collector has almost
   * nothing to mark; values are handed out as views of those arrays, without a copy. Its budget
   * counts all the heap the store holds (about 3 bytes of header and 20 of index an entry, and
   * unused space), so heap divided by budget stays close to 1 whatever the size of the values.
   */
  COMPACT
}
