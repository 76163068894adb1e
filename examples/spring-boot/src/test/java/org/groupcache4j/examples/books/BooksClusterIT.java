package org.groupcache4j.examples.books;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.groupcache4j.ring.HashRing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * Three instances of the example application, each a JVM of its own with real sockets: the
 * cached method runs once per book across them, also when sixty requests for a new book arrive
 * at once; a leaseholder killed while it reads is replaced with no other caller failing; an evict
 * at one is seen by all; each reports its health and its cache meters; one that stops drains.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BooksClusterIT {
  private Instances cluster;

  @BeforeAll
  void start() throws Exception {
    // a lease runs out after the load timeout: 4 s here, so that the test of a killed leaseholder is short
    cluster = Instances.start(3, "--books.repository-delay=300ms", "--groupcache4j.caches.books.load-timeout=4s");
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void eachBooksMethodRunsOnceAcrossTheInstances() throws Exception {
    List<String> isbns = new ArrayList<>();
    for (int k = 0; k < 12; k++) {
      isbns.add("978-" + (1000 + k));
    }
    for (int round = 0; round < 2; round++) {
      for (int k = 0; k < isbns.size(); k++) {
        for (int j = 0; j < cluster.size(); j++) {
          int i = (k + j) % cluster.size(); // book k is asked at instance k % 3 first
          JsonNode book = cluster.json(i, "/books/" + isbns.get(k));
          assertThat(book.path("isbn").asString()).isEqualTo(isbns.get(k));
          assertThat(book.path("title").asString()).isEqualTo("Book " + isbns.get(k));
        }
      }
    }
    for (String isbn : isbns) {
      assertThat(cluster.reads(isbn)).as("repository reads of %s across the instances", isbn).isEqualTo(1);
    }
    // the method runs where its first caller is (its value then goes to the book's owner)
    for (int i = 0; i < cluster.size(); i++) {
      JsonNode perKey = cluster.json(i, "/repository/reads").path("perKey");
      for (int k = 0; k < isbns.size(); k++) {
        assertThat(perKey.path(isbns.get(k)).asInt(0)).as("reads of book %d at instance %d", k, i)
            .isEqualTo(k % cluster.size() == i ? 1 : 0);
      }
    }
  }

  @Test
  void sixtyConcurrentRequestsForOneNewBookSpreadOverTheInstancesReadItOnce() throws Exception {
    String isbn = "978-stampede";
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<String>> answers = new ArrayList<>();
    ExecutorService callers = Executors.newFixedThreadPool(60);
    try {
      for (int r = 0; r < 60; r++) {
        int i = r % cluster.size();
        answers.add(CompletableFuture.supplyAsync(() -> {
          try {
            start.await();
            return cluster.json(i, "/books/" + isbn).path("readAt").asString();
          } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        }, callers));
      }
      start.countDown();
      Set<String> readAt = new HashSet<>();
      for (CompletableFuture<String> a : answers) {
        readAt.add(a.get(60, TimeUnit.SECONDS));
      }
      assertThat(readAt).as("every caller got the one read").hasSize(1);
    } finally {
      callers.shutdownNow();
    }
    assertThat(cluster.reads(isbn)).as("repository reads across the instances").isEqualTo(1);
  }

  @Test
  @Order(Integer.MAX_VALUE - 1) // it kills an instance: after the tests that use all three
  void aLeaseholderKilledWhileItReadsIsReplacedAndNoOtherCallerFails() throws Exception {
    List<String> peers = cluster.peers;
    HashRing ring = HashRing.of(peers);
    // a book whose owner is not the instance that will hold its lease: that one hangs reading it
    int holder = -1;
    String isbn = null;
    for (int k = 0; holder < 0; k++) {
      for (int i = 0; i < cluster.size() && holder < 0; i++) {
        String candidate = "978-hang-" + cluster.http.get(i) + "-" + k;
        if (!ring.owner(candidate).equals(peers.get(i))) {
          holder = i;
          isbn = candidate;
        }
      }
    }
    int owner = peers.indexOf(ring.owner(isbn));
    int waiter = 3 - holder - owner;
    String book = isbn;
    int h = holder;
    CompletableFuture<Integer> held = CompletableFuture.supplyAsync(() -> {
      try {
        return cluster.get(h, "/books/" + book).statusCode();
      } catch (Exception e) {
        return -1; // the process is killed under it
      }
    });
    await("instance " + holder + " holds the lease and reads").atMost(Duration.ofSeconds(20))
        .until(() -> cluster.json(h, "/repository/reads").path("perKey").path(book).asInt(0) == 1);
    List<CompletableFuture<String>> waiting = new ArrayList<>();
    for (int r = 0; r < 6; r++) {
      int i = r % 2 == 0 ? waiter : owner;
      waiting.add(CompletableFuture.supplyAsync(() -> {
        try {
          return cluster.json(i, "/books/" + book).path("readAt").asString();
        } catch (Exception e) {
          throw new java.util.concurrent.CompletionException(e);
        }
      }));
    }
    cluster.process(holder).destroyForcibly(); // SIGKILL: no completion, no goodbye
    Set<String> readAt = new HashSet<>();
    for (CompletableFuture<String> w : waiting) {
      readAt.add(w.get(60, TimeUnit.SECONDS)); // each waiter got the book: none failed
    }
    assertThat(readAt).hasSize(1);
    assertThat(cluster.reads(isbn)).as("one read by the instance that took the lease over").isEqualTo(1);
    assertThat(held.get(60, TimeUnit.SECONDS)).isNotEqualTo(200);
  }

  @Test
  void anEvictAtOneInstanceIsSeenByAll() throws Exception {
    String isbn = "978-evict";
    String first = cluster.json(0, "/books/" + isbn).path("readAt").asString();
    for (int i = 0; i < cluster.size(); i++) {
      assertThat(cluster.json(i, "/books/" + isbn).path("readAt").asString()).as("instance %d", i).isEqualTo(first);
    }
    assertThat(cluster.reads(isbn)).isEqualTo(1);

    assertThat(cluster.send(2, "DELETE", "/books/" + isbn + "/cached", null).statusCode()).isEqualTo(204);

    // every instance now serves the book as read again, once, for all of them: none kept its old copy
    String second = cluster.json(1, "/books/" + isbn).path("readAt").asString();
    assertThat(second).isNotEqualTo(first);
    for (int i = 0; i < cluster.size(); i++) {
      assertThat(cluster.json(i, "/books/" + isbn).path("readAt").asString()).as("instance %d after the evict", i)
          .isEqualTo(second);
    }
    assertThat(cluster.reads(isbn)).as("one read after the evict").isEqualTo(2);
  }

  @Test
  void eachInstanceReportsItsHealthWithItsPeersAndItsCacheMeters() throws Exception {
    cluster.json(0, "/books/978-meters");
    cluster.json(0, "/books/978-meters");
    for (int i = 0; i < cluster.size(); i++) {
      JsonNode h = cluster.json(i, "/actuator/health/groupcache");
      assertThat(h.path("status").asString()).isEqualTo("UP");
      assertThat(h.path("details").path("self").asString()).isEqualTo(cluster.peers.get(i));
      assertThat(h.path("details").path("state").asString()).isEqualTo("ready");
      List<String> seen = new ArrayList<>();
      for (JsonNode p : h.path("details").path("peers")) {
        seen.add(p.path("url").asString() + " " + p.path("status").asString());
      }
      List<String> expected = new ArrayList<>();
      for (int j = 0; j < cluster.size(); j++) {
        expected.add(cluster.peers.get(j) + (i == j ? " SELF" : " UP"));
      }
      assertThat(seen).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(cluster.json(i, "/actuator/health").path("status").asString()).isEqualTo("UP");
    }
    JsonNode hits = cluster.json(0, "/actuator/metrics/cache.gets?tag=name:books&tag=result:hit");
    assertThat(hits.path("measurements").get(0).path("value").asDouble()).isGreaterThanOrEqualTo(1);
    String prometheus = cluster.get(0, "/actuator/prometheus").body();
    assertThat(prometheus)
        .containsPattern("cache_gets_total\\{[^}]*name=\"books\"[^}]*result=\"miss\"[^}]*} [1-9]")
        .containsPattern("cache_puts_total\\{[^}]*name=\"books\"[^}]*}")
        .containsPattern("cache_evictions_total\\{[^}]*name=\"books\"[^}]*}")
        .containsPattern("cache_size\\{[^}]*name=\"books\"[^}]*}")
        .containsPattern("groupcache_gets_total\\{group=\"books\"[^}]*} [1-9]")
        .contains("groupcache_peer_up{");
  }

  @Test
  @Order(Integer.MAX_VALUE) // it stops an instance: the others' tests run before it
  void anInstanceThatStopsDrainsAndTheOthersServeItsKeys() throws Exception {
    List<Integer> alive = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      if (cluster.process(i).isAlive()) {
        alive.add(i);
      }
    }
    int leaving = alive.get(alive.size() - 1);
    List<Integer> staying = alive.subList(0, alive.size() - 1);
    Process p = cluster.process(leaving);
    cluster.json(leaving, "/books/978-drain");
    p.destroy(); // SIGTERM: Spring closes the context, the node drains and leaves
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("instance %d stopped:%n%s", leaving, cluster.logText(leaving)).isTrue();
    assertThat(cluster.logText(leaving)).doesNotContain("still running after");
    await("the others judge instance " + leaving + " down").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      for (int i : staying) {
        JsonNode h = cluster.json(i, "/actuator/health/groupcache");
        boolean down = false;
        for (JsonNode peer : h.path("details").path("peers")) {
          down |= peer.path("url").asString().equals(cluster.peers.get(leaving)) && peer.path("status").asString().equals("DOWN");
        }
        assertThat(down).as("instance %d sees instance %d down", i, leaving).isTrue();
      }
    });
    for (int k = 0; k < 6; k++) {
      for (int i : staying) {
        assertThat(cluster.get(i, "/books/978-after-" + k).statusCode()).isEqualTo(200);
      }
    }
  }
}
