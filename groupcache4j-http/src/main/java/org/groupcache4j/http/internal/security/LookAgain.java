package org.groupcache4j.http.internal.security;

import java.time.Duration;

/**
 * When to look at watched files again: {@link #due} is true at most once per interval, for one
 * caller, so files are looked at lazily (when a connection opens or a request needs a token) and
 * never more often than asked, whatever the traffic.
 */
public final class LookAgain {
  private final long intervalNanos;
  private volatile long next;

  public LookAgain(Duration interval) {
    this.intervalNanos = interval.toNanos();
    this.next = System.nanoTime() + intervalNanos;
  }

  /** Whether the interval has passed since the last time this returned true (it then starts again). */
  public boolean due() {
    long now = System.nanoTime();
    if (now - next < 0) {
      return false;
    }
    synchronized (this) {
      if (now - next < 0) {
        return false;
      }
      next = now + intervalNanos;
      return true;
    }
  }
}
