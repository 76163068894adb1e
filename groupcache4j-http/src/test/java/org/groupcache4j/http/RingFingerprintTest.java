package org.groupcache4j.http;

import static org.assertj.core.api.Assertions.assertThat;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.groupcache4j.discovery.PeerDiscovery;
import org.groupcache4j.discovery.PeerWatcher;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two nodes on real sockets exchange their ring fingerprints and notice peer lists that differ. */
class RingFingerprintTest {
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final Logger ringLogger = Logger.getLogger("org.groupcache4j.ring");
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
        warnings.add(r.getMessage());
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void watchLog() {
    ringLogger.addHandler(capture);
  }

  @AfterEach
  void stopWatching() {
    ringLogger.removeHandler(capture);
  }

  @Test
  void mismatchedPeerListsAreCountedOnBothSidesAndLoggedOncePerPeer() {
    try (TestNode a = TestNode.start(); TestNode b = TestNode.start()) {
      a.cache.setPeers(a.url, b.url);
      b.cache.setPeers(b.url); // b was not told about a: it owns every key itself
      assertThat(a.cache.ring().fingerprint()).isNotEqualTo(b.cache.ring().fingerprint());
      int asked = 0;
      for (int i = 0; asked < 5 && i < 1000; i++) {
        String key = "k" + i;
        if (a.cache.ownerOf(key).equals(b.url)) {
          assertThat(a.group.get(key).toByteArray()).isEqualTo(TestNode.goValue(key));
          asked++;
        }
      }
      assertThat(asked).isEqualTo(5);
      assertThat(a.group.stats().peerLoads()).isEqualTo(5);
      // a heard b's fingerprint in b's answers; b heard a's in a's requests.
      assertThat(a.cache.ringMismatches()).isEqualTo(5);
      assertThat(a.cache.lastRingMismatchPeer()).isEqualTo(b.url);
      assertThat(b.cache.ringMismatches()).isEqualTo(5);
      assertThat(b.cache.lastRingMismatchPeer()).isEqualTo("at 127.0.0.1 (it asked this node)");
      assertThat(warnings).hasSize(2);
      assertThat(warnings).anySatisfy(w -> assertThat(w)
          .startsWith("peer " + b.url + " has ring fingerprint " + b.cache.ring().fingerprint() + ", this node ("
              + a.url + ") has " + a.cache.ring().fingerprint() + " (2 peers, ring mode golang, replicas=50)")
          .contains("Give every node the same set of peer URLs, the same ring mode and the same number of replicas"));
      assertThat(warnings).anySatisfy(w -> assertThat(w)
          .startsWith("peer at 127.0.0.1 (it asked this node) has ring fingerprint " + a.cache.ring().fingerprint()));
    }
  }

  @Test
  void theSamePeersInAnotherOrderAreNoMismatch() {
    try (TestNode a = TestNode.start(); TestNode b = TestNode.start()) {
      a.cache.setPeers(a.url, b.url);
      b.cache.setPeers(b.url, a.url);
      assertThat(a.cache.ring().fingerprint()).isEqualTo(b.cache.ring().fingerprint());
      for (int i = 0; i < 40; i++) {
        String key = "k" + i;
        assertThat(a.group.get(key).toByteArray()).isEqualTo(TestNode.goValue(key));
        assertThat(b.group.get(key).toByteArray()).isEqualTo(TestNode.goValue(key));
      }
      assertThat(a.group.stats().peerLoads() + b.group.stats().peerLoads()).isPositive();
      assertThat(a.cache.ringMismatches()).isZero();
      assertThat(b.cache.ringMismatches()).isZero();
      assertThat(a.cache.lastRingMismatchPeer()).isNull();
      assertThat(warnings).isEmpty();
    }
  }

  /**
   * A node that hears another ring from a peer looks its peers up at once, not at its next turn:
   * with an hour between turns, it still takes the new list within seconds of the first request.
   */
  @Test
  void aNodeThatHearsAnotherRingLooksItsPeersUpAtOnce() {
    try (TestNode a = TestNode.start(); TestNode b = TestNode.start()) {
      AtomicReference<List<String>> source = new AtomicReference<>(List.of(a.url));
      AtomicInteger lookupsByB = new AtomicInteger();
      PeerDiscovery forA = discovery(source, new AtomicInteger());
      PeerDiscovery forB = discovery(source, lookupsByB);
      try (PeerWatcher wa = PeerWatcher.start(a.cache, forA, Duration.ofHours(1));
          PeerWatcher wb = PeerWatcher.start(b.cache, forB, Duration.ofHours(1))) {
        assertThat(lookupsByB).hasValue(1);
        source.set(List.of(a.url, b.url));
        wa.refresh(); // a reads the new list first; b's next turn is an hour away
        assertThat(b.cache.ring().peers()).containsExactly(a.url);
        String key = keyOwnedBy(a, b.url);
        assertThat(a.group.get(key).toByteArray()).isEqualTo(TestNode.goValue(key));
        await().atMost(Duration.ofSeconds(10)).until(() -> b.cache.ring().peers().size() == 2);
        assertThat(b.cache.ring().fingerprint()).isEqualTo(a.cache.ring().fingerprint());
        assertThat(wb.status().peers()).containsExactlyInAnyOrder(a.url, b.url);
        assertThat(lookupsByB).hasValue(2);
      }
    }
  }

  private static PeerDiscovery discovery(AtomicReference<List<String>> source, AtomicInteger lookups) {
    return new PeerDiscovery() {
      @Override
      public List<String> lookup() {
        lookups.incrementAndGet();
        return source.get();
      }

      @Override
      public String describe() {
        return "a list in the test";
      }
    };
  }

  private static String keyOwnedBy(TestNode asker, String owner) {
    for (int i = 0; ; i++) {
      if (asker.cache.ownerOf("k" + i).equals(owner)) {
        return "k" + i;
      }
    }
  }
}
