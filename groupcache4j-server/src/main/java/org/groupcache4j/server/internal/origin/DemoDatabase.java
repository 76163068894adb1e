package org.groupcache4j.server.internal.origin;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;

/**
 * The {@code demo} origin: an embedded in-memory H2 database, created at start, with the
 * three-node example's scores (Tom 630, Jack 589, Sam 567) and {@value #GENERATED} generated players
 * ({@code player-0001} …), read through {@link JdbcOrigin} like any other database. Every node
 * builds the same rows, so any node can load any key.
 */
public final class DemoDatabase {
  /** Generated rows besides Tom, Jack and Sam. */
  public static final int GENERATED = 5000;
  /** The query the demo origin runs. */
  public static final String QUERY = "SELECT score FROM scores WHERE name = ?";

  private DemoDatabase() {}

  /** The score of the generated {@code player-NNNN}. */
  public static int generatedScore(int i) {
    return (int) ((i * 7919L + 13) % 1000);
  }

  /** The name of the generated player {@code i} (1-based). */
  public static String generatedName(int i) {
    return String.format("player-%04d", i);
  }

  /** Creates and seeds a fresh database and returns the origin over it; the database lives until it is closed. */
  public static Origin create(Duration timeout, long maxValueBytes) throws OriginConfigException {
    String url = "jdbc:h2:mem:groupcache4j-demo-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    Connection keeper;
    try {
      keeper = DriverManager.getConnection(url);
      try (Statement st = keeper.createStatement()) {
        st.execute("CREATE TABLE scores (name VARCHAR(64) PRIMARY KEY, score INT NOT NULL)");
      }
      try (PreparedStatement ins = keeper.prepareStatement("INSERT INTO scores VALUES (?, ?)")) {
        add(ins, "Tom", 630);
        add(ins, "Jack", 589);
        add(ins, "Sam", 567);
        for (int i = 1; i <= GENERATED; i++) {
          add(ins, generatedName(i), generatedScore(i));
        }
        ins.executeBatch();
      }
    } catch (SQLException e) {
      throw new OriginConfigException("cannot create the demo database (embedded H2): " + e.getMessage(), false, e);
    }
    JdbcOrigin jdbc = JdbcOrigin.create(url, QUERY, null, null, 4, timeout, maxValueBytes,
        "demo (embedded H2, " + (GENERATED + 3) + " scores)");
    return new Origin() {
      @Override
      public byte[] fetch(String key) throws Exception {
        return jdbc.fetch(key);
      }

      @Override
      public String describe() {
        return jdbc.describe();
      }

      @Override
      public void close() {
        jdbc.close();
        try (Statement st = keeper.createStatement()) {
          st.execute("SHUTDOWN");
        } catch (SQLException ignored) {
          // closing anyway
        }
        try {
          keeper.close();
        } catch (SQLException ignored) {
          // closing anyway
        }
      }
    };
  }

  private static void add(PreparedStatement ins, String name, int score) throws SQLException {
    ins.setString(1, name);
    ins.setInt(2, score);
    ins.addBatch();
  }
}
