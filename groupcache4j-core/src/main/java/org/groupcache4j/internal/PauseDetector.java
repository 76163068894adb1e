package org.groupcache4j.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * Tells when this process did not run for a while: a stop (SIGSTOP), a frozen virtual machine, a
 * long collection pause. A daemon thread ticks every {@value #TICK_MILLIS} ms on the monotonic
 * clock; a tick that comes more than {@code threshold} after the one before is a pause, and its
 * listener hears how long it lasted. Peers may have judged this node down meanwhile (their probes
 * went unanswered for longer than their probe timeout, which the threshold is), and this node's own
 * probes that were under way during the pause failed for no fault of their peers'.
 *
 * <p>After a stop every thread resumes at once, so the ticker may run after a request that came
 * during the pause is already being answered: {@link #pausedNow()} tells that thread that a pause
 * is under way or just ended (the last tick is older than the threshold), and
 * {@link #overlapsPause(long)} whether something that began at a time overlapped the last pause.
 */
public final class PauseDetector implements AutoCloseable {
  static final long TICK_MILLIS = 50;

  private final long thresholdNanos;
  private final LongConsumer listener; // hears the pause's length in nanoseconds
  private final Thread ticker;
  private volatile long lastTick = System.nanoTime();
  private volatile long lastPauseStart = Long.MIN_VALUE;
  private volatile long lastPauseEnd = Long.MIN_VALUE;
  private volatile boolean closed;

  /**
   * @param threshold a gap between ticks longer than this is a pause
   * @param listener hears each pause's length (nanoseconds), on the ticker's thread
   */
  public PauseDetector(String self, Duration threshold, LongConsumer listener) {
    this.thresholdNanos = threshold.toNanos();
    this.listener = listener;
    this.ticker = new Thread(this::run, "groupcache4j-pause-detector " + self);
    ticker.setDaemon(true);
    ticker.start();
  }

  private void run() {
    while (!closed) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS));
      tick(System.nanoTime());
    }
  }

  /** A tick at {@code now}: a pause if the last was longer than the threshold ago. */
  void tick(long now) {
    long before = lastTick;
    lastTick = now;
    if (now - before > thresholdNanos) {
      lastPauseStart = before;
      lastPauseEnd = now;
      try {
        listener.accept(now - before);
      } catch (RuntimeException e) {
        System.getLogger("org.groupcache4j.peers").log(System.Logger.Level.WARNING, "pause listener failed", e);
      }
    }
  }

  /**
   * Whether this process is in a pause that the ticker has not seen the end of yet: its last tick
   * is older than the threshold. One read of a field and of the clock.
   */
  public boolean pausedNow() {
    return System.nanoTime() - lastTick > thresholdNanos;
  }

  /**
   * Whether something that began at {@code startNanos} ({@link System#nanoTime()}) and ends now
   * overlapped a pause: the last pause ended after it began, or one is under way.
   */
  public boolean overlapsPause(long startNanos) {
    return lastPauseEnd != Long.MIN_VALUE && lastPauseEnd - startNanos > 0 || pausedNow();
  }

  /** When the last pause began ({@link System#nanoTime()}), or {@link Long#MIN_VALUE}. */
  public long lastPauseStart() {
    return lastPauseStart;
  }

  /** Plays a pause of {@code length} that ended now (for tests: the process cannot stop itself). */
  public void simulate(Duration length) {
    long now = System.nanoTime();
    lastTick = now - length.toNanos();
    tick(now);
  }

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(ticker);
  }
}
