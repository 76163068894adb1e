package org.groupcache4j.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BalancedRingTest {
  static List<String> peers(int n) {
    List<String> peers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      peers.add("http://10." + (i / 250) + "." + (i % 250) + ".9:8001");
    }
    return peers;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 10, 100, 1000})
  void noPeerOwnsMoreThanTheBoundOfTheHashSpace(int n) {
    HashRing ring = HashRing.of(RingMode.BALANCED, peers(n));
    Map<String, Double> shares = ring.shares();
    assertThat(shares).hasSize(n);
    assertThat(shares.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-9));
    double max = shares.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    double min = shares.values().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    // 1.04 x the mean, and never less than a whole slot's worth of rounding above it
    assertThat(max * n).as("busiest peer / mean at %d peers", n).isLessThanOrEqualTo(1.04 + n / (double) BalancedTable.SLOTS);
    assertThat(min * n).as("least busy peer / mean at %d peers", n).isGreaterThan(0.9);
  }

  @Test
  void sharesAreTheKeysEachPeerOwnsAndKeysThatDifferInTheirLastByteSpread() {
    HashRing ring = HashRing.of(RingMode.BALANCED, peers(10));
    Map<String, Integer> owned = new HashMap<>();
    int n = 300_000;
    for (int i = 0; i < n; i++) {
      owned.merge(ring.owner("key" + i), 1, Integer::sum);
    }
    for (Map.Entry<String, Double> e : ring.shares().entrySet()) {
      assertThat(owned.get(e.getKey()) / (double) n).as("keys owned by %s", e.getKey()).isCloseTo(e.getValue(), within(0.003));
    }
    // FNV-1 rings give key0..key9 one owner; here they spread as any ten keys do
    assertThat(java.util.stream.IntStream.range(0, 10).mapToObj(i -> ring.owner("key" + i)).distinct().count())
        .isGreaterThanOrEqualTo(4);
  }

  @Test
  void onlyTheSetOfPeersMatters() {
    List<String> peers = peers(37);
    HashRing ring = HashRing.of(RingMode.BALANCED, peers);
    List<String> shuffled = new ArrayList<>(peers);
    Collections.shuffle(shuffled, new Random(4));
    shuffled.add(peers.get(3)); // a duplicate is dropped
    HashRing other = HashRing.of(RingMode.BALANCED, shuffled);
    for (int i = 0; i < 20_000; i++) {
      assertThat(other.owner("k" + i)).isEqualTo(ring.owner("k" + i));
    }
    assertThat(other.fingerprint()).isEqualTo(ring.fingerprint());
    assertThat(other.peers()).isEqualTo(shuffled.subList(0, 37)); // peers() keeps the order given
    assertThat(other.shares().get(peers.get(5))).isEqualTo(ring.shares().get(peers.get(5)));
  }

  /**
   * Owners on a fixed peer list, as every version of the balanced ring must compute them: nodes of
   * two releases in one cluster agree only if this holds. If an intended change breaks it, change
   * {@link BalancedTable#VERSION} too (so mixed nodes see a fingerprint mismatch) and update it.
   */
  @Test
  void ownersArePinnedAcrossReleases() {
    HashRing ring = HashRing.of(RingMode.BALANCED, List.of("http://10.0.0.1:8001", "http://10.0.0.2:8001",
        "http://10.0.0.3:8001", "http://10.0.0.4:8001", "http://10.0.0.5:8001"));
    CRC32 crc = new CRC32();
    for (int i = 0; i < 10_000; i++) {
      crc.update(ring.owner("key" + i).getBytes(StandardCharsets.UTF_8));
    }
    assertThat(List.of(ring.owner("Tom"), ring.owner("Jack"), ring.owner("Sam"), ring.owner("")))
        .containsExactly(PINNED_TOM_JACK_SAM_EMPTY.toArray(new String[0]));
    assertThat(Long.toHexString(crc.getValue())).isEqualTo(PINNED_CRC_OF_OWNERS_OF_KEY0_TO_KEY9999);
    assertThat(ring.fingerprint()).isEqualTo(PINNED_FINGERPRINT);
  }

  private static final List<String> PINNED_TOM_JACK_SAM_EMPTY = List.of("http://10.0.0.2:8001", "http://10.0.0.4:8001",
      "http://10.0.0.1:8001", "http://10.0.0.3:8001");
  private static final String PINNED_CRC_OF_OWNERS_OF_KEY0_TO_KEY9999 = "96ee18e2";
  private static final String PINNED_FINGERPRINT = "7eaa632f";

  @Property(tries = 12)
  void aPeerThatJoinsTakesAboutItsShareAndLittleElseMoves(@ForAll @IntRange(min = 2, max = 120) int n,
      @ForAll @IntRange(min = 0, max = 1000) int which) {
    List<String> before = peers(n);
    List<String> after = new ArrayList<>(before);
    String joiner = "http://172.20." + which + ".1:8001";
    after.add(joiner);
    double moved = movedShare(HashRing.of(RingMode.BALANCED, before), HashRing.of(RingMode.BALANCED, after));
    assertThat(moved * (n + 1)).as("share moved / ideal 1/%d", n + 1).isBetween(0.9, 1.1);
  }

  @Property(tries = 12)
  void aPeerThatLeavesGivesUpAboutItsShareAndLittleElseMoves(@ForAll @IntRange(min = 3, max = 120) int n,
      @ForAll @IntRange(min = 0, max = 119) int which) {
    List<String> before = peers(n);
    List<String> after = new ArrayList<>(before);
    after.remove(which % n);
    double moved = movedShare(HashRing.of(RingMode.BALANCED, before), HashRing.of(RingMode.BALANCED, after));
    assertThat(moved * n).as("share moved / ideal 1/%d", n).isBetween(0.9, 1.1);
  }

  static double movedShare(HashRing a, HashRing b) {
    return a.changedShare(b);
  }

  @Test
  void theBalancedRingHasNoReplicasAndItsFingerprintIsItsOwn() {
    assertThatThrownBy(() -> HashRing.of(RingMode.BALANCED, peers(3), 50))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the balanced ring has no replicas option (it was given 50); leave replicas unset, or choose another ring mode");
    HashRing balanced = HashRing.of(RingMode.BALANCED, peers(3));
    assertThat(balanced.replicas()).isZero();
    assertThat(balanced.mode()).isEqualTo(RingMode.BALANCED);
    assertThat(balanced.withPeers(peers(4)).mode()).isEqualTo(RingMode.BALANCED);
    assertThat(HashRing.of(RingMode.BALANCED, List.of()).owner("k")).isNull();
    assertThat(HashRing.of(RingMode.BALANCED, List.of("http://only:1")).owner("k")).isEqualTo("http://only:1");
  }
}
