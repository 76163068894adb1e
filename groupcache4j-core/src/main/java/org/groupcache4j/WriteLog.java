package org.groupcache4j;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys of one group written on this node (set, removed or put, here or by a peer, or all of
 * them by a clear or a coarse drop) while a departing peer's handoff window is open, with the
 * time of their last write ({@link System#nanoTime()}): a handed-off entry read by the sender
 * after the window opened is dropped if its key was written since
 * ({@link Flights#installHandedOff}). Fed by {@link Flights} alone, from the same place that
 * invalidates a key's flight, so that a flight's result and a handed-off entry are judged against
 * the same writes. Records nothing while no window is open, so a write pays one volatile read;
 * the keys are forgotten when the next window opens after all closed.
 */
final class WriteLog {
  private final ConcurrentHashMap<String, Long> lastWrite = new ConcurrentHashMap<>();
  private volatile long openUntilNanos = System.nanoTime();
  private volatile long allWrittenNanos; // the last clear while a window was open
  private volatile boolean allWritten;

  /** Records writes until {@code untilNanos} (a window of a sender opens, or is extended). */
  synchronized void openUntil(long untilNanos) {
    long now = System.nanoTime();
    if (openUntilNanos - now <= 0) {
      lastWrite.clear(); // every earlier window closed: nothing can ask about those writes any more
      allWritten = false;
    }
    if (untilNanos - openUntilNanos > 0) {
      openUntilNanos = untilNanos;
    }
  }

  /** A write of {@code key} here; under the key's lock. */
  void record(String key) {
    long now = System.nanoTime();
    if (openUntilNanos - now > 0) {
      lastWrite.put(key, now);
    }
  }

  /** A write of every key here (a clear, a coarse drop); under every lock of the group. */
  void recordAll() {
    long now = System.nanoTime();
    if (openUntilNanos - now > 0) {
      allWrittenNanos = now;
      allWritten = true;
    }
  }

  /** Whether {@code key} was written at or after {@code startNanos}. */
  boolean since(String key, long startNanos) {
    if (allWritten && allWrittenNanos - startNanos >= 0) {
      return true;
    }
    Long at = lastWrite.get(key);
    return at != null && at - startNanos >= 0;
  }
}
