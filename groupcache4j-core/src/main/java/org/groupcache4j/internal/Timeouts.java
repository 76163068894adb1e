package org.groupcache4j.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The timeouts of the cache's futures (a peer fetch, a lease, a poll, a write's fan-out), on one
 * coarse timer: a hashed wheel of {@value #BUCKETS} buckets of {@value #TICK_MILLIS} ms, turned by
 * one daemon thread. A timeout fires at or after its deadline, at most about a tick late, never
 * early.
 *
 * <p>Why not {@link CompletableFuture#orTimeout}: the JDK puts every such timeout in one
 * {@code ScheduledThreadPoolExecutor}, whose thread is woken whenever a new timeout is due before
 * every other. Under a steady load of short requests that is most of them (each request's timeout
 * is cancelled when it is answered, so the queue is often empty), and the wake-ups cost more CPU
 * than the requests' own work on a small machine. Here, adding a timeout is a queue offer and
 * cancelling one a flag and a queue offer; the thread takes both at its next tick, and sleeps
 * without ticking while no timeout is pending.
 */
public final class Timeouts {
  static final long TICK_MILLIS = 10;
  static final int BUCKETS = 512;

  private static final Timeouts SHARED = new Timeouts("groupcache4j-timeouts", TICK_MILLIS * 1_000_000L);

  /** A scheduled task; {@link #cancel} stops it if it has not run. */
  public static final class Timeout {
    private static final int WAITING = 0;
    private static final int CANCELLED = 1;
    private static final int RUN = 2;

    final long deadline;
    final Runnable task;
    final AtomicInteger state = new AtomicInteger(WAITING);
    long rounds; // turns of the wheel left; the timer thread's
    Timeout prev; // in its bucket; the timer thread's
    Timeout next;
    Bucket bucket;
    private final Timeouts owner;

    Timeout(Timeouts owner, long deadline, Runnable task) {
      this.owner = owner;
      this.deadline = deadline;
      this.task = task;
    }

    /** Stops the task if it has not run yet; returns whether it was stopped by this call. */
    public boolean cancel() {
      if (!state.compareAndSet(WAITING, CANCELLED)) {
        return false;
      }
      owner.cancelled.offer(this);
      return true;
    }
  }

  static final class Bucket {
    Timeout head;
    Timeout tail;

    void add(Timeout t) {
      t.bucket = this;
      t.prev = tail;
      t.next = null;
      if (tail == null) {
        head = t;
      } else {
        tail.next = t;
      }
      tail = t;
    }

    void remove(Timeout t) {
      if (t.prev == null) {
        head = t.next;
      } else {
        t.prev.next = t.next;
      }
      if (t.next == null) {
        tail = t.prev;
      } else {
        t.next.prev = t.prev;
      }
      t.prev = null;
      t.next = null;
      t.bucket = null;
    }
  }

  private final long tickNanos;
  private final Bucket[] wheel = new Bucket[BUCKETS];
  private final ConcurrentLinkedQueue<Timeout> added = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Timeout> cancelled = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pending = new AtomicInteger(); // added and not yet run or cancelled
  private final Thread thread;
  private final long start = System.nanoTime();
  private long tick; // the next tick to run; the timer thread's
  private volatile boolean sleeping;

  Timeouts(String threadName, long tickNanos) {
    this.tickNanos = tickNanos;
    for (int i = 0; i < BUCKETS; i++) {
      wheel[i] = new Bucket();
    }
    thread = new Thread(this::run, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  /** Runs {@code task} on the timer's thread after {@code delayNanos}, unless cancelled first; keep it short. */
  public static Timeout schedule(Runnable task, long delayNanos) {
    return SHARED.add(task, delayNanos);
  }

  /**
   * {@code f}, completed with a {@link TimeoutException} if it is not done within
   * {@code timeoutNanos} (what {@link CompletableFuture#orTimeout} does, on this timer).
   */
  public static <T> CompletableFuture<T> orTimeout(CompletableFuture<T> f, long timeoutNanos) {
    return unlessDone(f, () -> f.completeExceptionally(new TimeoutException()), timeoutNanos);
  }

  /** {@code f}, completed with {@code value} if it is not done within {@code timeoutNanos} ({@link CompletableFuture#completeOnTimeout}). */
  public static <T> CompletableFuture<T> completeOnTimeout(CompletableFuture<T> f, T value, long timeoutNanos) {
    return unlessDone(f, () -> f.complete(value), timeoutNanos);
  }

  /** Runs {@code onTimeout} after {@code timeoutNanos} unless {@code f} is done first (its timeout is then cancelled). */
  private static <T> CompletableFuture<T> unlessDone(CompletableFuture<T> f, Runnable onTimeout, long timeoutNanos) {
    if (!f.isDone()) {
      Timeout t = schedule(onTimeout, timeoutNanos);
      f.whenComplete((v, e) -> t.cancel());
    }
    return f;
  }

  Timeout add(Runnable task, long delayNanos) {
    Timeout t = new Timeout(this, System.nanoTime() + Math.max(0, delayNanos), task);
    added.offer(t);
    pending.incrementAndGet();
    if (sleeping) {
      LockSupport.unpark(thread);
    }
    return t;
  }

  /** Whether the timer's thread sleeps with nothing pending (for tests). */
  boolean idle() {
    return sleeping;
  }

  /** Timeouts added and neither run nor cancelled (for tests). */
  int pending() {
    return pending.get();
  }

  private void run() {
    while (true) {
      long now = System.nanoTime();
      long due = start + (tick + 1) * tickNanos; // tick N covers deadlines before its end
      if (now - due < 0) {
        if (pending.get() == 0 && added.isEmpty()) {
          sleeping = true;
          if (pending.get() == 0 && added.isEmpty()) {
            LockSupport.park(this);
          }
          sleeping = false;
          tick = Math.max(tick, (System.nanoTime() - start) / tickNanos);
          continue;
        }
        LockSupport.parkNanos(this, due - now);
        continue;
      }
      try {
        turn(now);
      } catch (Throwable e) { // nothing of the process's timeouts may stop this thread
        failed("a turn of the timer", e);
      }
    }
  }

  /** Takes the added and cancelled timeouts, then runs every bucket whose tick ended by {@code now}. */
  private void turn(long now) {
    for (Timeout c; (c = cancelled.poll()) != null; ) {
      if (c.bucket != null) {
        c.bucket.remove(c);
        pending.decrementAndGet();
      }
    }
    for (Timeout t; (t = added.poll()) != null; ) {
      if (t.state.get() != Timeout.WAITING) {
        pending.decrementAndGet(); // cancelled before it reached the wheel
        continue;
      }
      long at = Math.max(tick, (t.deadline - start) / tickNanos); // fired once that tick has ended: never early
      t.rounds = (at - tick) / BUCKETS;
      wheel[(int) (at % BUCKETS)].add(t);
    }
    long last = (now - start) / tickNanos; // every tick whose end is past
    for (; tick < last; tick++) {
      Bucket b = wheel[(int) (tick % BUCKETS)];
      for (Timeout t = b.head; t != null; ) {
        Timeout next = t.next;
        if (t.rounds > 0) {
          t.rounds--;
        } else {
          b.remove(t);
          pending.decrementAndGet();
          if (t.state.compareAndSet(Timeout.WAITING, Timeout.RUN)) {
            runTask(t);
          }
        }
        t = next;
      }
    }
  }

  private static void runTask(Timeout t) {
    try {
      t.task.run();
    } catch (Throwable e) { // a task that throws must not stop every other timeout of the process
      failed("a timeout's task", e);
    }
  }

  private static void failed(String what, Throwable e) {
    System.getLogger("org.groupcache4j.timeouts").log(System.Logger.Level.WARNING, what + " failed; the timer goes on", e);
  }
}
