package org.groupcache4j.internal;

import java.util.concurrent.CompletionException;

/** What failed, under the wrappers that futures put around it. */
public final class Failures {
  private Failures() {}

  /** {@code t} without its {@link CompletionException} wrappers (a wrapper without a cause stays). */
  public static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
