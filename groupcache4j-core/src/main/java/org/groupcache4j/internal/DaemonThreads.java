package org.groupcache4j.internal;

import java.util.concurrent.Executor;

/**
 * Work that blocks (waiting for peers' answers, for a drain, for a warm-up's requests) on a daemon
 * thread of its own: not on a pool's thread, least of all the common pool's, which is the
 * application's too and, on 2 cores, a single thread (where newer JDKs run
 * {@code CompletableFuture}'s async work as well, so a blocked task there holds up every other).
 */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** Starts {@code task} on a new daemon thread named {@code name}, and returns that thread. */
  public static Thread start(Runnable task, String name) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** An executor that starts a daemon thread named {@code name} for each task. */
  public static Executor perTask(String name) {
    return task -> start(task, name);
  }
}
