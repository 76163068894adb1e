package org.groupcache4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.groupcache4j.testing.InMemoryNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A peer taken out of the peer list is still sent every write for the removed-peer grace, and so
 * is a peer put back, at every instant of the change: a write made while the list changes names
 * the peer (told, hinted or not covered), never leaves it out. (A write that left it out would
 * let it serve the old value with nothing in the write's answer to say so.)
 */
class MembershipChangeWritesTest {
  private static final List<String> ALL = List.of("mem://a", "mem://b", "mem://c");
  private static final List<String> WITHOUT_B = List.of("mem://a", "mem://c");
  private final InMemoryNetwork network = new InMemoryNetwork();
  private final List<GroupCache> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    nodes.forEach(GroupCache::close);
  }

  private GroupCache node(String url) {
    GroupCache n = GroupCache.builder().self(url).transport(network.transport())
        .peerProbeInterval(Duration.ofMillis(50)).peerProbeTimeout(Duration.ofMillis(500)).build();
    n.groupBuilder("g").cacheBytes(1 << 20).loader(k -> k.getBytes(StandardCharsets.UTF_8)).build();
    n.setPeers(ALL);
    nodes.add(n);
    return n;
  }

  @Test
  void aPeerLeavingOrComingBackIsInEveryWritersListThroughoutTheChange() throws Exception {
    GroupCache a = node("mem://a");
    AtomicBoolean stop = new AtomicBoolean();
    List<List<String>> missed = new ArrayList<>();
    Thread reader = new Thread(() -> {
      while (!stop.get()) {
        List<String> peers = a.writePeers();
        if (!peers.contains("mem://b") || !peers.contains("mem://c")) {
          synchronized (missed) {
            missed.add(peers);
          }
        }
      }
    });
    reader.start();
    try {
      for (int i = 0; i < 20_000; i++) {
        a.setPeers(i % 2 == 0 ? WITHOUT_B : ALL);
      }
    } finally {
      stop.set(true);
      reader.join();
    }
    assertThat(missed).as("write lists without a peer that left less than the grace ago").isEmpty();
  }

  @Test
  void aWriteDuringTheChangeNamesThePeerThatLeft() {
    GroupCache a = node("mem://a");
    node("mem://b");
    node("mem://c");
    Group g = a.group("g").orElseThrow();
    for (int i = 0; i < 200; i++) {
      a.setPeers(i % 2 == 0 ? WITHOUT_B : ALL);
      WriteResult r = g.remove("k" + i);
      List<String> named = new ArrayList<>(r.told());
      named.addAll(r.hinted().keySet());
      named.addAll(r.notCovered().keySet());
      assertThat(named).as("peers named by the remove of k%d", i).contains("mem://b", "mem://c");
    }
  }
}
