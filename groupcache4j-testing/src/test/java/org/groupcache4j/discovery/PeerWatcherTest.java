package org.groupcache4j.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.groupcache4j.GroupCache;
import org.groupcache4j.testing.InMemoryNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerWatcherTest {
  private static final String SELF = "http://10.0.0.1:8001";
  private final InMemoryNetwork net = new InMemoryNetwork();
  private final GroupCache cache = GroupCache.builder().self(SELF).transport(net.transport()).build();
  private final List<AutoCloseable> closing = new ArrayList<>();

  @TempDir
  Path dir;

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    cache.close();
  }

  /** A discovery that answers what the test says. */
  private static final class Scripted implements PeerDiscovery {
    final AtomicReference<Object> next = new AtomicReference<>();

    @Override
    public List<String> lookup() throws IOException {
      Object n = next.get();
      if (n instanceof IOException e) {
        throw e;
      }
      @SuppressWarnings("unchecked")
      List<String> peers = (List<String>) n;
      return peers;
    }

    @Override
    public String describe() {
      return "scripted";
    }
  }

  @Test
  void appliesTheFirstAnswerBeforeStartReturnsAndEachChangeAfter() {
    Scripted s = new Scripted();
    s.next.set(List.of(SELF, "http://10.0.0.2:8001"));
    PeerWatcher w = PeerWatcher.start(cache, s, Duration.ofHours(1));
    closing.add(w);
    assertThat(cache.peers()).containsExactly(SELF, "http://10.0.0.2:8001");
    assertThat(w.status().selfListed()).isTrue();
    assertThat(w.status().lastChange()).isNotNull();

    s.next.set(List.of(SELF, "http://10.0.0.3:8001"));
    w.refresh();
    assertThat(cache.peers()).containsExactly(SELF, "http://10.0.0.3:8001");
    assertThat(w.status().problem()).isNull();
  }

  @Test
  void aFailedOrEmptyLookupKeepsTheLastPeersAndSaysWhy() {
    Scripted s = new Scripted();
    s.next.set(List.of(SELF, "http://10.0.0.2:8001"));
    PeerWatcher w = PeerWatcher.start(cache, s, Duration.ofHours(1));
    closing.add(w);

    s.next.set(new IOException("server on fire"));
    w.refresh();
    assertThat(cache.peers()).containsExactly(SELF, "http://10.0.0.2:8001");
    assertThat(w.status().problem()).contains("server on fire").contains("keeping the 2 peers");

    s.next.set(List.of());
    w.refresh();
    assertThat(cache.peers()).containsExactly(SELF, "http://10.0.0.2:8001");
    assertThat(w.status().problem()).contains("names no peer");
  }

  @Test
  void aListWithoutThisNodeIsAppliedAndFlagged() {
    Scripted s = new Scripted();
    s.next.set(List.of("http://10.0.0.2:8001", "http://10.0.0.3:8001"));
    PeerWatcher w = PeerWatcher.start(cache, s, Duration.ofHours(1));
    closing.add(w);
    assertThat(w.status().selfListed()).isFalse();
    assertThat(cache.peers()).containsExactly("http://10.0.0.2:8001", "http://10.0.0.3:8001");
    assertThat(cache.ownerOf("any key")).isNotEqualTo(SELF);
  }

  @Test
  void followsAPeersFileWithinTwoSeconds() throws Exception {
    Path f = Files.writeString(dir.resolve("peers"), SELF + "\n");
    PeerWatcher w = PeerWatcher.start(cache, PeerDiscovery.file(f), Duration.ofMillis(500));
    closing.add(w);
    assertThat(cache.peers()).containsExactly(SELF);

    Files.writeString(f, SELF + "\nhttp://10.0.0.2:8001\n");
    await().atMost(Duration.ofSeconds(2)).until(() -> cache.peers().size() == 2);
    assertThat(cache.peers()).containsExactly(SELF, "http://10.0.0.2:8001");
  }

  @Test
  void followsDnsRecordsThatChange() throws Exception {
    try (Dnsmasq dns = Dnsmasq.start()) {
      String name = Dnsmasq.name("watched");
      dns.setRecords(java.util.Map.of(name, List.of("10.0.0.1")));
      PeerWatcher w = PeerWatcher.start(cache, PeerDiscovery.dns("http://" + name + ":8001", dns.address()),
          Duration.ofMillis(200));
      closing.add(w);
      assertThat(cache.peers()).containsExactly(SELF);

      dns.setRecords(java.util.Map.of(name, List.of("10.0.0.2", "10.0.0.1")));
      await().atMost(Duration.ofSeconds(5)).until(() -> cache.peers().size() == 2);
      assertThat(cache.peers()).containsExactly(SELF, "http://10.0.0.2:8001");
    }
  }
}
