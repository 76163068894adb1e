package org.groupcache4j.ring;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * An immutable consistent-hash ring, point for point the one of golang/groupcache's
 * {@code consistenthash} package, so that our nodes and Go nodes agree on every key's owner.
 *
 * <p>For each peer, in the order given, and each {@code i} in {@code 0 .. replicas-1}, a point
 * is placed at {@code hash(UTF-8(Integer.toString(i) + peer))}. Points are sorted as unsigned
 * 32-bit values. A key's owner is the peer of the first point {@code >= hash(UTF-8(key))},
 * wrapping around to the first point. Where two points are equal, the peer added later owns it,
 * because Go's map assignment lets the later peer overwrite the earlier one.
 *
 * <p>Lookups are a binary search over a sorted array and take no lock; a membership change builds
 * a new ring (see {@link #withPeers}).
 */
public final class HashRing {
  /** golang/groupcache's HTTPPool default. */
  public static final int DEFAULT_REPLICAS = 50;

  private final int replicas;
  private final HashFunction hash;
  private final List<String> peers;
  private final long[] points; // sorted unsigned 32-bit positions
  private final String[] owners; // owners[i] owns points[i]
  private final String fingerprint;

  private HashRing(List<String> peers, int replicas, HashFunction hash) {
    if (replicas < 1) {
      throw new IllegalArgumentException("replicas must be >= 1, was " + replicas);
    }
    this.replicas = replicas;
    this.hash = Objects.requireNonNull(hash, "hash");
    this.peers = List.copyOf(peers);
    int n = this.peers.size() * replicas;
    long[] keyed = new long[n];
    // Encode (position, insertion index) so that the sort keeps insertion order for equal positions.
    String[] byIndex = new String[n];
    int k = 0;
    for (String peer : this.peers) {
      for (int i = 0; i < replicas; i++) {
        long p = hash.hash((i + peer).getBytes(StandardCharsets.UTF_8)) & 0xFFFF_FFFFL;
        keyed[k] = (p << 31) | k; // n < 2^31
        byIndex[k] = peer;
        k++;
      }
    }
    Arrays.sort(keyed);
    // Collapse equal positions: the last inserted peer wins (Go overwrites hashMap[hash]).
    long[] pts = new long[n];
    String[] own = new String[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      long p = keyed[i] >>> 31;
      String owner = byIndex[(int) (keyed[i] & 0x7FFF_FFFFL)];
      if (m > 0 && pts[m - 1] == p) {
        own[m - 1] = owner; // later insertion sorts later
      } else {
        pts[m] = p;
        own[m] = owner;
        m++;
      }
    }
    this.points = Arrays.copyOf(pts, m);
    this.owners = Arrays.copyOf(own, m);
    this.fingerprint = fingerprint(this.peers, replicas);
  }

  private static String fingerprint(List<String> peers, int replicas) {
    String[] sorted = peers.toArray(new String[0]);
    Arrays.sort(sorted);
    CRC32 crc = new CRC32();
    crc.update(Integer.toString(replicas).getBytes(StandardCharsets.UTF_8));
    for (String p : sorted) {
      crc.update('\n');
      crc.update(p.getBytes(StandardCharsets.UTF_8));
    }
    return String.format("%08x", crc.getValue());
  }

  /** A ring of {@code peers} (duplicates dropped, order kept) with the groupcache defaults: 50 replicas, CRC-32. */
  public static HashRing of(Collection<String> peers) {
    return of(peers, DEFAULT_REPLICAS, HashFunction.CRC32_IEEE);
  }

  /** A ring of {@code peers} (duplicates dropped, order kept). */
  public static HashRing of(Collection<String> peers, int replicas, HashFunction hash) {
    List<String> unique = new ArrayList<>(new LinkedHashSet<>(peers));
    for (String p : unique) {
      Objects.requireNonNull(p, "peer");
    }
    return new HashRing(unique, replicas, hash);
  }

  /** A new ring with the same options and another peer list. */
  public HashRing withPeers(Collection<String> newPeers) {
    return of(newPeers, replicas, hash);
  }

  /** Whether the ring has no peers. */
  public boolean isEmpty() {
    return points.length == 0;
  }

  /** The peer that owns {@code key}, or {@code null} if the ring is empty. */
  public String owner(String key) {
    if (points.length == 0) {
      return null;
    }
    long h = hash.hash(key.getBytes(StandardCharsets.UTF_8)) & 0xFFFF_FFFFL;
    int lo = 0;
    int hi = points.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (points[mid] < h) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return owners[lo == points.length ? 0 : lo];
  }

  /** The peers, in the order they were added. */
  public List<String> peers() {
    return peers;
  }

  /**
   * A short hex digest (CRC-32) of the replica count and the set of peers, in no particular order:
   * nodes whose rings place every key alike have the same one (given the same hash function).
   * Nodes exchange it with each request and answer to notice a mismatched peer list.
   */
  public String fingerprint() {
    return fingerprint;
  }

  public int replicas() {
    return replicas;
  }

  public HashFunction hashFunction() {
    return hash;
  }

  /**
   * Each peer's share of the hash space (0..1, summing to 1): the fraction of uniformly hashed keys
   * it owns. Peers in the ring's order; empty for an empty ring.
   */
  public Map<String, Double> shares() {
    Map<String, Double> shares = new LinkedHashMap<>();
    for (String p : peers) {
      shares.put(p, 0.0);
    }
    for (int i = 0; i < points.length; i++) {
      // points[i] owns the hashes after the previous point, up to and including its own.
      long arc = i == 0 ? points[0] + (1L << 32) - points[points.length - 1] : points[i] - points[i - 1];
      shares.merge(owners[i], arc / (double) (1L << 32), Double::sum);
    }
    return shares;
  }

  @Override
  public String toString() {
    return "HashRing" + peers + " replicas=" + replicas;
  }
}
