package org.groupcache4j.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class HashRingTest {

  record Vector(List<String> peers, int replicas, String key, long crc, String owner) {}

  static List<Vector> vectors() throws Exception {
    List<Vector> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        HashRingTest.class.getResourceAsStream("/ring-owners.tsv"), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        String[] f = line.split("\t", -1);
        String key = new String(HexFormat.of().parseHex(f[2]), StandardCharsets.UTF_8);
        out.add(new Vector(Arrays.asList(f[0].split(",")), Integer.parseInt(f[1]), key,
            Long.parseLong(f[3]), f[4]));
      }
    }
    return out;
  }

  @Test
  void matchesEveryOwnerComputedByGolangGroupcache() throws Exception {
    List<Vector> vectors = vectors();
    assertThat(vectors).hasSize(765);
    assertThat(vectors).filteredOn(v -> v.owner.startsWith("https://")).hasSizeGreaterThan(200);
    Map<String, HashRing> rings = new HashMap<>();
    for (Vector v : vectors) {
      HashRing ring = rings.computeIfAbsent(v.peers + "/" + v.replicas,
          k -> HashRing.of(v.peers, v.replicas, HashFunction.CRC32_IEEE));
      CRC32 crc = new CRC32();
      crc.update(v.key.getBytes(StandardCharsets.UTF_8));
      assertThat(crc.getValue()).as("crc32 of %s", v.key).isEqualTo(v.crc);
      assertThat(ring.owner(v.key)).as("owner of '%s' on %s x%d", v.key, v.peers, v.replicas).isEqualTo(v.owner);
    }
  }

  @Test
  void distributionOfKey0To9999MatchesGo() {
    HashRing ring = HashRing.of(List.of("http://127.0.0.1:8001", "http://127.0.0.1:8002", "http://127.0.0.1:8003"));
    Map<String, Integer> owned = new HashMap<>();
    for (int i = 0; i < 10_000; i++) {
      owned.merge(ring.owner("key" + i), 1, Integer::sum);
    }
    assertThat(owned).containsExactlyInAnyOrderEntriesOf(Map.of(
        "http://127.0.0.1:8001", 4244, "http://127.0.0.1:8002", 2979, "http://127.0.0.1:8003", 2777));
  }

  @Test
  void httpsPeersAreHashedByTheirExactUrlAsGoDoes() {
    // The scheme is part of the hashed string: the same hosts under https:// own other keys.
    HashRing ring = HashRing.of(List.of("https://127.0.0.1:8001", "https://127.0.0.1:8002", "https://127.0.0.1:8003"));
    Map<String, Integer> owned = new HashMap<>();
    for (int i = 0; i < 10_000; i++) {
      owned.merge(ring.owner("key" + i), 1, Integer::sum);
    }
    assertThat(owned).containsExactlyInAnyOrderEntriesOf(Map.of(
        "https://127.0.0.1:8001", 4141, "https://127.0.0.1:8002", 1949, "https://127.0.0.1:8003", 3910));
    assertThat(ring.owner("Tom")).isEqualTo("https://127.0.0.1:8002");
    assertThat(HashRing.of(List.of("http://127.0.0.1:8001", "http://127.0.0.1:8002", "http://127.0.0.1:8003"))
        .owner("Tom")).isEqualTo("http://127.0.0.1:8001");
  }

  @Test
  void equalPointsGoToThePeerAddedLater() {
    // A hash that puts every point of every peer at the same position: Go's map keeps the last write.
    HashFunction constant = data -> 7;
    assertThat(HashRing.of(List.of("a", "b", "c"), 3, constant).owner("x")).isEqualTo("c");
    assertThat(HashRing.of(List.of("c", "b", "a"), 3, constant).owner("x")).isEqualTo("a");
  }

  @Test
  void wrapsAroundToTheFirstPoint() {
    HashFunction h = data -> {
      String s = new String(data, StandardCharsets.UTF_8);
      return switch (s) {
        case "0a" -> 10;
        case "0b" -> 20;
        case "high" -> 0xFFFF_FFF0L;
        case "mid" -> 15;
        case "low" -> 5;
        default -> 20;
      };
    };
    HashRing ring = HashRing.of(List.of("a", "b"), 1, h);
    assertThat(ring.owner("low")).isEqualTo("a");
    assertThat(ring.owner("mid")).isEqualTo("b");
    assertThat(ring.owner("high")).isEqualTo("a");
  }

  @Test
  void emptyRingHasNoOwnerAndOptionsAreChecked() {
    assertThat(HashRing.of(List.of()).owner("k")).isNull();
    assertThatThrownBy(() -> HashRing.of(List.of("a"), 0, HashFunction.CRC32_IEEE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replicas");
  }

  @Property(tries = 40)
  void removingOnePeerMovesOnlyThatPeersKeys(@ForAll @IntRange(min = 2, max = 9) int n,
      @ForAll @IntRange(min = 0, max = 8) int removedIndex, @ForAll @IntRange(min = 1, max = 80) int replicas) {
    List<String> peers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      peers.add("http://10.1.0." + i + ":8080");
    }
    String removed = peers.get(removedIndex % n);
    HashRing before = HashRing.of(peers, replicas, HashFunction.CRC32_IEEE);
    List<String> rest = new ArrayList<>(peers);
    rest.remove(removed);
    HashRing after = before.withPeers(rest);
    for (int i = 0; i < 3000; i++) {
      String key = "user:" + i;
      String was = before.owner(key);
      String now = after.owner(key);
      if (!was.equals(removed)) {
        assertThat(now).as("key %s moved from %s though only %s left", key, was, removed).isEqualTo(was);
      } else {
        assertThat(now).isNotEqualTo(removed);
      }
    }
  }

  @Property(tries = 40)
  void addingOnePeerMovesKeysOnlyToIt(@ForAll @IntRange(min = 1, max = 8) int n) {
    List<String> peers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      peers.add("http://127.0.0.1:" + (8001 + i));
    }
    HashRing before = HashRing.of(peers);
    List<String> more = new ArrayList<>(peers);
    more.add("http://127.0.0.1:9000");
    HashRing after = before.withPeers(more);
    int moved = 0;
    for (int i = 0; i < 3000; i++) {
      String key = "k" + i;
      if (!before.owner(key).equals(after.owner(key))) {
        assertThat(after.owner(key)).isEqualTo("http://127.0.0.1:9000");
        moved++;
      }
    }
    assertThat(moved).isPositive();
  }

  @Test
  void fingerprintIsOfTheReplicasAndTheSetOfPeersInAnyOrder() {
    HashRing abc = HashRing.of(List.of("http://a:1", "http://b:2", "http://c:3"));
    assertThat(abc.fingerprint()).matches("[0-9a-f]{8}");
    assertThat(HashRing.of(List.of("http://c:3", "http://a:1", "http://b:2")).fingerprint()).isEqualTo(abc.fingerprint());
    assertThat(abc.withPeers(List.of("http://b:2", "http://c:3", "http://a:1", "http://a:1")).fingerprint())
        .isEqualTo(abc.fingerprint());
    assertThat(HashRing.of(List.of("http://a:1", "http://b:2", "http://c:3"), 51, HashFunction.CRC32_IEEE).fingerprint())
        .isNotEqualTo(abc.fingerprint());
    assertThat(HashRing.of(List.of("http://a:1", "http://b:2")).fingerprint()).isNotEqualTo(abc.fingerprint());
    assertThat(HashRing.of(List.of("http://a:1", "http://b:2", "http://d:3")).fingerprint()).isNotEqualTo(abc.fingerprint());
    // the boundaries between peer URLs count: "x" + "yz" is not "xy" + "z"
    assertThat(HashRing.of(List.of("x", "yz")).fingerprint()).isNotEqualTo(HashRing.of(List.of("xy", "z")).fingerprint());
  }
}
