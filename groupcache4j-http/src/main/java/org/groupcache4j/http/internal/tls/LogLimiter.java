package org.groupcache4j.http.internal.tls;

import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * At most one warning per period for one kind of event (refused connections of a port): a client
 * that retries a bad handshake in a loop cannot flood the log. The next line says how many were
 * not logged in between.
 */
public final class LogLimiter {
  private static final System.Logger LOG = System.getLogger("org.groupcache4j.http");
  private final long periodNanos;
  private final AtomicLong next = new AtomicLong(System.nanoTime());
  private final AtomicInteger suppressed = new AtomicInteger();

  public LogLimiter(long period, TimeUnit unit) {
    this.periodNanos = unit.toNanos(period);
  }

  /** Logs {@code message} at WARNING unless a line was logged less than a period ago; returns whether it did. */
  public boolean warn(String message) {
    long now = System.nanoTime();
    long due = next.get();
    if (now - due < 0 || !next.compareAndSet(due, now + periodNanos)) {
      suppressed.incrementAndGet();
      return false;
    }
    int n = suppressed.getAndSet(0);
    LOG.log(Level.WARNING, n == 0 ? message : message + " (" + n + " more such events since the last line)");
    return true;
  }
}
