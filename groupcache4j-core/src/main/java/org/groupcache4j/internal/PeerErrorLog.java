package org.groupcache4j.internal;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Logs failed peer fetches at most once per peer per interval (with how many were suppressed),
 * so that a dead peer under load yields one line every few seconds, not one per request.
 * Uses {@link System.Logger}, which applications route to their own logging.
 */
public final class PeerErrorLog {
  private static final System.Logger LOG = System.getLogger("org.groupcache4j.peers");

  private final long intervalNanos;
  private final LongSupplier clock;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  private static final class Window {
    final AtomicLong nextLogAt = new AtomicLong(Long.MIN_VALUE);
    final AtomicLong suppressed = new AtomicLong();
  }

  public PeerErrorLog(Duration interval) {
    this(interval, System::nanoTime);
  }

  PeerErrorLog(Duration interval, LongSupplier clock) {
    this.intervalNanos = interval.toNanos();
    this.clock = clock;
  }

  /** Records a failed fetch of {@code key} of {@code group} from {@code peer}; returns whether it was logged. */
  public boolean failed(String peer, String group, String key, Throwable cause) {
    Window w = windows.computeIfAbsent(peer, p -> new Window());
    long now = clock.getAsLong();
    long next = w.nextLogAt.get();
    if ((next != Long.MIN_VALUE && now - next < 0) || !w.nextLogAt.compareAndSet(next, now + intervalNanos)) {
      w.suppressed.incrementAndGet();
      return false;
    }
    long n = w.suppressed.getAndSet(0);
    LOG.log(Level.WARNING, () -> "peer " + peer + " failed to answer group '" + group + "', key '"
        + key + "'; loading locally instead: " + cause
        + (n > 0 ? " (" + n + " more failures of this peer since the last message)" : ""));
    return true;
  }
}
