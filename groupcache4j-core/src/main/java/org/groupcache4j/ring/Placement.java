package org.groupcache4j.ring;

/** Where a ring's keys go: one implementation per {@link RingMode}. Immutable, lock-free lookups. */
abstract class Placement {
  /** The owner of the key whose UTF-8 bytes are {@code key}; never called on an empty ring. */
  abstract String owner(byte[] key);

  /**
   * The key's owner on the ring without its owner: the member that takes the key over when the
   * owner leaves; {@code null} with fewer than two members. Never called on an empty ring.
   */
  abstract String successor(byte[] key);

  /**
   * On a ring of points sorted with their owners, the owner of the first point after
   * {@code index} that another member owns: removing a member removes its points, so a key of
   * its goes to the next point of another member.
   */
  static String nextOtherOwner(String[] owners, int index) {
    String owner = owners[index];
    for (int step = 1; step < owners.length; step++) {
      String o = owners[(index + step) % owners.length];
      if (!o.equals(owner)) {
        return o;
      }
    }
    return null;
  }

  /** Each member's share of the hash space, by member index (the order the ring was given its peers). */
  abstract double[] shares();

  /** The share of the hash space whose owner differs here and in {@code other}, a placement of the same kind. */
  abstract double changedShare(Placement other);

  /**
   * The share of a ring whose owner differs between two point rings: both sorted ascending as
   * their lookups compare (signed), owners by point. Walks the merged points: on each arc between
   * two consecutive ones, each ring's owner is that of its first point at or after the arc's end.
   *
   * @param bits64 a 64-bit ring (else 32-bit, with points in {@code 0..2^32-1})
   */
  static double changedShare(long[] pa, String[] oa, long[] pb, String[] ob, boolean bits64) {
    double ring = bits64 ? Math.pow(2, 64) : (double) (1L << 32);
    long prev = Math.max(pa[pa.length - 1], pb[pb.length - 1]);
    int i = 0;
    int j = 0;
    double changed = 0;
    boolean first = true;
    while (i < pa.length || j < pb.length) {
      long y = i == pa.length ? pb[j] : j == pb.length ? pa[i] : Math.min(pa[i], pb[j]);
      String a = oa[i == pa.length ? 0 : i];
      String b = ob[j == pb.length ? 0 : j];
      if (!a.equals(b)) {
        double arc = bits64 ? unsigned(y - prev) : (double) ((y - prev + (1L << 32)) % (1L << 32));
        changed += first && arc == 0 ? ring : arc; // one point in all: the whole ring
      }
      first = false;
      prev = y;
      while (i < pa.length && pa[i] == y) {
        i++;
      }
      while (j < pb.length && pb[j] == y) {
        j++;
      }
    }
    return changed / ring;
  }

  /** {@code x} read as an unsigned 64-bit number. */
  static double unsigned(long x) {
    return (double) (x >>> 1) * 2.0 + (x & 1);
  }
}
