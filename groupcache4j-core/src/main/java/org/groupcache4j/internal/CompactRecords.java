package org.groupcache4j.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The record format of {@link CompactStore} and the hash of its keys.
 *
 * <pre>
 * [flags: 1 byte][expiry: 8 bytes, only if EXPIRES][key length: varint][value length: varint][key][value]
 * </pre>
 *
 * Flags: bits 0-3 count the hits since the record last passed the eviction cursor (0..15, as a
 * sketch counter saturates; raised by readers, never lowered in place: a record that keeps its
 * place is copied with the count cleared); {@link #NOT_FOUND} marks a cached "not found" whose value bytes are its detail text
 * (UTF-8, present when {@link #DETAIL}); {@link #EXPIRES} says an expiry (epoch milliseconds, big
 * endian) follows the flags. A record without expiry spends no byte on it. Varints are
 * unsigned LEB128 (7 bits a byte), so keys and values under 128 bytes cost one length byte each.
 *
 * <p>Keys are stored as UTF-8 with {@code String.getBytes(UTF_8)}'s rule for an unpaired
 * surrogate (it becomes {@code '?'}). The hash is a seeded 64-bit hash of those bytes, the same
 * whether computed from a {@code String} (on a read) or from the stored bytes (when the store
 * moves or drops a record), so the store never keeps a hash per record; being seeded per store,
 * keys chosen to collide in {@code String.hashCode} do not collide here.
 */
final class CompactRecords {
  static final int CLOCK = 0x0F;
  static final int NOT_FOUND = 0x10;
  static final int EXPIRES = 0x20;
  static final int DETAIL = 0x40;

  private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private CompactRecords() {}

  static int varintSize(int v) {
    return v < 1 << 7 ? 1 : v < 1 << 14 ? 2 : v < 1 << 21 ? 3 : v < 1 << 28 ? 4 : 5;
  }

  /** The size of a record with these lengths. */
  static long recordSize(int keyLength, int valueLength, boolean expires) {
    return 1L + varintSize(keyLength) + varintSize(valueLength) + (expires ? 8 : 0) + keyLength + valueLength;
  }

  static int writeVarint(byte[] a, int p, int v) {
    while ((v & ~0x7F) != 0) {
      a[p++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    a[p++] = (byte) v;
    return p;
  }

  static void writeLong(byte[] a, int p, long v) {
    LONG_BE.set(a, p, v);
  }

  static long readLong(byte[] a, int p) {
    return (long) LONG_BE.get(a, p);
  }

  /**
   * Decodes the varint at {@code a[p]}: returns {@code value << 32 | nextPosition}, or -1 if it
   * runs past {@code a} or past 5 bytes (a record read through a stale location may be anything).
   */
  static long readVarint(byte[] a, int p) {
    int v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (p >= a.length) {
        return -1;
      }
      int b = a[p++];
      v |= (b & 0x7F) << shift;
      if (b >= 0) {
        return v < 0 ? -1 : (long) v << 32 | p;
      }
    }
    return -1;
  }

  /**
   * Reads the record at {@code a[off]} as a reader must, trusting nothing: if it is a well-formed
   * record of {@code key} that lies within {@code a}, returns {@code valueLength << 32 |
   * valueOffset}, else -1.
   */
  static long match(String key, byte[] a, int off) {
    if (off < 0 || off >= a.length) {
      return -1;
    }
    int p = off + ((a[off] & EXPIRES) != 0 ? 9 : 1);
    if (p >= a.length - 1) {
      return -1;
    }
    int klen = a[p];
    if (klen >= 0) {
      p++;
    } else {
      long v = readVarint(a, p);
      if (v < 0) {
        return -1;
      }
      klen = (int) (v >>> 32);
      p = (int) v;
    }
    if (p >= a.length) {
      return -1;
    }
    int vlen = a[p];
    if (vlen >= 0) {
      p++;
    } else {
      long v = readVarint(a, p);
      if (v < 0) {
        return -1;
      }
      vlen = (int) (v >>> 32);
      p = (int) v;
    }
    if (klen > a.length - p || vlen > a.length - p - klen || !keyEquals(key, a, p, klen)) {
      return -1;
    }
    return (long) vlen << 32 | (p + klen);
  }

  /** Where the record at {@code off} keeps its expiry (if its flags say it has one). */
  static int expiryOffset(int off) {
    return off + 1;
  }

  /** Whether every char of {@code key} is ASCII: then its UTF-8 bytes are its chars. */
  static boolean isAscii(String key) {
    for (int i = 0, n = key.length(); i < n; i++) {
      if (key.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** The UTF-8 bytes of a key that is not all ASCII. */
  static byte[] utf8(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }

  /** Writes the ASCII {@code key} at {@code a[p]}. */
  static void writeAscii(String key, byte[] a, int p) {
    for (int i = 0, n = key.length(); i < n; i++) {
      a[p + i] = (byte) key.charAt(i);
    }
  }

  /** Whether {@code a[p .. p + length)} is the UTF-8 encoding of {@code key}. */
  static boolean keyEquals(String key, byte[] a, int p, int length) {
    int n = key.length();
    if (n > length) { // UTF-8 takes at least one byte per char
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = key.charAt(i);
      if (c >= 0x80) {
        byte[] k = utf8(key);
        return java.util.Arrays.equals(k, 0, k.length, a, p, p + length);
      }
      if (a[p + i] != (byte) c) {
        return false;
      }
    }
    return n == length;
  }

  // ---- the hash: 8 bytes at a time (little endian), seeded, murmur3's finaliser

  private static final long K1 = 0x9E3779B97F4A7C15L;
  private static final long K2 = 0xC2B2AE3D27D4EB4FL;

  private static long mix(long h, long w) {
    h ^= w * K1;
    return Long.rotateLeft(h, 29) * K2;
  }

  private static long finish(long h, long tail, int length) {
    h = mix(h ^ length, tail);
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    return h ^ (h >>> 33);
  }

  /** The hash of the UTF-8 bytes of {@code key}. */
  static long hash(String key, long seed) {
    int n = key.length();
    long h = seed;
    long w = 0;
    int shift = 0;
    for (int i = 0; i < n; i++) {
      char c = key.charAt(i);
      if (c >= 0x80) {
        byte[] b = utf8(key);
        return hash(b, 0, b.length, seed);
      }
      w |= (long) c << shift;
      shift += 8;
      if (shift == 64) {
        h = mix(h, w);
        w = 0;
        shift = 0;
      }
    }
    return finish(h, w, n);
  }

  /** The hash of {@code a[p .. p + length)}: equal to {@link #hash(String, long)} of the key they encode. */
  static long hash(byte[] a, int p, int length, long seed) {
    long h = seed;
    int end = p + length;
    while (end - p >= 8) {
      h = mix(h, (long) LONG_LE.get(a, p));
      p += 8;
    }
    long w = 0;
    for (int shift = 0; p < end; shift += 8) {
      w |= (a[p++] & 0xFFL) << shift;
    }
    return finish(h, w, length);
  }
}
