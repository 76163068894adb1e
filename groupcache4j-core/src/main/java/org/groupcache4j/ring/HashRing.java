package org.groupcache4j.ring;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * An immutable consistent-hash ring: which peer owns each key. It places keys as one of the
 * groupcache lineages does ({@link RingMode}), so that our nodes and theirs agree on every owner,
 * or as {@link RingMode#BALANCED} for clusters of our own nodes.
 *
 * <p>The default, {@link RingMode#GOLANG}, is golang/groupcache's {@code consistenthash} point
 * for point: for each peer, in the order given, and each {@code i} in {@code 0 .. replicas-1}, a
 * point is placed at {@code hash(UTF-8(Integer.toString(i) + peer))}. Points are sorted as
 * unsigned 32-bit values. A key's owner is the peer of the first point {@code >= hash(UTF-8(key))},
 * wrapping around to the first point. Where two points are equal, the peer added later owns it,
 * because Go's map assignment lets the later peer overwrite the earlier one.
 *
 * <p>Lookups take no lock; a membership change builds a new ring (see {@link #withPeers}).
 */
public final class HashRing {
  /** golang/groupcache's HTTPPool default, and mailgun's and groupcache-go's. */
  public static final int DEFAULT_REPLICAS = 50;
  /** The mode of a ring unless one is chosen: golang/groupcache's, so that our nodes and golang's agree. */
  public static final RingMode DEFAULT_MODE = RingMode.GOLANG;

  private final RingMode mode;
  private final int replicas; // 0 for BALANCED
  private final HashFunction hash; // GOLANG only
  private final List<String> peers;
  private final Placement placement; // null when empty
  private final String fingerprint;

  private HashRing(RingMode mode, List<String> peers, int replicas, HashFunction hash) {
    this.mode = mode;
    this.replicas = replicas;
    this.hash = hash;
    this.peers = List.copyOf(peers);
    this.placement = this.peers.isEmpty() ? null : switch (mode) {
      case GOLANG -> new Crc32Points(this.peers, replicas, hash);
      case MAILGUN, GROUPCACHE_GO -> new Fnv64Points(this.peers, memberNames(mode, this.peers), replicas);
      case BALANCED -> new BalancedTable(this.peers);
    };
    this.fingerprint = fingerprint(mode, this.peers, replicas);
  }

  /** What the ring hashes for each peer; in groupcache-go mode two peers may not share a host:port. */
  private static List<String> memberNames(RingMode mode, List<String> peers) {
    List<String> names = new ArrayList<>(peers.size());
    Map<String, String> seen = new HashMap<>();
    for (String p : peers) {
      String name = mode.memberName(p);
      String other = seen.putIfAbsent(name, p);
      if (other != null) {
        throw new IllegalArgumentException("peers " + other + " and " + p + " are both " + name
            + " to a " + mode.id() + " ring, which names peers by host:port; give each peer its own host:port");
      }
      names.add(name);
    }
    return names;
  }

  private static String fingerprint(RingMode mode, List<String> peers, int replicas) {
    String[] sorted = peers.toArray(new String[0]);
    Arrays.sort(sorted);
    CRC32 crc = new CRC32();
    if (mode != RingMode.GOLANG) { // golang rings keep the fingerprint they had before there were modes
      String tag = "ring " + (mode == RingMode.BALANCED ? BalancedTable.VERSION : mode.id()) + "\n";
      crc.update(tag.getBytes(StandardCharsets.UTF_8));
    }
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

  /** A {@link RingMode#GOLANG} ring of {@code peers} (duplicates dropped, order kept) with this hash. */
  public static HashRing of(Collection<String> peers, int replicas, HashFunction hash) {
    checkReplicas(replicas);
    return new HashRing(RingMode.GOLANG, unique(peers), replicas, Objects.requireNonNull(hash, "hash"));
  }

  /**
   * A ring of {@code peers} (duplicates dropped, order kept) that places keys as {@code mode} does,
   * with that mode's defaults (50 replicas, none for {@link RingMode#BALANCED}).
   *
   * @throws IllegalArgumentException in {@link RingMode#GROUPCACHE_GO} mode, if a peer has no host
   *     or two peers have the same {@code host:port}; in {@link RingMode#BALANCED} mode, past
   *     65,535 peers
   */
  public static HashRing of(RingMode mode, Collection<String> peers) {
    Objects.requireNonNull(mode, "mode");
    return new HashRing(mode, unique(peers), mode.hasReplicas() ? DEFAULT_REPLICAS : 0,
        mode == RingMode.GOLANG ? HashFunction.CRC32_IEEE : null);
  }

  /**
   * A ring of {@code peers} (duplicates dropped, order kept) that places keys as {@code mode} does,
   * with {@code replicas} points per peer.
   *
   * @throws IllegalArgumentException if {@code replicas < 1}, or {@code mode} is
   *     {@link RingMode#BALANCED}, which has no replicas; and as {@link #of(RingMode, Collection)}
   */
  public static HashRing of(RingMode mode, Collection<String> peers, int replicas) {
    Objects.requireNonNull(mode, "mode");
    if (!mode.hasReplicas()) {
      throw new IllegalArgumentException("the " + mode.id() + " ring has no replicas option (it was given "
          + replicas + "); leave replicas unset, or choose another ring mode");
    }
    checkReplicas(replicas);
    return new HashRing(mode, unique(peers), replicas, mode == RingMode.GOLANG ? HashFunction.CRC32_IEEE : null);
  }

  private static void checkReplicas(int replicas) {
    if (replicas < 1) {
      throw new IllegalArgumentException("replicas must be >= 1, was " + replicas);
    }
  }

  private static List<String> unique(Collection<String> peers) {
    List<String> unique = new ArrayList<>(new LinkedHashSet<>(peers));
    for (String p : unique) {
      Objects.requireNonNull(p, "peer");
    }
    return unique;
  }

  /** A new ring with the same mode and options and another peer list. */
  public HashRing withPeers(Collection<String> newPeers) {
    return new HashRing(mode, unique(newPeers), replicas, hash);
  }

  /** How this ring places keys. */
  public RingMode mode() {
    return mode;
  }

  /** Whether the ring has no peers. */
  public boolean isEmpty() {
    return placement == null;
  }

  /** The peer that owns {@code key}, or {@code null} if the ring is empty. */
  public String owner(String key) {
    return placement == null ? null : placement.owner(key.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The owner of {@code key} on this ring without its owner: the peer that takes the key over when
   * the owner leaves (where a set value is also kept, so that the key survives its owner's death).
   * {@code null} when the ring has fewer than two peers. For point rings (every mode but
   * {@link RingMode#BALANCED}) it is the owner of the next point of another peer, exactly what the
   * ring without the owner gives (but for two peers whose points hash to the same position, where
   * the later one owns it); for balanced rings see {@code BalancedTable}.
   */
  public String successor(String key) {
    return placement == null ? null : placement.successor(key.getBytes(StandardCharsets.UTF_8));
  }

  /** The peers, in the order they were added. */
  public List<String> peers() {
    return peers;
  }

  /**
   * A short hex digest (CRC-32) of the mode, the replica count and the set of peers, in no
   * particular order: nodes whose rings place every key alike have the same one (given the same
   * hash function). A {@link RingMode#GOLANG} ring's is what it was before there were modes.
   * Nodes exchange it with each request and answer to notice a mismatched peer list.
   */
  public String fingerprint() {
    return fingerprint;
  }

  /** Points per peer; 0 for a {@link RingMode#BALANCED} ring, which has no such option. */
  public int replicas() {
    return replicas;
  }

  /** The hash of a {@link RingMode#GOLANG} ring; {@code null} for the other modes, whose hashes are fixed. */
  public HashFunction hashFunction() {
    return hash;
  }

  /**
   * Each peer's share of the hash space (0..1, summing to 1): the fraction of uniformly hashed keys
   * it owns. Peers in the ring's order; empty for an empty ring.
   */
  public Map<String, Double> shares() {
    Map<String, Double> shares = new LinkedHashMap<>();
    double[] byIndex = placement == null ? new double[0] : placement.shares();
    for (int i = 0; i < peers.size(); i++) {
      shares.put(peers.get(i), byIndex[i]);
    }
    return shares;
  }

  /**
   * The share of the hash space (0..1) whose owner differs on {@code other}: the fraction of
   * uniformly hashed keys that change owner when the cluster goes from this ring to that one.
   * Exact, from the rings' structure.
   *
   * @throws IllegalArgumentException if the rings do not hash keys alike (another mode, or another
   *     hash function)
   */
  public double changedShare(HashRing other) {
    if (other.mode != mode || !Objects.equals(other.hash, hash)) {
      throw new IllegalArgumentException("these rings hash keys differently (" + this + " and " + other
          + "): a key's owner can only be compared between rings of one mode and hash function");
    }
    if (placement == null || other.placement == null) {
      return placement == other.placement ? 0 : 1;
    }
    return placement.changedShare(other.placement);
  }

  @Override
  public String toString() {
    return "HashRing[" + mode.id() + "]" + peers + (mode.hasReplicas() ? " replicas=" + replicas : "");
  }
}
