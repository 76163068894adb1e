package org.groupcache4j.http;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a test opened, closed after it in reverse order: a test class holds one in a
 * {@code @RegisterExtension} field.
 */
final class Closer implements AfterEachCallback {
  private final List<AutoCloseable> open = new ArrayList<>();

  /** Registers {@code t} to be closed after the test; returns it. */
  <T extends AutoCloseable> T open(T t) {
    open.add(t);
    return t;
  }

  /** Closes everything registered, newest first. */
  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    open.clear();
  }
}
