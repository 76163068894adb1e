package org.groupcache4j.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The mailgun/groupcache v2 and groupcache-go v3 rings against owners that their own code
 * computed.
 *
 * <p>{@code ring-owners-mailgun.tsv} and {@code ring-owners-groupcache-go.tsv} were written by the
 * {@code keyowners} tool of each interop anchor (../shared/anchors/mailgun-groupcache and
 * ../shared/anchors/groupcache-go: mailgun v2.6.0's {@code consistenthash.New(replicas, nil)};
 * groupcache-go v3.5.0's {@code peer.NewPicker} with one client per member, as its
 * {@code SetPeers} builds it), built offline with Debian's Go 1.19 by each anchor's
 * {@code build.sh} and run as {@code keyowners -peers M1,M2,.. -replicas R [-count 10000] -- KEY...}.
 * The key-point column is segmentio/fasthash's {@code fnv1.HashBytes64} (the rings' default hash)
 * from the same vendored sources. 16 member lists each (1 to 200 members; URLs with http, https,
 * IPv6 literals, host names, paths; replicas 1 to 512), 282 keys (empty, Unicode, {@code key0..key99}
 * and others that differ only in their last bytes, 1 to 70 characters) and, for some lists, how
 * many of {@code key0..key9999} each member owns.
 */
class FnvRingVectorsTest {
  record Ring(int replicas, List<String> members, Map<String, String> owners, Map<String, Long> points,
      Map<String, Integer> counts) {}

  static List<Ring> read(String resource) throws IOException {
    List<Ring> rings = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        FnvRingVectorsTest.class.getResourceAsStream(resource), StandardCharsets.UTF_8))) {
      Ring ring = null;
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        String[] f = line.split("\t", -1);
        switch (f[0]) {
          case "R" -> {
            ring = new Ring(Integer.parseInt(f[1]), Arrays.asList(f[2].split(",")), new HashMap<>(), new HashMap<>(),
                new HashMap<>());
            rings.add(ring);
          }
          case "K" -> {
            String key = new String(HexFormat.of().parseHex(f[1]), StandardCharsets.UTF_8);
            ring.owners.put(key, f[3]);
            ring.points.put(key, Long.parseUnsignedLong(f[2], 16));
          }
          case "C" -> ring.counts.put(f[2], Integer.parseInt(f[3]));
          default -> throw new IllegalStateException("unknown row " + line);
        }
      }
    }
    return rings;
  }

  @Test
  void mailgunRingMatchesEveryOwnerItsOwnCodeComputed() throws IOException {
    List<Ring> rings = read("/ring-owners-mailgun.tsv");
    assertThat(rings).hasSize(16);
    int checked = 0;
    for (Ring v : rings) {
      HashRing ring = v.replicas == 50 ? HashRing.of(RingMode.MAILGUN, v.members)
          : HashRing.of(RingMode.MAILGUN, v.members, v.replicas);
      checked += assertOwners(v, ring, Function.identity());
    }
    assertThat(checked).isGreaterThan(4000);
  }

  @Test
  void groupcacheGoRingHashesHostPortAndMatchesEveryOwnerItsOwnCodeComputed() throws IOException {
    List<Ring> rings = read("/ring-owners-groupcache-go.tsv");
    assertThat(rings).hasSize(16);
    int checked = 0;
    for (Ring v : rings) {
      // Our peers are URLs: any scheme, with or without a trailing path, or bare host:port.
      List<String> urls = new ArrayList<>();
      Map<String, String> memberOf = new HashMap<>();
      for (int i = 0; i < v.members.size(); i++) {
        String m = v.members.get(i);
        String url = switch (i % 3) {
          case 0 -> "http://" + m;
          case 1 -> "https://" + m + "/";
          default -> m;
        };
        urls.add(url);
        memberOf.put(url, m);
      }
      HashRing ring = v.replicas == 50 ? HashRing.of(RingMode.GROUPCACHE_GO, urls)
          : HashRing.of(RingMode.GROUPCACHE_GO, urls, v.replicas);
      checked += assertOwners(v, ring, memberOf::get);
    }
    assertThat(checked).isGreaterThan(4000);
  }

  /** Asserts every key's owner and point, and the key0..key9999 counts; returns how many keys. */
  private static int assertOwners(Ring v, HashRing ring, Function<String, String> member) {
    for (Map.Entry<String, String> e : v.owners.entrySet()) {
      String key = e.getKey();
      assertThat(Fnv1.hash64(key.getBytes(StandardCharsets.UTF_8))).as("FNV-1-64 of '%s'", key)
          .isEqualTo(v.points.get(key));
      assertThat(member.apply(ring.owner(key))).as("owner of '%s' on %s x%d", key, v.members, v.replicas)
          .isEqualTo(e.getValue());
    }
    if (!v.counts.isEmpty()) {
      Map<String, Integer> counts = new HashMap<>();
      v.members.forEach(m -> counts.put(m, 0)); // FNV-1 leaves some members none of key0..key9999
      for (int i = 0; i < v.counts.values().stream().mapToInt(Integer::intValue).sum(); i++) {
        counts.merge(member.apply(ring.owner("key" + i)), 1, Integer::sum);
      }
      assertThat(counts).as("owners of key0..key9999 on %s", v.members).isEqualTo(v.counts);
    }
    return v.owners.size();
  }

  @Test
  void theTwoLineagesDifferOnlyInWhatTheyHash() {
    List<String> urls = List.of("http://10.0.0.1:8080", "http://10.0.0.2:8080", "http://10.0.0.3:8080");
    HashRing mailgun = HashRing.of(RingMode.MAILGUN, urls);
    HashRing go = HashRing.of(RingMode.GROUPCACHE_GO, urls);
    HashRing mailgunOfHostPorts = HashRing.of(RingMode.MAILGUN, List.of("10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:8080"));
    int differ = 0;
    for (int i = 0; i < 2000; i++) {
      String key = "user:" + i;
      assertThat(go.owner(key)).isEqualTo("http://" + mailgunOfHostPorts.owner(key));
      if (!go.owner(key).equals(mailgun.owner(key))) {
        differ++;
      }
    }
    assertThat(differ).as("keys whose owner depends on hashing the URL or its host:port").isGreaterThan(100);
    // the results the anchors' RESULTS.md list for these peers and keys
    List<String> keys = List.of("", "foo", "bar", "baz", "a b/c,d", "héllo", "user:42", "key-0", "key-123", "key-999");
    assertThat(keys.stream().map(k -> mailgun.owner(k).substring("http://10.0.0.".length(), "http://10.0.0.".length() + 1)))
        .containsExactly("2", "2", "2", "2", "3", "1", "1", "2", "2", "2");
    assertThat(keys.stream().map(k -> go.owner(k).substring("http://10.0.0.".length(), "http://10.0.0.".length() + 1)))
        .containsExactly("1", "1", "1", "1", "3", "1", "3", "1", "3", "3");
  }

  @Test
  void twoPeersWithOneHostPortAreRefusedInGroupcacheGoMode() {
    // They would tie on every point: groupcache-go itself keeps one client per host:port.
    assertThatThrownBy(() -> HashRing.of(RingMode.GROUPCACHE_GO, List.of("http://10.0.0.1:80", "https://10.0.0.1:80")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("peers http://10.0.0.1:80 and https://10.0.0.1:80 are both 10.0.0.1:80 to a groupcache-go ring, "
            + "which names peers by host:port; give each peer its own host:port");
    assertThat(HashRing.of(RingMode.MAILGUN, List.of("http://10.0.0.1:80", "https://10.0.0.1:80")).peers()).hasSize(2);
  }

  @Test
  void sharesSumToOneAndMatchTheKeysEachPeerOwns() {
    for (RingMode mode : List.of(RingMode.MAILGUN, RingMode.GROUPCACHE_GO)) {
      HashRing ring = HashRing.of(mode, List.of("http://10.0.0.1:8080", "http://10.0.0.2:8080", "http://10.0.0.3:8080"), 3);
      Map<String, Double> shares = ring.shares();
      assertThat(shares.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-12));
      Map<String, Integer> owned = new HashMap<>();
      java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
      int n = 100_000;
      for (int i = 0; i < n; i++) {
        owned.merge(ring.owner(Long.toHexString(rnd.nextLong()) + "/x"), 1, Integer::sum);
      }
      for (String p : ring.peers()) {
        assertThat(owned.getOrDefault(p, 0) / (double) n).as("%s: keys owned by %s", mode, p)
            .isCloseTo(shares.get(p), within(0.01));
      }
    }
    assertThat(HashRing.of(RingMode.MAILGUN, List.of("http://a:1"), 1).shares()).containsExactly(Map.entry("http://a:1", 1.0));
  }

  @Test
  void groupcacheGoMemberIsTheAuthorityOfTheUrl() {
    assertThat(RingMode.GROUPCACHE_GO.memberName("http://10.0.0.1:8080")).isEqualTo("10.0.0.1:8080");
    assertThat(RingMode.GROUPCACHE_GO.memberName("HTTPS://[::1]:8443/prefix?x#y")).isEqualTo("[::1]:8443");
    assertThat(RingMode.GROUPCACHE_GO.memberName("cache-1:80")).isEqualTo("cache-1:80");
    assertThat(RingMode.GROUPCACHE_GO.memberName("http://host")).isEqualTo("host");
    assertThat(RingMode.MAILGUN.memberName("http://10.0.0.1:8080/")).isEqualTo("http://10.0.0.1:8080/");
    assertThatThrownBy(() -> RingMode.GROUPCACHE_GO.memberName("http:///x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("peer 'http:///x' has no host:port");
  }
}
