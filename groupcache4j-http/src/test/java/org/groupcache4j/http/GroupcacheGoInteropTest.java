package org.groupcache4j.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.groupcache4j.Group;
import org.groupcache4j.WriteResult;
import org.groupcache4j.ring.RingMode;
import org.junit.jupiter.api.Test;

/**
 * Our nodes in a groupcache-go v3 cluster (ring mode {@code groupcache-go}, which hashes each
 * peer's {@code host:port}): real v3.5.0 nodes (the anchor's node.go) and ours, as
 * {@link LineageInteropTest} says, and what only groupcache-go does.
 */
class GroupcacheGoInteropTest extends LineageInteropTest {
  @Override
  String anchor() {
    return "groupcache-go";
  }

  @Override
  RingMode mode() {
    return RingMode.GROUPCACHE_GO;
  }

  @Override
  boolean theirSetReachesEveryPeer() {
    return true; // groupcache-go's Set sends the value to every peer
  }

  /** groupcache-go's RemoveKeys (a _remove-keys POST per owner and to every other peer) reaches our nodes. */
  @Test
  void theirRemoveOfManyKeysReachesOurNodes() throws Exception {
    List<String> keys = new ArrayList<>();
    for (int node = 0; node < 4; node++) {
      keys.addAll(keysOf(node, "their-remove-many" + node, 1));
    }
    for (String k : keys) {
      warm(k, goValue(k));
    }
    long[] before = loads();
    goWrite(0, "POST", "/api/remove-keys?" + String.join("&", keys.stream().map(k -> "key=" + q(k)).toList()), "");
    for (String k : keys) {
      assertEverywhere(k, goValue(k));
    }
    long[] after = loads();
    for (int node = 0; node < 4; node++) {
      assertThat(after[node] - before[node]).as("loads at %s", url(node)).isEqualTo(1);
    }
  }

  /**
   * groupcache-go answers a request for a group it does not have by dropping the connection: a
   * write of such a group names their nodes as not told, at once, and they keep serving.
   */
  @Test
  void aWriteOfAGroupTheirNodesLackNamesThemNotTold() throws Exception {
    Group other = ours.get(0).cache.group("other").orElseThrow();
    String key = keysOf(2, "other-group", 1).get(0);
    WriteResult r = other.remove(key);
    assertThat(r.told()).containsExactly(url(3));
    assertThat(r.notTold()).containsOnlyKeys(url(0), url(1));
    assertThat(r.notTold().values()).allSatisfy(why -> assertThat(why).isNotBlank());
    String k = keysOf(0, "still-serving", 1).get(0);
    assertEverywhere(k, goValue(k));
  }
}
