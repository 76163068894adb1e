package org.groupcache4j;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys of one group written on this node (set or removed, here or by a peer) while a departing
 * peer's handoff window is open, with the time of their last write ({@link System#nanoTime()}):
 * a handed-off entry read by the sender after the window opened is dropped if its key was
 * written since ({@link Flights#installHandedOff}). Records nothing while no window is open, so
 * a write pays one volatile read; the keys are forgotten when the next window opens after all
 * closed.
 */
final class WriteLog {
  private final ConcurrentHashMap<String, Long> lastWrite = new ConcurrentHashMap<>();
  private volatile long openUntilNanos = System.nanoTime();

  /** Records writes until {@code untilNanos} (a window of a sender opens, or is extended). */
  synchronized void openUntil(long untilNanos) {
    long now = System.nanoTime();
    if (openUntilNanos - now <= 0) {
      lastWrite.clear(); // every earlier window closed: nothing can ask about those writes any more
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

  /** Whether {@code key} was written at or after {@code startNanos}. */
  boolean since(String key, long startNanos) {
    Long at = lastWrite.get(key);
    return at != null && at - startNanos >= 0;
  }
}
