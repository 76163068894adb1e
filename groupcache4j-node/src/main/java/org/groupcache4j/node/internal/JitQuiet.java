package org.groupcache4j.node.internal;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When a warm-up may stop: the JIT compilers have gone quiet (after at least a second and
 * {@code minRequests} requests, the JVM's compile time grew by at most
 * {@value #QUIET_MILLIS_PER_WINDOW} ms in each of {@value #QUIET_WINDOWS} windows of
 * {@value #WINDOW_MILLIS} ms in a row: what is hot is compiled), or its time limit passed. The
 * server's and the Spring starter's warm-ups both end so.
 */
public final class JitQuiet {
  static final long WINDOW_MILLIS = 500;
  static final long QUIET_MILLIS_PER_WINDOW = 25;
  static final int QUIET_WINDOWS = 2;
  /**
   * The first second is class loading and the first compilations: never judged quiet (a machine
   * too busy to answer requests yet is not done compiling them).
   */
  static final long MIN_MILLIS = 1_000;

  private JitQuiet() {}

  /** A warm-up's time limit ({@code --warm-up}, {@code groupcache4j.warm-up}): a duration up to 10 minutes, or 0 / off. */
  public static Duration limit(String text) {
    return Values.durationOrOff(text, Duration.ofMinutes(10), "a warm-up needs; use at most 10m (the JIT settles "
        + "within seconds), or 0 to turn it off");
  }

  /** The JVM's total compile time in milliseconds so far, or -1 where it cannot be measured. */
  public static LongSupplier compileMillis() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit::getTotalCompilationTime : () -> -1;
  }

  /**
   * Waits until the compilers are quiet ({@code "settled"}) or {@code limit} after
   * {@code startNanos} passed ({@code "time limit"}); where compile time cannot be measured, the
   * limit alone ends it.
   *
   * @param requests how many requests the warm-up has made so far
   */
  public static String await(LongSupplier compileMillis, Duration limit, long startNanos, LongSupplier requests,
      long minRequests) throws InterruptedException {
    long deadline = startNanos + limit.toNanos();
    long last = compileMillis.getAsLong();
    int quiet = 0;
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return "time limit";
      }
      Thread.sleep(Math.min(WINDOW_MILLIS, Math.max(1, left / 1_000_000)));
      long now = compileMillis.getAsLong();
      if (now < 0) {
        continue;
      }
      boolean pastMin = System.nanoTime() - startNanos >= MIN_MILLIS * 1_000_000 && requests.getAsLong() >= minRequests;
      quiet = pastMin && now - last <= QUIET_MILLIS_PER_WINDOW ? quiet + 1 : 0;
      last = now;
      if (quiet >= QUIET_WINDOWS) {
        return "settled";
      }
    }
  }
}
