package org.groupcache4j.http;

import java.util.ArrayList;
import java.util.List;

/** What a test opened, closed after it in reverse order. */
final class Closer {
  private final List<AutoCloseable> open = new ArrayList<>();

  /** Registers {@code t} to be closed by {@link #closeAll}; returns it. */
  <T extends AutoCloseable> T open(T t) {
    open.add(t);
    return t;
  }

  /** Closes everything registered, newest first. */
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    open.clear();
  }
}
