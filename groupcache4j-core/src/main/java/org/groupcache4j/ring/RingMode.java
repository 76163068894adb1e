package org.groupcache4j.ring;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a {@link HashRing} places keys. Every node of a cluster must use the same mode: the first
 * three are the rings of the three groupcache lineages, so that a node of ours and theirs agree on
 * every key's owner; {@link #BALANCED} is for clusters of our own nodes only.
 */
public enum RingMode {
  /**
   * golang/groupcache's {@code consistenthash} (and mailgun/groupcache before v2.2.1): for each
   * peer URL and {@code i} in {@code 0..replicas-1} a point at {@code CRC32(i + url)}; a key goes
   * to the first point at or after {@code CRC32(key)}, wrapping. The default.
   */
  GOLANG("golang"),
  /**
   * mailgun/groupcache v2 (since v2.2.1): points at {@code FNV-1-64(hex(MD5(i + url)))}, the key's
   * point {@code FNV-1-64(key)}, compared as signed 64-bit numbers; the peer URL is hashed exactly
   * as given.
   */
  MAILGUN("mailgun"),
  /**
   * groupcache-go v3: the ring of {@link #MAILGUN} over each peer's {@code host:port} (the
   * authority of its URL, as written, without the scheme), which is how groupcache-go names peers.
   */
  GROUPCACHE_GO("groupcache-go"),
  /**
   * For clusters of groupcache4j nodes only: every node owns within 4% of the mean share of the
   * keys, and a node that joins or leaves moves little more than its own share (see the class
   * comment of {@code BalancedTable} and BENCHMARKS.md). It has no replicas option. No groupcache
   * of another lineage can place keys this way.
   */
  BALANCED("balanced");

  private final String id;

  RingMode(String id) {
    this.id = id;
  }

  /** The mode's name in configuration and on the command line: {@code golang}, {@code mailgun}, {@code groupcache-go} or {@code balanced}. */
  public String id() {
    return id;
  }

  /**
   * The mode named {@code id} (as {@link #id()}, in any case).
   *
   * @throws IllegalArgumentException naming the accepted values when {@code id} is none of them
   */
  public static RingMode fromId(String id) {
    if (id != null) {
      String s = id.trim().toLowerCase(Locale.ROOT);
      for (RingMode m : values()) {
        if (m.id.equals(s)) {
          return m;
        }
      }
    }
    throw new IllegalArgumentException("unknown ring mode '" + id + "'; expected one of " + ids());
  }

  /** The accepted names, comma-separated, for messages. */
  public static String ids() {
    return Arrays.stream(values()).map(RingMode::id).collect(Collectors.joining(", "));
  }

  /** Whether the mode has a replicas (points per peer) option: all but {@link #BALANCED}. */
  public boolean hasReplicas() {
    return this != BALANCED;
  }

  /**
   * The string this mode's ring hashes for {@code peer}: the peer URL exactly as given, except in
   * {@link #GROUPCACHE_GO}, where it is the URL's authority ({@code http://10.0.0.2:8080/x} gives
   * {@code 10.0.0.2:8080}; a bare {@code 10.0.0.2:8080} is itself).
   *
   * @throws IllegalArgumentException in {@link #GROUPCACHE_GO} mode, if {@code peer} has no host
   */
  public String memberName(String peer) {
    if (this != GROUPCACHE_GO) {
      return peer;
    }
    int start = peer.indexOf("://");
    start = start < 0 ? 0 : start + 3;
    int end = peer.length();
    for (int i = start; i < peer.length(); i++) {
      char c = peer.charAt(i);
      if (c == '/' || c == '?' || c == '#') {
        end = i;
        break;
      }
    }
    String authority = peer.substring(start, end);
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      authority = authority.substring(at + 1);
    }
    if (authority.isEmpty()) {
      throw new IllegalArgumentException("peer '" + peer + "' has no host:port, which a groupcache-go ring "
          + "hashes; write it as http://HOST:PORT or HOST:PORT");
    }
    return authority;
  }

  @Override
  public String toString() {
    return id;
  }
}
