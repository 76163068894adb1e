package org.groupcache4j.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A peer's share of the ring is the fraction of keys it owns. */
class HashRingSharesTest {
  @Test
  void sharesSumToOneAndMatchTheKeysEachPeerOwns() {
    HashRing ring = HashRing.of(List.of("http://10.0.0.1:8001", "http://10.0.0.2:8001", "http://10.0.0.3:8001"));
    Map<String, Double> shares = ring.shares();
    assertThat(shares.keySet()).containsExactlyElementsOf(ring.peers());
    assertThat(shares.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-9));

    Map<String, Integer> owned = new HashMap<>();
    SplittableRandom rnd = new SplittableRandom(7);
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      owned.merge(ring.owner(Long.toHexString(rnd.nextLong())), 1, Integer::sum);
    }
    for (String p : ring.peers()) {
      assertThat(owned.get(p) / (double) n).as("keys owned by %s", p).isCloseTo(shares.get(p), within(0.01));
    }
  }

  @Test
  void oneReplicaAndOnePeerOwnsEverything() {
    assertThat(HashRing.of(List.of("a"), 1, HashFunction.CRC32_IEEE).shares()).containsExactly(Map.entry("a", 1.0));
    assertThat(HashRing.of(List.of()).shares()).isEmpty();
  }
}
