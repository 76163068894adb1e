package org.groupcache4j.ring;

/**
 * FNV-1, 64 bits (multiply by the prime, then xor the byte; not FNV-1a), the default hash of the
 * rings of mailgun/groupcache v2 and groupcache-go v3 ({@code segmentio/fasthash/fnv1.HashBytes64}).
 */
final class Fnv1 {
  private static final long OFFSET = 0xCBF29CE484222325L; // 14695981039346656037
  private static final long PRIME = 0x100000001B3L; // 1099511628211

  private Fnv1() {}

  static long hash64(byte[] data) {
    long h = OFFSET;
    for (byte b : data) {
      h = (h * PRIME) ^ (b & 0xFFL);
    }
    return h;
  }
}
