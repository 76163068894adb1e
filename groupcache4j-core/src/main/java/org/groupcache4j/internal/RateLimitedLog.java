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
 * applications route to their own logging.
 */
public final class RateLimitedLog {
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
   * Logs {@code message} (and {@code thrown}, which may be null) at {@code level} unless
   * {@code topic} was logged less than an interval ago; returns whether it was logged.
   */
  public boolean log(String topic, Level level, Supplier<String> message, Throwable thrown) {
    Window w = windows.computeIfAbsent(topic, p -> new Window());
    long now = clock.getAsLong();
    long next = w.nextLogAt.get();
    if ((next != Long.MIN_VALUE && now - next < 0) || !w.nextLogAt.compareAndSet(next, now + intervalNanos)) {
      w.suppressed.incrementAndGet();
      return false;
    }
    long n = w.suppressed.getAndSet(0);
    String text = message.get() + (n > 0 ? " (" + n + " more like this since the last message)" : "");
    if (thrown == null) {
      logger.log(level, text);
    } else {
      logger.log(level, text, thrown);
    }
    return true;
  }
}
