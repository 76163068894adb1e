package org.groupcache4j.ring;

import java.util.zip.CRC32;

/** Hashes bytes to an unsigned 32-bit ring position (returned in the low 32 bits of a long). */
@FunctionalInterface
public interface HashFunction {
  /** CRC-32 (IEEE), the hash of golang/groupcache's {@code consistenthash} by default. */
  HashFunction CRC32_IEEE = data -> {
    CRC32 crc = new CRC32();
    crc.update(data, 0, data.length);
    return crc.getValue();
  };

  /** The position of {@code data}, in {@code 0 .. 2^32-1}. */
  long hash(byte[] data);
}
