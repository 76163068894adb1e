package org.groupcache4j.http.internal.client;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The fetches of one event loop that are not done yet, in the order of their deadlines, with one
 * timer for all of them: it wakes at the earliest deadline, hands every fetch past its deadline to
 * {@code onExpired}, and sleeps until the next one. The fetches of a client share one timeout, so
 * a new fetch goes at the end of the list (O(1)); one with an earlier deadline is put in its place.
 *
 * <p>The list is also the pool's record of every fetch in flight ({@link #oldest()}), which is
 * how they can all be failed at once. Touched on its event loop only.
 */
final class Deadlines {
  private final EventExecutor loop;
  private final Consumer<Fetch> onExpired;
  private Fetch oldest;
  private Fetch newest;
  private ScheduledFuture<?> timer;
  private long timerAt; // when the timer fires, if there is one

  /** @param onExpired told of each fetch past its deadline, after it left the list */
  Deadlines(EventExecutor loop, Consumer<Fetch> onExpired) {
    this.loop = loop;
    this.onExpired = onExpired;
  }

  /** Lists {@code f}, which expires at {@code f.deadline}. */
  void add(Fetch f) {
    Fetch after = newest;
    while (after != null && after.deadline - f.deadline > 0) {
      after = after.prev;
    }
    f.listed = true;
    f.prev = after;
    f.next = after == null ? oldest : after.next;
    if (f.next == null) {
      newest = f;
    } else {
      f.next.prev = f;
    }
    if (after == null) {
      oldest = f;
    } else {
      after.next = f;
    }
    if (timer == null || (oldest == f && timerAt - f.deadline > 0)) {
      schedule(f.deadline);
    }
  }

  /** Takes {@code f} off the list (it is done); nothing if it is not listed. */
  void remove(Fetch f) {
    if (!f.listed) {
      return;
    }
    f.listed = false;
    if (f.prev == null) {
      oldest = f.next;
    } else {
      f.prev.next = f.next;
    }
    if (f.next == null) {
      newest = f.prev;
    } else {
      f.next.prev = f.prev;
    }
    f.prev = null;
    f.next = null;
  }

  /** The listed fetch with the earliest deadline, or {@code null}. */
  /** Every fetch listed, oldest first (a copy). */
  java.util.List<Fetch> all() {
    java.util.List<Fetch> list = new java.util.ArrayList<>();
    for (Fetch f = oldest; f != null; f = f.next) {
      list.add(f);
    }
    return list;
  }

  Fetch oldest() {
    return oldest;
  }

  private void schedule(long at) {
    if (timer != null) {
      timer.cancel(false);
    }
    timerAt = at;
    timer = loop.schedule(this::expire, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  private void expire() {
    timer = null;
    long now = System.nanoTime();
    Fetch f;
    while ((f = oldest) != null && f.deadline - now <= 0) {
      remove(f);
      onExpired.accept(f);
    }
    if (oldest != null && timer == null) {
      schedule(oldest.deadline);
    }
  }
}
