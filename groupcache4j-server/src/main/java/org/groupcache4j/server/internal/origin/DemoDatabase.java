package org.groupcache4j.server.internal.origin;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;

/**
 * The demo database: an in-memory H2 database with the three-node example's scores (Tom 630, Jack
 * 589, Sam 567) and {@value #GENERATED} generated players ({@code player-0001} …), read through
 * {@link JdbcOrigin} like any other database.
 *
 * <p>Two ways to have it: {@link #create} is the {@code --origin demo} of one node (an embedded copy
 * of its own, so a node runs alone); {@link #host} is what the {@code demo} command does, one
 * database for its three nodes, served by H2's TCP server on an ephemeral port of 127.0.0.1, so
 * that a score changed in it is what every node reloads.
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
      keeper = seeded(url, null, null);
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
        shutdown(keeper);
      }
    };
  }

  /**
   * Creates and seeds a fresh database and serves it to other processes: H2's TCP server on an
   * ephemeral port of 127.0.0.1 only, for the user {@value Hosted#USER} with a password new at every
   * call. The database and its port live until {@link Hosted#close()}.
   *
   * <p>H2 binds its server socket to the address in the system property {@code h2.bindAddress},
   * read once when H2 is first used (all interfaces without it). This method sets it; if H2 was
   * already in use in this JVM with another value, it refuses rather than open the database to
   * the network.
   */
  public static Hosted host() throws SQLException {
    System.setProperty("h2.bindAddress", "127.0.0.1");
    if (!"127.0.0.1".equals(org.h2.engine.SysProperties.BIND_ADDRESS)) {
      throw new SQLException("H2 was already in use in this process with h2.bindAddress="
          + org.h2.engine.SysProperties.BIND_ADDRESS + ", so its server would not listen on 127.0.0.1 only; "
          + "start the demo database in a process of its own");
    }
    String name = "mem:groupcache4j-demo-" + UUID.randomUUID();
    String password = UUID.randomUUID().toString();
    Connection keeper = seeded("jdbc:h2:" + name + ";DB_CLOSE_DELAY=-1", Hosted.USER, password);
    org.h2.tools.Server server;
    try {
      // -tcpDaemon: its threads never keep the process alive; no -tcpAllowOthers, no -ifNotExists.
      server = org.h2.tools.Server.createTcpServer("-tcpPort", "0", "-tcpDaemon").start();
    } catch (SQLException | RuntimeException e) {
      shutdown(keeper);
      throw e;
    }
    return new Hosted("jdbc:h2:tcp://127.0.0.1:" + server.getPort() + "/" + name, password, server, keeper);
  }

  /** The database {@link #host} serves: its URL and password, a way to change a score, and close. */
  public static final class Hosted implements AutoCloseable {
    /** The user of the hosted database. */
    public static final String USER = "demo";
    private final String url;
    private final String password;
    private final org.h2.tools.Server server;
    private final Connection keeper;

    private Hosted(String url, String password, org.h2.tools.Server server, Connection keeper) {
      this.url = url;
      this.password = password;
      this.server = server;
      this.keeper = keeper;
    }

    /** The JDBC URL other processes connect to (no credentials in it). */
    public String url() {
      return url;
    }

    /** The password of {@link #USER}, new at every {@link #host()}. */
    public String password() {
      return password;
    }

    /** The statement {@link #setScore} runs, with its two parameters shown. */
    public static String updateSql(String name, int score) {
      return "UPDATE scores SET score = " + score + " WHERE name = '" + name.replace("'", "''") + "'";
    }

    /** Sets {@code name}'s score; returns the rows changed (0 if there is no such name). */
    public synchronized int setScore(String name, int score) throws SQLException {
      try (PreparedStatement up = keeper.prepareStatement("UPDATE scores SET score = ? WHERE name = ?")) {
        up.setInt(1, score);
        up.setString(2, name);
        return up.executeUpdate();
      }
    }

    /** {@code name}'s score in the database, or null if there is no such row. */
    public synchronized Integer score(String name) throws SQLException {
      try (PreparedStatement q = keeper.prepareStatement(QUERY)) {
        q.setString(1, name);
        try (var rs = q.executeQuery()) {
          return rs.next() ? rs.getInt(1) : null;
        }
      }
    }

    /** Stops the TCP server (its port closes, its connections drop) and drops the database. Idempotent. */
    @Override
    public synchronized void close() {
      server.stop();
      shutdown(keeper);
    }
  }

  private static Connection seeded(String url, String user, String password) throws SQLException {
    Connection keeper = user == null ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, password);
    try {
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
      return keeper;
    } catch (SQLException e) {
      shutdown(keeper);
      throw e;
    }
  }

  private static void shutdown(Connection keeper) {
    try {
      if (!keeper.isClosed()) {
        try (Statement st = keeper.createStatement()) {
          st.execute("SHUTDOWN");
        }
      }
    } catch (SQLException ignored) {
      // closing anyway
    }
    try {
      keeper.close();
    } catch (SQLException ignored) {
      // closing anyway
    }
  }

  private static void add(PreparedStatement ins, String name, int score) throws SQLException {
    ins.setString(1, name);
    ins.setInt(2, score);
    ins.addBatch();
  }
}
