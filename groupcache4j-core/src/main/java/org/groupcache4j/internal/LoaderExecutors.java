package org.groupcache4j.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default loader executor: one virtual thread per load where the JDK has them (21+), found
 * by reflection because the library is compiled for Java 17; otherwise a bounded pool of
 * daemon platform threads.
 */
public final class LoaderExecutors {
  /** Platform threads used where virtual threads are not available. */
  public static final int PLATFORM_POOL_THREADS = 64;

  private LoaderExecutors() {}

  public static ExecutorService createDefault() {
    ExecutorService virtual = virtualThreadPerTask();
    return virtual != null ? virtual : boundedPool(PLATFORM_POOL_THREADS);
  }

  static ExecutorService virtualThreadPerTask() {
    try {
      return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  public static ExecutorService boundedPool(int threads) {
    AtomicInteger n = new AtomicInteger();
    ThreadFactory tf = r -> {
      Thread t = new Thread(r, "groupcache4j-loader-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), tf);
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
