package org.groupcache4j.server.internal.observe;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Lets one event of each kind through per interval and counts the rest, so that an origin that is
 * down under load yields one log line every few seconds (saying how many were held back), not one
 * per request.
 */
public final class EventLimiter {
  private static final int MAX_KINDS = 1000;

  private final long intervalNanos;
  private final LongSupplier clock;
  private final ConcurrentHashMap<String, long[]> windows = new ConcurrentHashMap<>(); // {next allowed, held back}

  public EventLimiter(Duration interval) {
    this(interval, System::nanoTime);
  }

  EventLimiter(Duration interval, LongSupplier clock) {
    this.intervalNanos = interval.toNanos();
    this.clock = clock;
  }

  /**
   * Records an event of {@code kind}; returns -1 if it should not be logged, else how many events
   * of this kind were held back since the last one let through.
   */
  public long admit(String kind) {
    if (windows.size() > MAX_KINDS) {
      windows.clear(); // a bound on memory, should kinds be made of ever-new text
    }
    long[] w = windows.computeIfAbsent(kind, k -> new long[] {Long.MIN_VALUE, 0});
    long now = clock.getAsLong();
    synchronized (w) {
      if (w[0] != Long.MIN_VALUE && now - w[0] < 0) {
        w[1]++;
        return -1;
      }
      w[0] = now + intervalNanos;
      long held = w[1];
      w[1] = 0;
      return held;
    }
  }

  /** " (N more since the last message)", or "" for none. */
  public static String heldBack(long n, String what) {
    return n > 0 ? " (" + n + " more " + what + " since the last message)" : "";
  }
}
