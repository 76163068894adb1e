package org.groupcache4j.server.internal.origin;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.sql.Types;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.groupcache4j.KeyNotFoundException;

/**
 * Origin {@code jdbc:URL} with a query of one {@code ?} parameter (the key): the first column of
 * the first row is the value (binary columns as they are, anything else as UTF-8 text); no row or
 * SQL NULL is "not found".
 *
 * <p>Connections come from a HikariCP pool of {@code poolSize}: a connection is checked before it
 * is handed out when it sat idle, replaced after {@link #MAX_LIFETIME}, and a load waits for a free
 * one no longer than the origin timeout. A query that runs past the origin timeout is cancelled
 * and answers as a timeout (504), as the HTTP origin's does. A query that fails because its
 * connection broke (the database restarted, a network cut) runs again on another connection, up to
 * once per connection of the pool and once on a new one, so a restart costs no failed load.
 *
 * <p>{@link #create} runs the query once with a key no row has, so a query that cannot run (an
 * unknown table or column) stops the node at start rather than failing its first request.
 */
public final class JdbcOrigin implements Origin {
  /** How long a connection lives before the pool replaces it (below common server and proxy idle limits). */
  static final Duration MAX_LIFETIME = Duration.ofMinutes(15);
  /** Cancels queries that run past the origin timeout. */
  private static final ScheduledExecutorService CANCELLER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "jdbc-origin-cancel");
    t.setDaemon(true);
    return t;
  });

  private final String query;
  private final HikariDataSource pool;
  private final Duration timeout;
  private final long maxValueBytes;
  private final int poolSize;
  private final String label;

  private JdbcOrigin(String query, HikariDataSource pool, int poolSize, Duration timeout, long maxValueBytes,
      String label) {
    this.query = query;
    this.pool = pool;
    this.poolSize = poolSize;
    this.timeout = timeout;
    this.maxValueBytes = maxValueBytes;
    this.label = label;
  }

  /**
   * Connects and runs the query once, so a wrong URL, credentials or query stop the node at start.
   *
   * @param label what {@link #describe()} says, or null for the URL without credentials
   */
  public static JdbcOrigin create(String url, String query, String user, String password, int poolSize,
      Duration timeout, long maxValueBytes, String label) throws OriginConfigException {
    if (query == null || query.isBlank()) {
      throw new OriginConfigException("needs --query with one ? for the key, e.g. "
          + "--query 'SELECT score FROM scores WHERE name = ?'", true, null);
    }
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(url);
    if (user != null) {
      hc.setUsername(user);
    }
    if (password != null) {
      hc.setPassword(password);
    }
    hc.setPoolName("groupcache4j-origin");
    hc.setMaximumPoolSize(poolSize);
    hc.setMinimumIdle(Math.min(poolSize, 1));
    long waitMs = Math.max(250, timeout.toMillis());
    hc.setConnectionTimeout(waitMs);
    hc.setValidationTimeout(Math.max(250, Math.min(waitMs, 5000)));
    hc.setMaxLifetime(MAX_LIFETIME.toMillis());
    hc.setIdleTimeout(Duration.ofMinutes(5).toMillis());
    hc.setReadOnly(true);
    hc.setInitializationFailTimeout(waitMs); // connect at start; fail there if it cannot
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(hc);
    } catch (HikariPool.PoolInitializationException | IllegalArgumentException | IllegalStateException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new OriginConfigException("cannot connect: " + Origins.redact(String.valueOf(cause.getMessage())), false, e);
    }
    JdbcOrigin o = new JdbcOrigin(query, ds, poolSize, timeout, maxValueBytes, label != null ? label : Origins.redact(url));
    try {
      o.check();
    } catch (OriginConfigException e) {
      ds.close();
      throw e;
    }
    return o;
  }

  /** Checks the query: one parameter, and it runs (with a key no row has). */
  private void check() throws OriginConfigException {
    try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(query)) {
      int params;
      try {
        params = ps.getParameterMetaData().getParameterCount();
      } catch (SQLException e) {
        params = -1; // some drivers cannot describe parameters: running it tells
      }
      if (params >= 0 && params != 1) {
        throw new OriginConfigException("--query must have exactly one ? (the key), it has " + params + ": " + query,
            true, null);
      }
      ps.setQueryTimeout(queryTimeoutSeconds());
      ps.setString(1, "groupcache4j start-up check " + UUID.randomUUID());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          column(rs); // the column can be read
        }
      }
    } catch (SQLException e) {
      if (keyRefused(e)) {
        return; // it ran, and the database refused the test key as a value of the column (an integer id)
      }
      throw new OriginConfigException("the query cannot run (it was tried once at start with a key no row has): "
          + e.getMessage() + "; query: " + query, true, e);
    }
  }

  private int queryTimeoutSeconds() {
    return (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
  }

  @Override
  public byte[] fetch(String key) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    // A connection that broke (e.g. the database restarted) is evicted, and the query runs again on
    // another. After a restart every pooled connection may be broken, and the pool does not check
    // one used within the last half second before handing it out: so up to one try per connection
    // of the pool, and one on a new connection.
    BrokenConnection last = null;
    for (int attempt = 0; attempt <= poolSize; attempt++) {
      try {
        return query(key, deadline);
      } catch (BrokenConnection e) {
        last = e;
      }
    }
    throw new IOException("query on " + label + " failed on " + (poolSize + 1) + " connections in turn: "
        + last.getCause().getMessage(), last.getCause());
  }

  /** A query failed because its connection is unusable; the pool has evicted it. */
  private static final class BrokenConnection extends Exception {
    private static final long serialVersionUID = 1L;

    BrokenConnection(SQLException cause) {
      super(cause);
    }
  }

  private byte[] query(String key, long deadline) throws Exception {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw timedOut();
    }
    Connection c;
    try {
      c = pool.getConnection(); // waits up to the origin timeout (the pool's connectionTimeout)
    } catch (SQLTransientConnectionException e) {
      throw new OriginTimeoutException("no connection to " + label + " within " + timeout.toMillis()
          + " ms: all " + poolSize + " busy, or the database does not answer (--origin-timeout; more with --jdbc-pool): "
          + e.getMessage());
    }
    AtomicBoolean cancelled = new AtomicBoolean();
    // The failure is judged while the connection is still this thread's (the inner try): once
    // closed, it is back in the pool, may be another thread's, and always looks closed.
    try (c) {
      return queryOn(c, key, deadline, cancelled);
    }
  }

  private byte[] queryOn(Connection c, String key, long deadline, AtomicBoolean cancelled) throws Exception {
    try (PreparedStatement ps = c.prepareStatement(query)) {
      ps.setQueryTimeout(queryTimeoutSeconds()); // the server's own limit, in case the cancel is lost
      ps.setString(1, key);
      ScheduledFuture<?> cancel = CANCELLER.schedule(() -> {
        cancelled.set(true);
        try {
          ps.cancel();
        } catch (SQLException ignored) {
          // the query ended meanwhile
        }
      }, Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      byte[] value;
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new KeyNotFoundException("no row in " + label);
        }
        value = column(rs);
      } finally {
        cancel.cancel(false);
      }
      if (value == null) {
        throw new KeyNotFoundException("the value in " + label + " is NULL");
      }
      if (value.length > maxValueBytes) {
        throw new IOException("the value in " + label + " is " + value.length + " bytes, larger than the limit of "
            + maxValueBytes + " bytes (--max-value-bytes)");
      }
      return value;
    } catch (SQLException e) {
      if (cancelled.get() || e instanceof SQLTimeoutException || "57014".equals(e.getSQLState())) {
        throw timedOut(); // 57014: PostgreSQL's query_canceled
      }
      if (keyRefused(e)) {
        throw new KeyNotFoundException("no row in " + label + " can have this key: " + e.getMessage());
      }
      if (broken(c, e)) {
        pool.evictConnection(c);
        throw new BrokenConnection(e);
      }
      throw new IOException("query on " + label + " failed: " + e.getMessage(), e);
    }
  }

  private OriginTimeoutException timedOut() {
    return new OriginTimeoutException("query on " + label + " did not finish within " + timeout.toMillis()
        + " ms (--origin-timeout)");
  }

  /**
   * Whether {@code e} is a data exception (SQLState class 22): the database refused the key's text
   * as a value of its column (e.g. "abc" for an integer id, PostgreSQL's 22P02), so no row has it.
   */
  private static boolean keyRefused(SQLException e) {
    String state = e.getSQLState();
    return state != null && state.startsWith("22");
  }

  /** Whether {@code e} says the connection is gone (SQLState class 08, or PostgreSQL's 57P0x shutdowns). */
  private static boolean broken(Connection c, SQLException e) {
    String state = e.getSQLState();
    if (state != null && (state.startsWith("08") || state.startsWith("57P"))) {
      return true;
    }
    try {
      return c.isClosed() || !c.isValid(1);
    } catch (SQLException ignored) {
      return true;
    }
  }

  private static byte[] column(ResultSet rs) throws SQLException {
    switch (rs.getMetaData().getColumnType(1)) {
      case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB:
        return rs.getBytes(1);
      default:
        String s = rs.getString(1);
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
  }

  @Override
  public String describe() {
    return label;
  }

  @Override
  public void close() {
    pool.close();
  }

}
