package org.groupcache4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.groupcache4j.ring.HashRing;
import org.groupcache4j.testing.InMemoryCluster;
import org.groupcache4j.testing.InMemoryNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What an observer hears: every load and fetch with its time and outcome, membership changes, never a hit. */
class CacheObserverTest {
  private static final List<String> PEERS = List.of("mem://a", "mem://b");
  private final InMemoryNetwork network = new InMemoryNetwork();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private InMemoryCluster cluster;
  private GroupCache a;

  private final CacheObserver recorder = new CacheObserver() {
    @Override
    public void loaded(String group, String key, long nanos, Throwable failure) {
      assertThat(nanos).isNotNegative();
      events.add("loaded " + group + " " + key + " " + (failure == null ? "ok" : failure.getClass().getSimpleName()));
    }

    @Override
    public void fetched(String group, String key, String peer, long nanos, Throwable failure) {
      assertThat(nanos).isNotNegative();
      events.add("fetched " + group + " " + key + " from " + peer + " "
          + (failure == null ? "ok" : failure.getClass().getSimpleName()));
    }

    @Override
    public void peersChanged(List<String> peers) {
      events.add("peers " + peers);
    }
  };

  @AfterEach
  void close() {
    if (a != null) {
      a.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Group group(GroupCache c) {
    return c.newGroup("g", 1 << 20, CacheObserverTest::load);
  }

  private static byte[] load(String key) {
    if (key.startsWith("bad")) {
      throw new IllegalStateException("origin down");
    }
    return key.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void hearsLoadsFetchesAndMembershipButNotHits() {
    cluster = InMemoryCluster.builder().nodes("mem://a", "mem://b")
        .cache((url, c) -> {
          if (url.equals("mem://a")) {
            c.observer(recorder);
          }
        })
        .group("g", (url, g) -> g.cacheBytes(1 << 20).loader(CacheObserverTest::load)).start();
    Group ga = cluster.group("mem://a");
    HashRing ring = HashRing.of(PEERS);
    String mine = key(ring, "mem://a", "k");
    String theirs = key(ring, "mem://b", "k");
    String theirsBad = key(ring, "mem://b", "bad");

    ga.get(mine);
    ga.get(mine); // a hit: not reported
    ga.get(theirs);
    assertThatThrownBy(() -> ga.get(theirsBad)).isInstanceOf(LoadException.class);

    assertThat(events).containsExactly(
        "peers " + PEERS,
        "loaded g " + mine + " ok",
        "fetched g " + theirs + " from mem://b ok",
        "fetched g " + theirsBad + " from mem://b LoadException");
  }

  @Test
  void transportFailureIsReportedBeforeTheLocalFallbackLoad() {
    a = GroupCache.builder().self("mem://a").transport(network.transport()).build();
    a.addObserver(recorder);
    Group ga = group(a);
    a.setPeers(PEERS); // mem://b never started: every fetch fails in transport
    String theirs = key(HashRing.of(PEERS), "mem://b", "k");

    assertThat(ga.get(theirs).toString()).isEqualTo(theirs);

    assertThat(events).hasSize(3);
    assertThat(events.get(1)).startsWith("fetched g " + theirs + " from mem://b ").doesNotEndWith(" ok");
    assertThat(events.get(2)).isEqualTo("loaded g " + theirs + " ok");
  }

  @Test
  void aThrowingObserverBreaksNothing() {
    a = GroupCache.builder().self("mem://a").observer(new CacheObserver() {
      @Override
      public void loaded(String group, String key, long nanos, Throwable failure) {
        throw new IllegalStateException("observer bug");
      }
    }).observer(recorder).build();
    Group ga = group(a);
    assertThat(ga.get("x").toString()).isEqualTo("x");
    assertThat(events).containsExactly("loaded g x ok");
  }

  private static String key(HashRing ring, String owner, String prefix) {
    for (int i = 0; ; i++) {
      if (ring.owner(prefix + i).equals(owner)) {
        return prefix + i;
      }
    }
  }
}
