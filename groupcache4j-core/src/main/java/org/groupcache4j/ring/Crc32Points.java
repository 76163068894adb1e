package org.groupcache4j.ring;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.groupcache4j.internal.LongArrays;

/**
 * golang/groupcache's {@code consistenthash} point for point: for each member, in the order given,
 * and each {@code i} in {@code 0..replicas-1}, a point at {@code hash(UTF-8(i + member))} as an
 * unsigned 32-bit number; a key's owner is the member of the first point at or after
 * {@code hash(key)}, wrapping. Where two points are equal the member added later owns them, as Go's
 * map assignment lets the later one overwrite the earlier.
 */
final class Crc32Points extends Placement {
  private final HashFunction hash;
  private final long[] points; // sorted unsigned 32-bit positions
  private final String[] owners; // owners[i] owns points[i]
  private final int[] ownerIndex;
  private final int members;

  Crc32Points(List<String> members, int replicas, HashFunction hash) {
    this.hash = hash;
    this.members = members.size();
    int n = members.size() * replicas;
    long[] keyed = new long[n];
    // Encode (position, insertion index) so that the sort keeps insertion order for equal positions.
    int k = 0;
    for (String member : members) {
      for (int i = 0; i < replicas; i++) {
        long p = hash.hash((i + member).getBytes(StandardCharsets.UTF_8)) & 0xFFFF_FFFFL;
        keyed[k] = (p << 31) | k; // n < 2^31
        k++;
      }
    }
    Arrays.sort(keyed);
    long[] pts = new long[n];
    int[] own = new int[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      long p = keyed[i] >>> 31;
      int owner = (int) (keyed[i] & 0x7FFF_FFFFL) / replicas;
      if (m > 0 && pts[m - 1] == p) {
        own[m - 1] = owner; // later insertion sorts later
      } else {
        pts[m] = p;
        own[m] = owner;
        m++;
      }
    }
    this.points = Arrays.copyOf(pts, m);
    this.ownerIndex = Arrays.copyOf(own, m);
    this.owners = new String[m];
    for (int i = 0; i < m; i++) {
      owners[i] = members.get(ownerIndex[i]);
    }
  }

  @Override
  String owner(byte[] key) {
    return owners[pointOf(key)];
  }

  @Override
  String successor(byte[] key) {
    return nextOtherOwner(owners, pointOf(key));
  }

  /** The index of the key's point: the first at or after its hash, wrapping. */
  private int pointOf(byte[] key) {
    int i = LongArrays.lowerBound(points, hash.hash(key) & 0xFFFF_FFFFL);
    return i == points.length ? 0 : i;
  }

  @Override
  double changedShare(Placement other) {
    Crc32Points o = (Crc32Points) other;
    return changedShare(points, owners, o.points, o.owners, false);
  }

  @Override
  double[] shares() {
    double[] shares = new double[members];
    for (int i = 0; i < points.length; i++) {
      // points[i] owns the hashes after the previous point, up to and including its own.
      long arc = i == 0 ? points[0] + (1L << 32) - points[points.length - 1] : points[i] - points[i - 1];
      shares[ownerIndex[i]] += arc / (double) (1L << 32);
    }
    return shares;
  }
}
