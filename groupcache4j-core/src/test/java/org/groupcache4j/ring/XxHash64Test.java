package org.groupcache4j.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.groupcache4j.internal.XxHash64;
import org.junit.jupiter.api.Test;

/**
 * XXH64 against the reference C library: {@code xxh64-vectors.tsv} holds XXH64 of 0 to 1,000
 * bytes (every length to 80, so each tail path and the 32-byte stripes are crossed) with three
 * seeds, written by Debian's libxxhash 0.8.1 ({@code XXH64(data, len, seed)} through ctypes).
 */
class XxHash64Test {
  @Test
  void matchesTheReferenceImplementation() throws Exception {
    int rows = 0;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        XxHash64Test.class.getResourceAsStream("/xxh64-vectors.tsv"), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t");
        byte[] data = HexFormat.of().parseHex(f[0]);
        long seed = Long.parseUnsignedLong(f[1], 16);
        assertThat(Long.toHexString(XxHash64.hash(data, seed))).as("XXH64 of %d bytes, seed %s", data.length, f[1])
            .isEqualTo(Long.toHexString(Long.parseUnsignedLong(f[2], 16)));
        rows++;
      }
    }
    assertThat(rows).isEqualTo(268);
  }
}
