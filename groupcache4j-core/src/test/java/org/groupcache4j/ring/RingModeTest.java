package org.groupcache4j.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RingModeTest {
  private static final List<String> PEERS = List.of("http://10.0.0.1:8080", "http://10.0.0.2:8080", "http://10.0.0.3:8080");

  @Test
  void modesAreNamedAsInConfiguration() {
    assertThat(RingMode.fromId("golang")).isEqualTo(RingMode.GOLANG);
    assertThat(RingMode.fromId(" Groupcache-Go ")).isEqualTo(RingMode.GROUPCACHE_GO);
    assertThat(RingMode.fromId("mailgun")).isEqualTo(RingMode.MAILGUN);
    assertThat(RingMode.fromId("balanced")).isEqualTo(RingMode.BALANCED);
    assertThat(RingMode.GROUPCACHE_GO.id()).isEqualTo("groupcache-go");
    assertThatThrownBy(() -> RingMode.fromId("ketama")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown ring mode 'ketama'; expected one of golang, mailgun, groupcache-go, balanced");
    assertThatThrownBy(() -> RingMode.fromId(null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown ring mode 'null'");
  }

  @Test
  void theDefaultRingIsGolangAndKeepsItsFingerprint() {
    HashRing plain = HashRing.of(PEERS);
    HashRing golang = HashRing.of(RingMode.GOLANG, PEERS);
    assertThat(plain.mode()).isEqualTo(RingMode.GOLANG);
    assertThat(golang.fingerprint()).isEqualTo(plain.fingerprint());
    assertThat(HashRing.of(RingMode.GOLANG, PEERS, 50).fingerprint()).isEqualTo(plain.fingerprint());
    // the value nodes of earlier releases send (a CRC-32 of "50\nhttp://10.0.0.1:8080\n...")
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update("50\nhttp://10.0.0.1:8080\nhttp://10.0.0.2:8080\nhttp://10.0.0.3:8080".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(plain.fingerprint()).isEqualTo(String.format("%08x", crc.getValue()));
    for (int i = 0; i < 1000; i++) {
      assertThat(golang.owner("k" + i)).isEqualTo(plain.owner("k" + i));
    }
  }

  @Test
  void theFingerprintCoversTheMode() {
    List<String> prints = List.of(RingMode.values()).stream().map(m -> HashRing.of(m, PEERS).fingerprint()).toList();
    assertThat(prints).doesNotHaveDuplicates();
    for (RingMode m : RingMode.values()) {
      HashRing ring = HashRing.of(m, PEERS);
      assertThat(ring.withPeers(List.of(PEERS.get(2), PEERS.get(0), PEERS.get(1))).fingerprint()).isEqualTo(ring.fingerprint());
      assertThat(ring.withPeers(PEERS.subList(0, 2)).fingerprint()).isNotEqualTo(ring.fingerprint());
      assertThat(ring.withPeers(PEERS).mode()).isEqualTo(m);
    }
    assertThat(HashRing.of(RingMode.MAILGUN, PEERS, 51).fingerprint()).isNotEqualTo(HashRing.of(RingMode.MAILGUN, PEERS).fingerprint());
  }

  @Test
  void everyModeGivesEveryKeyAnOwnerAmongThePeers() {
    for (RingMode m : RingMode.values()) {
      HashRing ring = HashRing.of(m, PEERS);
      for (int i = 0; i < 1000; i++) {
        assertThat(ring.owner("user:" + i)).isIn(PEERS);
      }
      assertThat(ring.owner("")).isIn(PEERS);
      assertThat(HashRing.of(m, List.of()).owner("k")).isNull();
      assertThat(HashRing.of(m, List.of()).isEmpty()).isTrue();
      assertThat(ring.toString()).startsWith("HashRing[" + m.id() + "]");
    }
    assertThatThrownBy(() -> HashRing.of(RingMode.MAILGUN, PEERS, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("replicas must be >= 1, was 0");
  }

  @Test
  void changedShareIsTheShareOfKeysThatChangeOwner() {
    List<String> five = List.of("http://10.0.0.1:8080", "http://10.0.0.2:8080", "http://10.0.0.3:8080",
        "http://10.0.0.4:8080", "http://10.0.0.5:8080");
    String[] keys = new String[200_000];
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(9);
    for (int i = 0; i < keys.length; i++) {
      keys[i] = Long.toHexString(rnd.nextLong());
    }
    for (RingMode m : RingMode.values()) {
      HashRing before = HashRing.of(m, five);
      HashRing joined = before.withPeers(java.util.stream.Stream.concat(five.stream(), java.util.stream.Stream.of("http://10.0.0.6:8080")).toList());
      HashRing left = before.withPeers(five.subList(1, 5));
      for (HashRing after : List.of(joined, left)) {
        int changed = 0;
        for (String k : keys) {
          if (!before.owner(k).equals(after.owner(k))) {
            changed++;
          }
        }
        assertThat(before.changedShare(after)).as("%s: %s -> %s", m, before.peers(), after.peers())
            .isCloseTo(changed / (double) keys.length, org.assertj.core.api.Assertions.within(0.004))
            .isCloseTo(after.changedShare(before), org.assertj.core.api.Assertions.within(1e-12));
      }
      assertThat(before.changedShare(HashRing.of(m, five))).isZero();
      assertThat(before.changedShare(before.withPeers(List.of()))).isEqualTo(1.0);
      if (m != RingMode.BALANCED) { // a plain ring moves exactly the leaver's keys, and only to others
        assertThat(before.changedShare(left)).isCloseTo(before.shares().get(five.get(0)), org.assertj.core.api.Assertions.within(1e-12));
        assertThat(before.changedShare(joined)).isCloseTo(joined.shares().get("http://10.0.0.6:8080"), org.assertj.core.api.Assertions.within(1e-12));
      }
    }
    assertThatThrownBy(() -> HashRing.of(RingMode.MAILGUN, five).changedShare(HashRing.of(RingMode.GROUPCACHE_GO, five)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hash keys differently");
  }
}
