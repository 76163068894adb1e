package org.groupcache4j.ring;

/** Where a ring's keys go: one implementation per {@link RingMode}. Immutable, lock-free lookups. */
abstract class Placement {
  /** The owner of the key whose UTF-8 bytes are {@code key}; never called on an empty ring. */
  abstract String owner(byte[] key);

  /** Each member's share of the hash space, by member index (the order the ring was given its peers). */
  abstract double[] shares();

  /** {@code x} read as an unsigned 64-bit number. */
  static double unsigned(long x) {
    return (double) (x >>> 1) * 2.0 + (x & 1);
  }
}
