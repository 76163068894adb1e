package org.groupcache4j.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import javax.management.ObjectName;
import org.groupcache4j.EvictionPolicy;
import org.groupcache4j.Group;
import org.groupcache4j.GroupCache;
import org.groupcache4j.GroupStats;
import org.groupcache4j.bench.internal.Cli;
import org.groupcache4j.bench.internal.SizedKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Heap held by a full cache, per byte of key and value it holds (its payload) and per byte of
 * budget, and the objects it holds per entry. Fills a group of {@code --budget-mib} with
 * {@code --value-bytes} values under keys of {@code --key-bytes} (a length, or a range such as
 * {@code 8-16}, each key's length drawn from it): 10% more than fit, so eviction has run and the
 * store is in its steady state; or, with {@code --entries N}, exactly N distinct keys (a budget
 * that holds them all, as a server filled below its budget). Then it forces garbage collection
 * until the heap settles and prints heap used (minus the heap used before the cache was made)
 * divided by the payload held and by the budget, and the objects added per entry added (live
 * objects after the fill minus those after its first {@value #WARM_UP} entries, from the JVM's
 * class histogram: what the first puts create once, loaded classes and code, is not per entry). Run one policy per fresh JVM with a fixed heap, e.g.
 * {@code java -Xms1g -Xmx1g -XX:+UseG1GC -cp benchmarks.jar org.groupcache4j.bench.MemoryOverhead --policy compact}.
 *
 * <p>{@code --policy caffeine} measures a plain Caffeine {@code Cache<String, byte[]>} with a
 * weigher of key and value bytes and the budget as its maximum weight, as a peer in the same run.
 */
@Command(name = "MemoryOverhead", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Heap used by a full cache per payload byte and per budget byte, and objects per entry.")
public final class MemoryOverhead implements Callable<Integer> {
  @Option(names = "--policy", required = true, paramLabel = "POLICY",
      description = "compact | w-tinylfu | lru (a Group with that store) | caffeine (a plain Caffeine cache)")
  String policy;

  @Option(names = "--budget-mib", defaultValue = "256", paramLabel = "MIB", description = "cache budget (default: 256)")
  int budgetMib;

  @Option(names = "--value-bytes", defaultValue = "1024", paramLabel = "N", description = "value size (default: 1024)")
  int valueBytes;

  @Option(names = "--key-bytes", defaultValue = "14", paramLabel = "N|MIN-MAX",
      description = "key length, or a range of lengths (default: 14)")
  String keyBytes;

  @Option(names = "--entries", paramLabel = "N",
      description = "insert exactly N distinct keys instead of filling the budget (it must hold them)")
  Long entries;

  @Option(names = "--tsv", description = "print one tab-separated row instead of a sentence")
  boolean tsv;

  private SizedKeys keys;

  public static void main(String[] args) {
    System.exit(Cli.run(new MemoryOverhead(), args));
  }

  @Override
  public Integer call() throws Exception {
    if (budgetMib < 1 || valueBytes < 1) {
      throw new IllegalArgumentException("--budget-mib and --value-bytes must be >= 1");
    }
    keys = SizedKeys.parse(keyBytes);
    long budget = (long) budgetMib << 20;
    long baseline = settledHeapUsed();
    long objectsBefore;
    long itemsBefore;
    Object cache;
    long storeBytes;
    long payload;
    long items;
    long inserted;
    switch (policy) {
      case "lru", "w-tinylfu", "compact" -> {
        GroupCache gc = GroupCache.builder().loaderExecutor(Runnable::run).build();
        Group g = gc.groupBuilder("memory")
            .cacheBytes(budget)
            .evictionPolicy(policyOf(policy))
            .loader(key -> value(key, valueBytes))
            .build();
        fill(WARM_UP, budget, key -> g.get(key)); // classes loaded and code run once are not per entry
        objectsBefore = liveObjects();
        itemsBefore = g.stats().mainStore().items() + g.stats().hotStore().items();
        inserted = fill(budget, key -> g.get(key));
        GroupStats s = g.stats();
        storeBytes = s.mainStore().bytes() + s.hotStore().bytes();
        payload = s.mainStore().payloadBytes() + s.hotStore().payloadBytes();
        items = s.mainStore().items() + s.hotStore().items();
        cache = gc;
      }
      case "caffeine" -> {
        Cache<String, byte[]> c = Caffeine.newBuilder()
            .executor(Runnable::run)
            .maximumWeight(budget)
            .weigher((String k, byte[] v) -> k.length() + v.length)
            .build();
        fill(WARM_UP, budget, key -> c.put(key, value(key, valueBytes)));
        c.cleanUp();
        objectsBefore = liveObjects();
        itemsBefore = c.estimatedSize();
        inserted = fill(budget, key -> c.put(key, value(key, valueBytes)));
        c.cleanUp();
        storeBytes = c.policy().eviction().orElseThrow().weightedSize().orElseThrow();
        payload = storeBytes;
        items = c.estimatedSize();
        cache = c;
      }
      default -> throw new IllegalArgumentException("unknown --policy '" + policy + "'; use compact, w-tinylfu, lru or caffeine");
    }
    long used = settledHeapUsed() - baseline;
    long objects = liveObjects() - objectsBefore;
    Reference.reachabilityFence(cache);
    double perBudget = (double) used / budget;
    double perStored = (double) used / storeBytes;
    double perPayload = (double) used / payload;
    double objectsPerEntry = (double) objects / (items - itemsBefore);
    if (tsv) {
      System.out.printf(Locale.ROOT, "%s\t%d\t%d\t%d\t%d\t%d\t%.4f\t%.4f\t%d\t%.4f\t%.4f\t%d\t%s%n",
          policy, budget, inserted, items, storeBytes, used, perBudget, perStored, payload, perPayload,
          objectsPerEntry, valueBytes, keyBytes);
    } else {
      System.out.printf(Locale.ROOT,
          "%s: budget %d MiB, %d values of %d bytes under %s-byte keys inserted, %d held (%d key+value bytes,"
              + " %d counted by the store); heap grew by %.1f MiB = %.3f x payload, %.3f x budget;"
              + " %.4f objects per entry%n",
          policy, budgetMib, inserted, valueBytes, keyBytes, items, payload, storeBytes, used / 1048576.0, perPayload,
          perBudget, objectsPerEntry);
    }
    return 0;
  }

  static EvictionPolicy policyOf(String name) {
    return switch (name) {
      case "lru" -> EvictionPolicy.LRU;
      case "w-tinylfu" -> EvictionPolicy.W_TINY_LFU;
      case "compact" -> EvictionPolicy.COMPACT;
      default -> throw new IllegalArgumentException("unknown policy '" + name + "'");
    };
  }

  /** Column names of the {@code --tsv} row. */
  public static final String TSV_HEADER = "policy\tbudget_bytes\tinserted\titems\tstored_bytes\theap_used_bytes"
      + "\theap_per_budget\theap_per_stored_byte\tpayload_bytes\theap_per_payload\tobjects_per_entry\tvalue_bytes\tkey_bytes";

  /** Entries put before objects are counted: what the first puts create once (classes, code) is not per entry. */
  static final int WARM_UP = 1000;

  /** Inserts 10% more entries than the budget holds of key and value bytes, or exactly {@code --entries}; returns how many. */
  private long fill(long budget, Consumer<String> sink) {
    return fill(0, budget, sink);
  }

  /** The first {@code limit} keys of the fill ({@code 0}: all of them); returns how many were put. */
  private long fill(long limit, long budget, Consumer<String> sink) {
    long n = entries != null ? entries : (long) (budget / (keys.meanLength() + valueBytes) * 1.1);
    if (limit > 0) {
      n = Math.min(n, limit);
    }
    for (long i = 0; i < n; i++) {
      sink.accept(keys.key(i));
    }
    return n;
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

  /** Live objects in the heap: the total of the JVM's class histogram ({@code jcmd PID GC.class_histogram}). */
  static long liveObjects() throws Exception {
    String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
        new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
        new Object[] {new String[0]}, new String[] {String[].class.getName()});
    for (String line : histogram.split("\n")) {
      String t = line.trim();
      if (t.startsWith("Total")) {
        return Long.parseLong(t.split("\\s+")[1]);
      }
    }
    throw new IllegalStateException("no Total line in the class histogram");
  }
}
