package org.groupcache4j.examples.books;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * cached method runs once per book across them, an evict at one is seen by all, and each
 * reports its health and its cache meters.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BooksClusterIT {
  private Instances cluster;

  @BeforeAll
  void start() throws Exception {
    cluster = Instances.start(3, "--books.repository-delay=300ms");
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
    Process third = cluster.process(2);
    String isbn = "978-drain";
    cluster.json(2, "/books/" + isbn);
    third.destroy(); // SIGTERM: Spring closes the context, the node drains and leaves
    assertThat(third.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("instance 2 stopped:\n%s", cluster.logText(2)).isTrue();
    assertThat(cluster.logText(2)).doesNotContain("still running after");
    await("the others judge instance 2 down").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      for (int i = 0; i < 2; i++) {
        JsonNode h = cluster.json(i, "/actuator/health/groupcache");
        boolean down = false;
        for (JsonNode p : h.path("details").path("peers")) {
          down |= p.path("url").asString().equals(cluster.peers.get(2)) && p.path("status").asString().equals("DOWN");
        }
        assertThat(down).as("instance %d sees instance 2 down", i).isTrue();
      }
    });
    for (int k = 0; k < 6; k++) {
      for (int i = 0; i < 2; i++) {
        assertThat(cluster.get(i, "/books/978-after-" + k).statusCode()).isEqualTo(200);
      }
    }
  }
}
