package org.groupcache4j.ring;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.groupcache4j.internal.LongArrays;

/**
 * The ring of mailgun/groupcache v2 ({@code consistenthash.Map}) and groupcache-go v3
 * ({@code peer.Picker}) with their default hash: for each member, in the order given, and each
 * {@code i} in {@code 0..replicas-1}, a point at {@code FNV-1-64(hex(MD5(UTF-8(i + member))))}
 * (lower-case hex, 32 characters); a key's point is {@code FNV-1-64(UTF-8(key))}, and its owner
 * is the member of the first point at or after it, compared as Go's {@code int}, i.e. signed
 * 64-bit, wrapping to the first point. (On a circle that is the same successor as an unsigned
 * compare would give.)
 *
 * <p>Equal points (two members' MD5-FNV points colliding in 64 bits; never seen, about
 * {@code (50N)^2 / 2^65} likely) go to the member added later, as mailgun's map assignment does;
 * groupcache-go's unstable {@code sort.Slice} leaves that case unspecified.
 */
final class Fnv64Points extends Placement {
  private final long[] points; // sorted, signed
  private final int[] ownerIndex;
  private final String[] owners;
  private final int members;

  /**
   * @param members the peers, in the order given
   * @param names what the ring hashes for each of them (the URL, or its host:port), same order
   */
  Fnv64Points(List<String> members, List<String> names, int replicas) {
    this.members = members.size();
    MessageDigest md5;
    try {
      md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no MD5, which every Java platform must provide", e);
    }
    HexFormat hex = HexFormat.of();
    Map<Long, Integer> owner = new HashMap<>(members.size() * replicas * 2);
    for (int m = 0; m < names.size(); m++) {
      String name = names.get(m);
      for (int i = 0; i < replicas; i++) {
        byte[] digest = md5.digest((i + name).getBytes(StandardCharsets.UTF_8));
        long point = Fnv1.hash64(hex.formatHex(digest).getBytes(StandardCharsets.US_ASCII));
        owner.put(point, m); // a later member overwrites, as Go's hashMap[hash] = key
      }
    }
    long[] pts = new long[owner.size()];
    int k = 0;
    for (Long p : owner.keySet()) {
      pts[k++] = p;
    }
    Arrays.sort(pts);
    this.points = pts;
    this.ownerIndex = new int[pts.length];
    this.owners = new String[pts.length];
    for (int i = 0; i < pts.length; i++) {
      ownerIndex[i] = owner.get(pts[i]);
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
    int i = LongArrays.lowerBound(points, Fnv1.hash64(key));
    return i == points.length ? 0 : i;
  }

  @Override
  double changedShare(Placement other) {
    Fnv64Points o = (Fnv64Points) other;
    return changedShare(points, owners, o.points, o.owners, true);
  }

  @Override
  double[] shares() {
    double[] shares = new double[members];
    double ring = Math.pow(2, 64);
    if (points.length == 1) {
      shares[ownerIndex[0]] = 1.0;
      return shares;
    }
    for (int i = 0; i < points.length; i++) {
      long arc = points[i] - points[i == 0 ? points.length - 1 : i - 1]; // mod 2^64
      shares[ownerIndex[i]] += unsigned(arc) / ring;
    }
    return shares;
  }
}
