package org.groupcache4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.groupcache4j.ring.HashRing;
import org.groupcache4j.testing.InMemoryNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node that learns it was away (here: a pause of its own) leaves the loads and fetches it began
 * before to their callers: a get after that starts a flight of its own rather than join one that
 * may wait out its timeout on a connection the outage broke (a load whose answer was lost).
 */
class CatchUpFlightsTest {
  private static final List<String> PEERS = List.of("mem://a", "mem://b", "mem://c");
  private final InMemoryNetwork network = new InMemoryNetwork();
  private final List<GroupCache> nodes = new ArrayList<>();
  private final Map<String, Group> groups = new ConcurrentHashMap<>();
  private final CountDownLatch originAnswersC = new CountDownLatch(1);
  private final CountDownLatch firstLoadAtC = new CountDownLatch(1);
  private final AtomicInteger loadsAtC = new AtomicInteger();

  @AfterEach
  void stop() {
    originAnswersC.countDown();
    nodes.forEach(GroupCache::close);
  }

  @Test
  void aGetAfterTheNodeLearnedItWasAwayDoesNotJoinALoadBegunBefore() throws Exception {
    for (String url : PEERS) {
      GroupCache node = GroupCache.builder().self(url).transport(network.transport())
          .peerProbeInterval(Duration.ofMillis(50)).peerProbeTimeout(Duration.ofMillis(300)).build();
      nodes.add(node);
      groups.put(url, node.groupBuilder("g").cacheBytes(1 << 20).loadTimeout(Duration.ofSeconds(30)).loader(key -> {
        if (url.equals("mem://c") && loadsAtC.getAndIncrement() == 0) {
          firstLoadAtC.countDown();
          originAnswersC.await(); // the answer to mem://c's first load is lost: it waits out its timeout
        }
        return ("src:" + key + "@" + url).getBytes(StandardCharsets.UTF_8);
      }).build());
    }
    nodes.forEach(n -> n.setPeers(PEERS));
    HashRing ring = HashRing.of(PEERS);
    String key = null;
    for (int i = 0; key == null; i++) {
      key = ring.owner("k" + i).equals("mem://c") ? "k" + i : null;
    }
    GroupCache c = nodes.get(2);
    await().atMost(Duration.ofSeconds(5)).until(() -> c.peerStates().stream().allMatch(s -> s.isUp() && s.incarnation() != 0));

    CompletableFuture<ByteView> before = groups.get("mem://c").getAsync(key); // loads at mem://c, its owner
    assertThat(firstLoadAtC.await(10, TimeUnit.SECONDS)).as("the first load at mem://c began").isTrue();
    long catchUps = c.ownershipStats().catchUps();
    c.pauseDetected(Duration.ofSeconds(3));
    assertThat(c.ownershipStats().catchUps()).as("it learned it was away (it may have caught up already)").isEqualTo(catchUps + 1);
    CompletableFuture<ByteView> after = groups.get("mem://c").getAsync(key);
    // Its own flight: asked of the key's owner without mem://c, or loaded at mem://c once it caught up.
    assertThat(after.get(10, TimeUnit.SECONDS).toString()).startsWith("src:" + key + "@");
    assertThat(before).as("the load begun before still waits").isNotDone();
    assertThat(groups.get("mem://c").stats().loadsDeduped()).as("two flights of the key at mem://c").isEqualTo(2);

    originAnswersC.countDown();
    assertThat(before.get(10, TimeUnit.SECONDS).toString()).isEqualTo("src:" + key + "@mem://c");
  }
}
