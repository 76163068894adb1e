package org.groupcache4j.server.internal.observe;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.groupcache4j.internal.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns when the heap stays nearly full after garbage collection (memory pressure): the JVM tells
 * us through the collection-usage threshold of each old-generation pool, so watching costs nothing
 * between collections. At most one line a minute. Young-generation pools (eden, survivor spaces)
 * are not watched: a survivor space full after a minor collection is normal and says nothing about
 * the heap; they are the heap pools without a usage threshold ({@link #watched}).
 */
public final class MemoryWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("org.groupcache4j.memory");
  /** Warn above this fraction of a pool's maximum, measured right after a collection. */
  static final double THRESHOLD = 0.9;

  private final LongSupplier budgetBytes;
  private final RateLimitedLog limiter = new RateLimitedLog(log.getName(), Duration.ofMinutes(1));
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener = this::onNotification;

  /** Watches the heap; {@code budgetBytes} is the sum of the groups' budgets, for the message. */
  public MemoryWatch(LongSupplier budgetBytes) {
    this.budgetBytes = budgetBytes;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      long max = pool.getUsage() == null ? -1 : pool.getUsage().getMax();
      if (watched(pool) && max > 0) {
        pool.setCollectionUsageThreshold((long) (max * THRESHOLD));
      }
    }
    if (ManagementFactory.getMemoryMXBean() instanceof NotificationEmitter e) {
      e.addNotificationListener(listener, null, null);
      emitters.add(e);
    }
  }

  /**
   * Whether {@code pool} tells how full the heap is after a collection: a heap pool with a
   * collection-usage threshold and a usage threshold (an old generation; the JVM gives young
   * pools no usage threshold).
   */
  public static boolean watched(MemoryPoolMXBean pool) {
    return pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported()
        && pool.isUsageThresholdSupported();
  }

  private void onNotification(Notification n, Object handback) {
    if (MemoryNotificationInfo.MEMORY_COLLECTION_THRESHOLD_EXCEEDED.equals(n.getType())
        && n.getUserData() instanceof CompositeData cd) {
      MemoryNotificationInfo info = MemoryNotificationInfo.from(cd);
      pressure(info.getPoolName(), info.getUsage());
    }
  }

  /** Logs (rate-limited) that {@code pool} is this full after a collection; returns whether it logged. */
  boolean pressure(String pool, MemoryUsage usage) {
    long held = limiter.admit("heap");
    if (held < 0) {
      return false;
    }
    long max = Runtime.getRuntime().maxMemory();
    long poolMax = usage.getMax() > 0 ? usage.getMax() : max;
    log.atWarn().addKeyValue("pool", pool).addKeyValue("usedBytes", usage.getUsed())
        .log("memory pressure: heap pool '{}' is {}% full after garbage collection ({} MiB of {} MiB; heap limit {} MiB, "
                + "cache budgets {} MiB); the node may slow down or fail loads with OutOfMemoryError: lower --cache-bytes "
                + "or raise -Xmx (GROUPCACHE4J_JAVA_OPTS){}",
            pool, Math.round(100.0 * usage.getUsed() / poolMax), usage.getUsed() >> 20, poolMax >> 20,
            max >> 20, budgetBytes.getAsLong() >> 20, RateLimitedLog.heldBack(held, "warnings"));
    return true;
  }

  @Override
  public void close() {
    for (NotificationEmitter e : emitters) {
      try {
        e.removeNotificationListener(listener);
      } catch (ListenerNotFoundException ignored) {
        // already gone
      }
    }
  }
}
