package org.groupcache4j.server.internal.origin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Types;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.groupcache4j.KeyNotFoundException;

/**
 * Origin {@code jdbc:URL} with a query of one {@code ?} parameter (the key): the first column of
 * the first row is the value (binary columns as they are, anything else as UTF-8 text); no row or
 * SQL NULL is "not found".
 *
 * <p>A small pool of connections, each with its prepared statement, is shared by the loader
 * threads; at most {@code poolSize} queries run at once and a load waits for a free connection
 * no longer than the origin timeout. A connection that fails is closed and replaced on demand.
 */
public final class JdbcOrigin implements Origin {
  private final String url;
  private final String query;
  private final Properties props;
  private final Duration timeout;
  private final long maxValueBytes;
  private final Semaphore permits;
  private final int poolSize;
  private final ConcurrentLinkedQueue<Pooled> idle = new ConcurrentLinkedQueue<>();
  private final String label;
  private volatile boolean closed;

  private record Pooled(Connection connection, PreparedStatement statement) {
    void close() {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // already broken
      }
    }
  }

  private JdbcOrigin(String url, String query, Properties props, int poolSize, Duration timeout,
      long maxValueBytes, String label) {
    this.url = url;
    this.query = query;
    this.props = props;
    this.poolSize = poolSize;
    this.permits = new Semaphore(poolSize, true);
    this.timeout = timeout;
    this.maxValueBytes = maxValueBytes;
    this.label = label;
  }

  /**
   * Connects once to check the URL and the query, so a wrong one stops the node at start.
   *
   * @param label what {@link #describe()} says, or null for the URL without credentials
   */
  public static JdbcOrigin create(String url, String query, String user, String password, int poolSize,
      Duration timeout, long maxValueBytes, String label) throws OriginConfigException {
    if (query == null || query.isBlank()) {
      throw new OriginConfigException("needs --query with one ? for the key, e.g. "
          + "--query 'SELECT score FROM scores WHERE name = ?'", true, null);
    }
    Properties props = new Properties();
    if (user != null) {
      props.setProperty("user", user);
    }
    if (password != null) {
      props.setProperty("password", password);
    }
    JdbcOrigin o = new JdbcOrigin(url, query, props, poolSize, timeout, maxValueBytes,
        label != null ? label : redact(url));
    Pooled first;
    try {
      first = o.open();
    } catch (SQLException e) {
      throw new OriginConfigException("cannot connect or prepare the query: " + e.getMessage(), false, e);
    }
    try {
      int params = first.statement.getParameterMetaData().getParameterCount();
      if (params != 1) {
        first.close();
        throw new OriginConfigException("--query must have exactly one ? (the key), it has " + params
            + ": " + query, true, null);
      }
    } catch (SQLException e) {
      // Some drivers cannot describe parameters; the first load will tell.
    }
    o.idle.add(first);
    return o;
  }

  private Pooled open() throws SQLException {
    DriverManager.setLoginTimeout((int) Math.max(1, timeout.toSeconds()));
    Connection c = DriverManager.getConnection(url, props);
    try {
      c.setReadOnly(true);
    } catch (SQLException ignored) {
      // only a hint
    }
    try {
      return new Pooled(c, c.prepareStatement(query));
    } catch (SQLException e) {
      c.close();
      throw new SQLException("cannot prepare --query '" + query + "': " + e.getMessage(), e.getSQLState(), e);
    }
  }

  @Override
  public byte[] fetch(String key) throws Exception {
    if (!permits.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      throw new OriginTimeoutException("all " + poolSize + " connections to " + label
          + " stayed busy for " + timeout.toMillis() + " ms (--origin-timeout; more with --jdbc-pool)");
    }
    Pooled p = null;
    boolean healthy = false;
    try {
      if (closed) {
        throw new IOException("the origin " + label + " is closed");
      }
      p = idle.poll();
      if (p == null) {
        p = open();
      }
      PreparedStatement ps = p.statement;
      ps.setQueryTimeout((int) Math.max(1, (timeout.toMillis() + 999) / 1000));
      ps.setString(1, key);
      byte[] value;
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          healthy = true;
          throw new KeyNotFoundException("no row in " + label);
        }
        value = column(rs);
      }
      healthy = true;
      if (value == null) {
        throw new KeyNotFoundException("the value in " + label + " is NULL");
      }
      if (value.length > maxValueBytes) {
        throw new IOException("the value is " + value.length + " bytes, larger than the limit of "
            + maxValueBytes + " bytes (--max-value-bytes)");
      }
      return value;
    } catch (SQLTimeoutException e) {
      healthy = true;
      throw new OriginTimeoutException("query on " + label + " did not finish within "
          + timeout.toMillis() + " ms (--origin-timeout)");
    } catch (SQLException e) {
      throw new IOException("query on " + label + " failed: " + e.getMessage(), e);
    } finally {
      if (p != null) {
        if (healthy && !closed) {
          idle.add(p);
        } else {
          p.close();
        }
      }
      permits.release();
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
    closed = true;
    Pooled p;
    while ((p = idle.poll()) != null) {
      p.close();
    }
  }

  /** The URL with password-like parameters hidden, for logs and stats. */
  public static String redact(String url) {
    return url.replaceAll("(?i)(password|pwd|secret|token)=[^;&]*", "$1=***")
        .replaceAll("//([^/@:]+):[^/@]*@", "//$1:***@");
  }
}
