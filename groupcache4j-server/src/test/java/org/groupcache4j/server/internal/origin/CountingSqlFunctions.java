package org.groupcache4j.server.internal.origin;

import java.util.concurrent.atomic.AtomicInteger;

/** Java functions for H2 queries in tests ({@code CREATE ALIAS}), counting their calls. */
public final class CountingSqlFunctions {
  /** Calls of {@link #toInt} so far. */
  public static final AtomicInteger TO_INT_CALLS = new AtomicInteger();

  private CountingSqlFunctions() {}

  /** {@code s} as an int, or -1 for text that is not a number; fails (a query error) for "boom". */
  public static int toInt(String s) {
    TO_INT_CALLS.incrementAndGet();
    if (s.equals("boom")) {
      throw new IllegalStateException("boom");
    }
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
