package org.groupcache4j.server.internal.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.groupcache4j.KeyNotFoundException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JDBC origin against an embedded H2 database. */
class JdbcOriginTest {
  private String url;
  private Connection keeper;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeEach
  void database() throws Exception {
    url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    keeper = DriverManager.getConnection(url);
    try (Statement st = keeper.createStatement()) {
      st.execute("CREATE TABLE kv (k VARCHAR(100) PRIMARY KEY, v VARCHAR(100), b VARBINARY(100), n INT)");
      st.execute("INSERT INTO kv VALUES ('Tom', '630', NULL, 630), ('nullish', NULL, NULL, NULL), ('ключ', 'значение', NULL, 1)");
    }
    try (PreparedStatement ps = keeper.prepareStatement("INSERT INTO kv VALUES ('bin', 'x', ?, 0)")) {
      ps.setBytes(1, new byte[] {0, 1, (byte) 0xff});
      ps.executeUpdate();
    }
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    try (Statement st = keeper.createStatement()) {
      st.execute("SHUTDOWN");
    }
    keeper.close();
  }

  private JdbcOrigin origin(String query) throws OriginConfigException {
    JdbcOrigin o = JdbcOrigin.create(url, query, null, null, 2, Duration.ofSeconds(5), 50, null);
    toClose.add(o);
    return o;
  }

  @Test
  void firstColumnOfTheFirstRow() throws Exception {
    JdbcOrigin o = origin("SELECT v FROM kv WHERE k = ?");
    assertThat(new String(o.fetch("Tom"), StandardCharsets.UTF_8)).isEqualTo("630");
    assertThat(new String(o.fetch("ключ"), StandardCharsets.UTF_8)).isEqualTo("значение");
    assertThat(new String(origin("SELECT n, v FROM kv WHERE k = ?").fetch("Tom"), StandardCharsets.UTF_8)).isEqualTo("630");
  }

  @Test
  void binaryColumnsAreTheirBytes() throws Exception {
    assertThat(origin("SELECT b FROM kv WHERE k = ?").fetch("bin")).containsExactly(0, 1, 0xff);
  }

  @Test
  void aMissingRowOrNullIsNotFound() throws Exception {
    JdbcOrigin o = origin("SELECT v FROM kv WHERE k = ?");
    assertThatThrownBy(() -> o.fetch("Kate")).isInstanceOf(KeyNotFoundException.class).hasMessageContaining("no row");
    assertThatThrownBy(() -> o.fetch("nullish")).isInstanceOf(KeyNotFoundException.class).hasMessageContaining("NULL");
    // The connection stays usable after a miss.
    assertThat(o.fetch("Tom")).isNotEmpty();
  }

  @Test
  void aFailingQueryIsAnErrorAndTheOriginRecovers() throws Exception {
    JdbcOrigin o = origin("SELECT v FROM kv WHERE k = ?");
    try (Statement st = keeper.createStatement()) {
      st.execute("ALTER TABLE kv RENAME TO kv_gone");
    }
    assertThatThrownBy(() -> o.fetch("Tom")).isInstanceOf(IOException.class).hasMessageContaining("query on");
    try (Statement st = keeper.createStatement()) {
      st.execute("ALTER TABLE kv_gone RENAME TO kv");
    }
    assertThat(new String(o.fetch("Tom"), StandardCharsets.UTF_8)).isEqualTo("630");
  }

  @Test
  void aQueryErrorForOneKeyRunsOnceAndKeepsItsConnection() throws Exception {
    try (Statement st = keeper.createStatement()) {
      st.execute("CREATE ALIAS TO_INT FOR '" + CountingSqlFunctions.class.getName() + ".toInt'");
    }
    JdbcOrigin o = origin("SELECT v FROM kv WHERE n = TO_INT(?)");
    int before = CountingSqlFunctions.TO_INT_CALLS.get();
    // An error of the query for one key is that key's answer: it is not taken for a broken
    // connection, so the query is neither run again nor a reason to evict a connection.
    assertThatThrownBy(() -> o.fetch("boom")).isInstanceOf(IOException.class)
        .hasMessageContaining("query on").hasMessageContaining("boom");
    assertThat(CountingSqlFunctions.TO_INT_CALLS.get() - before).isEqualTo(1);
    assertThat(new String(o.fetch("630"), StandardCharsets.UTF_8)).isEqualTo("630");
  }

  @Test
  void aKeyTheColumnCannotHoldIsNotFound() throws Exception {
    // An integer id: the start-up check's key is no number, and that is no reason to refuse the query.
    JdbcOrigin o = origin("SELECT v FROM kv WHERE n = CAST(? AS INT)");
    assertThat(new String(o.fetch("630"), StandardCharsets.UTF_8)).isEqualTo("630");
    assertThatThrownBy(() -> o.fetch("abc")).isInstanceOf(KeyNotFoundException.class)
        .hasMessageContaining("can have this key");
    assertThat(new String(o.fetch("630"), StandardCharsets.UTF_8)).isEqualTo("630");
  }

  @Test
  void valuesOverTheLimitAreErrors() throws Exception {
    JdbcOrigin o = origin("SELECT REPEAT('x', 51) FROM kv WHERE k = ?");
    assertThatThrownBy(() -> o.fetch("Tom")).isInstanceOf(IOException.class).hasMessageContaining("larger than the limit");
  }

  @Test
  void manyLoaderThreadsShareThePool() throws Exception {
    JdbcOrigin o = origin("SELECT v FROM kv WHERE k = ?");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<byte[]>> fs = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        fs.add(pool.submit(() -> o.fetch("Tom")));
      }
      for (Future<byte[]> f : fs) {
        assertThat(new String(f.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8)).isEqualTo("630");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theQueryNeedsExactlyOneParameter() {
    assertThatThrownBy(() -> origin("SELECT v FROM kv")).isInstanceOf(OriginConfigException.class)
        .hasMessageContaining("exactly one ?").matches(e -> ((OriginConfigException) e).isUsageError());
    assertThatThrownBy(() -> origin(null)).isInstanceOf(OriginConfigException.class).hasMessageContaining("--query");
    assertThatThrownBy(() -> origin("SELECT nope FROM nowhere WHERE k = ?")).isInstanceOf(OriginConfigException.class)
        .hasMessageContaining("the query cannot run").hasMessageContaining("NOWHERE");
  }

  @Test
  void passwordsAreHidden() {
    assertThat(Origins.redact("jdbc:postgresql://h/db?user=u&password=s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://h/db?user=u&password=***&ssl=true");
    assertThat(Origins.redact("jdbc:h2:tcp://h/db;PASSWORD=x;USER=u")).isEqualTo("jdbc:h2:tcp://h/db;PASSWORD=***;USER=u");
    assertThat(Origins.redact("jdbc:postgresql://u:pw@h/db")).isEqualTo("jdbc:postgresql://u:***@h/db");
    assertThat(Origins.redact("https://api.example/v1/{key}?api_key=abc123&lang=en"))
        .isEqualTo("https://api.example/v1/{key}?api_key=***&lang=en");
    assertThat(Origins.redact("origin GET https://svc/x?token=t0k&sig=zz failed"))
        .isEqualTo("origin GET https://svc/x?token=***&sig=*** failed");
    assertThat(Origins.redact("https://svc/items/{key}?key=k")).isEqualTo("https://svc/items/{key}?key=k");
  }

  @Test
  void oraclePasswordsAreHidden() {
    redacts("jdbc:oracle:thin:scott/tiger@db.example:1521/orcl",
        "jdbc:oracle:thin:scott/***@db.example:1521/orcl");
    redacts("jdbc:oracle:thin:scott/tiger@//db.example:1521/orcl",
        "jdbc:oracle:thin:scott/***@//db.example:1521/orcl");
    redacts("jdbc:oracle:thin:scott/\"p@ss/w\"@db:1521/orcl",
        "jdbc:oracle:thin:scott/***@db:1521/orcl");
    redacts("cannot connect to JDBC:ORACLE:OCI:app/s3cret@tns_alias: refused",
        "cannot connect to JDBC:ORACLE:OCI:app/***@tns_alias: refused");
    // Without credentials nothing changes.
    redacts("jdbc:oracle:thin:@//db.example:1521/orcl",
        "jdbc:oracle:thin:@//db.example:1521/orcl");
    redacts("jdbc:oracle:thin:@db.example:1521:orcl",
        "jdbc:oracle:thin:@db.example:1521:orcl");
  }

  @Test
  void passwordsWithSpacesAroundTheEqualsSignAreHidden() {
    redacts("jdbc:h2:tcp://h/db;password = secret",
        "jdbc:h2:tcp://h/db;password = ***");
    redacts("jdbc:h2:tcp://h/db;user=x; password = y;MODE=PostgreSQL",
        "jdbc:h2:tcp://h/db;user=x; password = ***;MODE=PostgreSQL");
    redacts("jdbc:h2:tcp://h/db;PASSWORD =y",
        "jdbc:h2:tcp://h/db;PASSWORD =***");
  }

  @Test
  void sqlServerPasswordsAreHidden() {
    redacts("jdbc:sqlserver://db:1433;databaseName=sales;user=sa;password=S3cret!;encrypt=true",
        "jdbc:sqlserver://db:1433;databaseName=sales;user=sa;password=***;encrypt=true");
    // Braces let a value hold ';' (and '}}' a brace): all of it is hidden.
    redacts("jdbc:sqlserver://db;user=sa;password={a;b}}c};encrypt=true",
        "jdbc:sqlserver://db;user=sa;password=***;encrypt=true");
    redacts("jdbc:sqlserver://db;user=sa;trustStorePassword=ts;password=p",
        "jdbc:sqlserver://db;user=sa;trustStorePassword=***;password=***");
    redacts("jdbc:mysql://h/db?user=u&password=\"with space\"&useSSL=true",
        "jdbc:mysql://h/db?user=u&password=***&useSSL=true");
    redacts("jdbc:postgresql://h/db?user=u&sslpassword=k&sslmode=verify-full",
        "jdbc:postgresql://h/db?user=u&sslpassword=***&sslmode=verify-full");
  }

  /** {@code text} with its secrets hidden is {@code hidden}. */
  private static void redacts(String text, String hidden) {
    assertThat(Origins.redact(text)).as(text).isEqualTo(hidden);
  }
}
