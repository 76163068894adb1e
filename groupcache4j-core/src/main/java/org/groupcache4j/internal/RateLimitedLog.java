package org.groupcache4j.internal;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Logs a kind of event at most once per topic (a peer, an endpoint) per interval, saying how many
 * were left out since the last message, so that a dead peer or a failing loader under load
 * yields one line every few seconds, not one per request. Uses {@link System.Logger}, which
 * applications route to their own logging; callers that log elsewhere (the server's SLF4J lines)
 * use {@link #admit} and {@link #heldBack} and write the line themselves.
 */
public final class RateLimitedLog {
  /** A bound on memory, should topics be made of ever-new text. */
  private static final int MAX_TOPICS = 1000;

  private final System.Logger logger;
  private final long intervalNanos;
  private final LongSupplier clock;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  private static final class Window {
    final AtomicLong nextLogAt = new AtomicLong(Long.MIN_VALUE);
    final AtomicLong suppressed = new AtomicLong();
  }

  public RateLimitedLog(String logger, Duration interval) {
    this(logger, interval, System::nanoTime);
  }

  RateLimitedLog(String logger, Duration interval, LongSupplier clock) {
    this.logger = System.getLogger(logger);
    this.intervalNanos = interval.toNanos();
    this.clock = clock;
  }

  /**
   * Records an event of {@code topic}; returns -1 if it should not be logged (it is counted), else
   * how many events of this topic were held back since the last one let through.
   */
  public long admit(String topic) {
    if (windows.size() > MAX_TOPICS) {
      windows.clear();
    }
    Window w = windows.computeIfAbsent(topic, p -> new Window());
    long now = clock.getAsLong();
    long next = w.nextLogAt.get();
    if ((next != Long.MIN_VALUE && now - next < 0) || !w.nextLogAt.compareAndSet(next, now + intervalNanos)) {
      w.suppressed.incrementAndGet();
      return -1;
    }
    return w.suppressed.getAndSet(0);
  }

  /**
   * Logs {@code message} (and {@code thrown}, which may be null) at {@code level} unless
   * {@code topic} was logged less than an interval ago; returns whether it was logged.
   */
  public boolean log(String topic, Level level, Supplier<String> message, Throwable thrown) {
    long n = admit(topic);
    if (n < 0) {
      return false;
    }
    String text = message.get() + heldBack(n, "like this");
    if (thrown == null) {
      logger.log(level, text);
    } else {
      logger.log(level, text, thrown);
    }
    return true;
  }

  /** " (N more {@code what} since the last message)", or "" for none. */
  public static String heldBack(long n, String what) {
    return n > 0 ? " (" + n + " more " + what + " since the last message)" : "";
  }
}
