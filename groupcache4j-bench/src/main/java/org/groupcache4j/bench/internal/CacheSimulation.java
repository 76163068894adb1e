package org.groupcache4j.bench.internal;

/** An online cache fed one access at a time: a miss brings the key in (if the policy admits it). */
public interface CacheSimulation {
  /** Accesses {@code key}; returns whether it was a hit. */
  boolean access(int key);

  /** Replays {@code trace}; returns the number of hits. */
  default long replay(int[] trace) {
    long hits = 0;
    for (int key : trace) {
      if (access(key)) {
        hits++;
      }
    }
    return hits;
  }
}
