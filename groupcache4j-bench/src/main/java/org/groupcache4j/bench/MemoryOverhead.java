package org.groupcache4j.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.groupcache4j.EvictionPolicy;
import org.groupcache4j.Group;
import org.groupcache4j.GroupCache;
import org.groupcache4j.GroupStats;
import org.groupcache4j.bench.internal.Cli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Heap held by a full cache per byte of budget. Fills a group of {@code --budget-mib} with
 * {@code --value-bytes} values (10% more than fit, so eviction has run and the store is in its
 * steady state), forces garbage collection until the heap settles, and prints
 * (heap used − heap used before filling) ÷ budget. The budget counts key and value bytes, as the
 * stores do. Run one policy per fresh JVM with a fixed heap, e.g.
 * {@code java -Xms1g -Xmx1g -XX:+UseG1GC -cp benchmarks.jar org.groupcache4j.bench.MemoryOverhead --policy lru}.
 *
 * <p>{@code --policy caffeine} measures a plain Caffeine {@code Cache<String, byte[]>} with the
 * same weigher and maximum weight, as a peer in the same run.
 */
@Command(name = "MemoryOverhead", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Heap used by a full cache divided by its byte budget.")
public final class MemoryOverhead implements Callable<Integer> {
  @Option(names = "--policy", required = true, paramLabel = "POLICY",
      description = "lru | w-tinylfu (a Group with that store) | caffeine (a plain Caffeine cache)")
  String policy;

  @Option(names = "--budget-mib", defaultValue = "256", paramLabel = "MIB", description = "cache budget (default: 256)")
  int budgetMib;

  @Option(names = "--value-bytes", defaultValue = "1024", paramLabel = "N", description = "value size (default: 1024)")
  int valueBytes;

  @Option(names = "--tsv", description = "print one tab-separated row instead of a sentence")
  boolean tsv;

  public static void main(String[] args) {
    System.exit(Cli.run(new MemoryOverhead(), args));
  }

  @Override
  public Integer call() throws InterruptedException {
    if (budgetMib < 1 || valueBytes < 1) {
      throw new IllegalArgumentException("--budget-mib and --value-bytes must be >= 1");
    }
    long budget = (long) budgetMib << 20;
    long baseline = settledHeapUsed();
    Object cache;
    long storeBytes;
    long items;
    long inserted;
    switch (policy) {
      case "lru", "w-tinylfu" -> {
        GroupCache gc = GroupCache.builder().loaderExecutor(Runnable::run).build();
        Group g = gc.groupBuilder("memory")
            .cacheBytes(budget)
            .evictionPolicy(policy.equals("lru") ? EvictionPolicy.LRU : EvictionPolicy.W_TINY_LFU)
            .loader(key -> value(key, valueBytes))
            .build();
        inserted = fill(budget, key -> g.get(key));
        GroupStats s = g.stats();
        storeBytes = s.mainStore().bytes() + s.hotStore().bytes();
        items = s.mainStore().items() + s.hotStore().items();
        cache = gc;
      }
      case "caffeine" -> {
        Cache<String, byte[]> c = Caffeine.newBuilder()
            .executor(Runnable::run)
            .maximumWeight(budget)
            .weigher((String k, byte[] v) -> k.length() + v.length)
            .build();
        inserted = fill(budget, key -> c.put(key, value(key, valueBytes)));
        c.cleanUp();
        storeBytes = c.policy().eviction().orElseThrow().weightedSize().orElseThrow();
        items = c.estimatedSize();
        cache = c;
      }
      default -> throw new IllegalArgumentException("unknown --policy '" + policy + "'; use lru, w-tinylfu or caffeine");
    }
    long used = settledHeapUsed() - baseline;
    Reference.reachabilityFence(cache);
    double perBudget = (double) used / budget;
    double perStored = (double) used / storeBytes;
    if (tsv) {
      System.out.printf(Locale.ROOT, "%s\t%d\t%d\t%d\t%d\t%d\t%.4f\t%.4f%n",
          policy, budget, inserted, items, storeBytes, used, perBudget, perStored);
    } else {
      System.out.printf(Locale.ROOT,
          "%s: budget %d MiB, %d values of %d bytes inserted, %d held (%d key+value bytes);"
              + " heap grew by %.1f MiB = %.3f x budget (%.3f x bytes held)%n",
          policy, budgetMib, inserted, valueBytes, items, storeBytes, used / 1048576.0, perBudget, perStored);
    }
    return 0;
  }

  /** Column names of the {@code --tsv} row. */
  public static final String TSV_HEADER =
      "policy\tbudget_bytes\tinserted\titems\tstored_bytes\theap_used_bytes\theap_per_budget\theap_per_stored_byte";


  /** Inserts 10% more entries than the budget holds; returns how many. */
  private long fill(long budget, Consumer<String> sink) {
    long perEntry = key(0).length() + valueBytes;
    long n = budget / perEntry * 11 / 10;
    for (long i = 0; i < n; i++) {
      sink.accept(key(i));
    }
    return n;
  }

  private static String key(long i) {
    return String.format(Locale.ROOT, "key-%010d", i);
  }

  private static byte[] value(String key, int size) {
    byte[] b = new byte[size];
    b[0] = (byte) key.hashCode();
    return b;
  }

  /** Heap used after full collections, once two readings in a row differ by less than 1 MiB. */
  static long settledHeapUsed() throws InterruptedException {
    MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
    long previous = Long.MAX_VALUE;
    for (int i = 0; i < 20; i++) {
      System.gc();
      Thread.sleep(100); // let concurrent phases and reference processing finish
      long used = mx.getHeapMemoryUsage().getUsed();
      if (Math.abs(previous - used) < (1 << 20) && i >= 2) {
        return Math.min(previous, used);
      }
      previous = used;
    }
    return previous;
  }
}
