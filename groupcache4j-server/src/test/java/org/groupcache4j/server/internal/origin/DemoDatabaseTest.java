package org.groupcache4j.server.internal.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The database the {@code demo} command hosts for its nodes, read over TCP as the nodes read it.
 * (Surefire sets {@code h2.bindAddress} for this module, as {@link DemoDatabase#host()} does in the
 * demo process, so the test does not depend on which test used H2 first.)
 */
class DemoDatabaseTest {
  @Test
  void theNodesSeeAScoreChangedInTheHostedDatabase() throws Exception {
    try (DemoDatabase.Hosted db = DemoDatabase.host()) {
      assertThat(db.url()).matches("jdbc:h2:tcp://127\\.0\\.0\\.1:\\d+/mem:groupcache4j-demo-\\S+");
      try (JdbcOrigin a = JdbcOrigin.create(db.url(), DemoDatabase.QUERY, DemoDatabase.Hosted.USER, db.password(), 1,
               Duration.ofSeconds(10), 1024, null);
           JdbcOrigin b = JdbcOrigin.create(db.url(), DemoDatabase.QUERY, DemoDatabase.Hosted.USER, db.password(), 1,
               Duration.ofSeconds(10), 1024, null)) {
        assertThat(text(a.fetch("Jack"))).isEqualTo("589");
        assertThat(text(b.fetch(DemoDatabase.generatedName(7)))).isEqualTo(Integer.toString(DemoDatabase.generatedScore(7)));
        assertThat(db.setScore("Jack", 600)).isEqualTo(1);
        assertThat(db.setScore("Kate", 1)).isZero();
        assertThat(db.score("Jack")).isEqualTo(600);
        assertThat(db.score("Kate")).isNull();
        assertThat(text(a.fetch("Jack"))).isEqualTo("600");
        assertThat(text(b.fetch("Jack"))).isEqualTo("600");
      }
      assertThat(DemoDatabase.Hosted.updateSql("O'Brien", 7)).isEqualTo("UPDATE scores SET score = 7 WHERE name = 'O''Brien'");
    }
  }

  @Test
  void onlyItsUserWithItsPasswordOpensOnlyThatDatabase() throws Exception {
    try (DemoDatabase.Hosted a = DemoDatabase.host(); DemoDatabase.Hosted b = DemoDatabase.host()) {
      assertThat(a.password()).isNotEqualTo(b.password());
      assertThat(port(a)).isNotEqualTo(port(b));
      assertThatThrownBy(() -> DriverManager.getConnection(a.url(), DemoDatabase.Hosted.USER, b.password()).close())
          .isInstanceOf(SQLException.class).hasMessageContaining("Wrong user name or password");
      String other = "jdbc:h2:tcp://127.0.0.1:" + port(a) + "/mem:somewhere-else";
      assertThatThrownBy(() -> DriverManager.getConnection(other, DemoDatabase.Hosted.USER, a.password()).close())
          .isInstanceOf(SQLException.class).hasMessageContaining("not found");
    }
  }

  @Test
  void closeClosesThePortAndDropsTheDatabase() throws Exception {
    DemoDatabase.Hosted db = DemoDatabase.host();
    int port = port(db);
    try (var c = DriverManager.getConnection(db.url(), DemoDatabase.Hosted.USER, db.password())) {
      assertThat(c.isValid(5)).isTrue();
    }
    db.close();
    db.close(); // idempotent
    assertThatThrownBy(() -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      }
    }).isInstanceOf(ConnectException.class);
    assertThatThrownBy(() -> db.score("Jack")).isInstanceOf(SQLException.class);
  }

  private static String text(byte[] v) {
    return new String(v, StandardCharsets.UTF_8);
  }

  /** The port of the database's TCP server, from its URL. */
  private static int port(DemoDatabase.Hosted db) {
    return URI.create(db.url().substring("jdbc:h2:".length())).getPort(); // tcp://127.0.0.1:PORT/mem:...
  }
}
