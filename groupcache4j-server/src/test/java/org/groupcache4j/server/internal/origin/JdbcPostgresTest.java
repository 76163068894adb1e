package org.groupcache4j.server.internal.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.groupcache4j.KeyNotFoundException;
import org.groupcache4j.LoadTimeoutException;
import org.groupcache4j.http.TestFutures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JDBC origin against a real PostgreSQL server: a missing row, a query past the origin
 * timeout, a database restart while the pool holds connections, and a query that cannot run.
 */
@Timeout(180)
class JdbcPostgresTest {
  private static final String QUERY = "SELECT lookup(?)";
  private static TestPostgres pg;

  @BeforeAll
  static void database() throws Exception {
    pg = TestPostgres.start();
    pg.sql("CREATE TABLE scores (name text PRIMARY KEY, score int NOT NULL)",
        "INSERT INTO scores VALUES ('Tom', 630), ('Jack', 589)",
        // lookup sleeps for keys starting with 'slow': a query that takes too long
        "CREATE FUNCTION lookup(key text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN "
            + "IF key LIKE 'slow%' THEN PERFORM pg_sleep(30); END IF; "
            + "RETURN (SELECT score::text FROM scores WHERE name = key); END $$");
  }

  @AfterAll
  static void stop() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  private static JdbcOrigin origin(String query, int pool, Duration timeout) throws OriginConfigException {
    return JdbcOrigin.create(pg.url(), query, null, null, pool, timeout, 1 << 20, null);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void aRowIsItsValueAndAMissingRowIsNotFound() throws Exception {
    try (JdbcOrigin o = origin("SELECT score FROM scores WHERE name = ?", 2, Duration.ofSeconds(5))) {
      assertThat(text(o.fetch("Tom"))).isEqualTo("630");
      assertThatThrownBy(() -> o.fetch("Kate")).isInstanceOf(KeyNotFoundException.class).hasMessageContaining("no row");
      assertThat(text(o.fetch("Jack"))).isEqualTo("589");
    }
  }

  @Test
  void aQueryPastTheOriginTimeoutIsATimeoutAndItsConnectionServesOn() throws Exception {
    try (JdbcOrigin o = origin(QUERY, 1, Duration.ofMillis(700))) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> o.fetch("slow-1")).isInstanceOf(OriginTimeoutException.class)
          .hasMessageContaining("did not finish within 700 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("cancelled, not run to its end")
          .isLessThan(Duration.ofSeconds(20));
      assertThat(text(o.fetch("Tom"))).as("the one connection, after the cancel").isEqualTo("630");

      OriginLoader loader = new OriginLoader("scores", o);
      assertThatThrownBy(() -> loader.load("slow-2")).as("what the group sees: a 504")
          .isInstanceOf(LoadTimeoutException.class).hasMessageContaining("origin timed out");
      assertThat(loader.counts().timeouts()).isEqualTo(1);
      assertThat(loader.counts().errors()).isZero();
    }
  }

  @Test
  void aDatabaseRestartCostsNoFailedLoad() throws Exception {
    int pool = 4;
    try (JdbcOrigin o = origin(QUERY, pool, Duration.ofSeconds(5))) {
      ExecutorService threads = Executors.newFixedThreadPool(pool);
      try {
        fetchAtOnce(o, threads, pool); // every connection of the pool opened and used
        pg.restart(); // terminates every open connection
        for (int round = 0; round < 3; round++) {
          fetchAtOnce(o, threads, pool);
        }
      } finally {
        threads.shutdownNow();
      }
    }
  }

  private static void fetchAtOnce(JdbcOrigin o, ExecutorService threads, int n) throws Exception {
    List<Future<byte[]>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(threads.submit(() -> o.fetch("Tom")));
    }
    for (Future<byte[]> f : all) {
      assertThat(text(TestFutures.valueOf(f))).isEqualTo("630");
    }
  }

  @Test
  void aQueryThatCannotRunIsFoundAtStart() {
    assertThatThrownBy(() -> origin("SELECT score FROM no_such_table WHERE name = ?", 1, Duration.ofSeconds(5)))
        .isInstanceOf(OriginConfigException.class)
        .hasMessageContaining("the query cannot run").hasMessageContaining("no_such_table")
        .matches(e -> ((OriginConfigException) e).isUsageError());
  }
}
