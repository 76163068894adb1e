package org.groupcache4j.node.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.groupcache4j.internal.DaemonThreads;

/**
 * The threads of a warm-up (the server's and the Spring starter's): its clients and its
 * {@link RingChanges}, daemons that run while {@link #running()} is true. Closing ends them and
 * waits for each, at most {@value #JOIN_MILLIS} ms: closed before the throw-away nodes, so that the
 * third node leaves the pair's ring, and the clients end their requests, while the pair still serves.
 */
public final class WarmupThreads implements AutoCloseable {
  static final long JOIN_MILLIS = 5_000;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();

  /** True until {@link #close}: what the threads loop on. */
  public AtomicBoolean running() {
    return running;
  }

  /** Starts {@code task} on a daemon thread named {@code name}. */
  public void start(Runnable task, String name) {
    threads.add(DaemonThreads.start(task, name));
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    for (Thread t : threads) {
      t.join(JOIN_MILLIS);
    }
  }
}
