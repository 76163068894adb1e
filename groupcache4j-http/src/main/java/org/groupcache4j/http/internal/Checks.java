package org.groupcache4j.http.internal;

import java.time.Duration;
import java.util.Objects;

/** Checks of option values shared by the builders of this module; a bad value throws naming the option. */
public final class Checks {
  private Checks() {}

  /** {@code d}, if it is longer than zero. */
  public static Duration positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, was " + d);
    }
    return d;
  }

  /** {@code value}, if it is at least {@code min}. */
  public static int atLeast(int min, int value, String what) {
    if (value < min) {
      throw new IllegalArgumentException(what + " must be >= " + min + ", was " + value);
    }
    return value;
  }
}
