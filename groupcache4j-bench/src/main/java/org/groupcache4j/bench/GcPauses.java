package org.groupcache4j.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.groupcache4j.ByteView;
import org.groupcache4j.Group;
import org.groupcache4j.GroupCache;
import org.groupcache4j.GroupStats;
import org.groupcache4j.bench.internal.Cli;
import org.groupcache4j.bench.internal.SizedKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Garbage-collection pauses of one JVM whose cache holds many small entries, under a mix of reads
 * and writes. Fills a group of the chosen policy with {@code --entries} values of
 * {@code --value-bytes} under keys of {@code --key-bytes} (its budget sized so that all of them
 * fit: key and value bytes for LRU and W-TinyLFU, what the compact store also counts for it), runs
 * a full collection, then for {@code --seconds} lets {@code --threads} threads read random keys
 * and, {@code --write-percent} of the time, set one to a new value (the group's own write: the
 * store replaces it). It prints the window of the mix in JVM uptime and the operations done.
 *
 * <p>Run it with the collector's log, {@code -Xlog:gc:file=FILE} (its default decorations give the
 * uptime of each line); then {@code GcPauses --log FILE --from S --to S} reads the pauses in the
 * mix's window from that log (young, mixed, remark, cleanup and full collections, every line that
 * says "Pause") and prints their count, median, 99th percentile, maximum and the number of full
 * collections. The log is read after the measured JVM ended, so nothing else runs while it pauses.
 */
@Command(name = "GcPauses", mixinStandardHelpOptions = true, sortOptions = false,
    description = "GC pauses while a cache of many small entries serves reads and writes.")
public final class GcPauses implements Callable<Integer> {
  @Option(names = "--policy", defaultValue = "compact", paramLabel = "POLICY", description = "compact | w-tinylfu | lru")
  String policy;

  @Option(names = "--entries", defaultValue = "20000000", paramLabel = "N", description = "entries held (default: 20,000,000)")
  long entries;

  @Option(names = "--value-bytes", defaultValue = "100", paramLabel = "N", description = "default: 100")
  int valueBytes;

  @Option(names = "--key-bytes", defaultValue = "8-16", paramLabel = "N|MIN-MAX", description = "default: 8-16")
  String keyBytes;

  @Option(names = "--seconds", defaultValue = "60", paramLabel = "S", description = "length of the mix (default: 60)")
  int seconds;

  @Option(names = "--threads", defaultValue = "2", paramLabel = "N", description = "default: 2")
  int threads;

  @Option(names = "--write-percent", defaultValue = "10", paramLabel = "P", description = "writes among operations (default: 10)")
  int writePercent;

  @Option(names = "--log", paramLabel = "FILE", description = "read the pauses of this GC log (with --from and --to) instead of running")
  Path log;

  @Option(names = "--from", defaultValue = "0", paramLabel = "S", description = "start of the window, JVM uptime in seconds")
  double from;

  @Option(names = "--to", defaultValue = "1e9", paramLabel = "S", description = "end of the window, JVM uptime in seconds")
  double to;

  @Option(names = "--tsv", description = "print tab-separated values")
  boolean tsv;

  public static void main(String[] args) {
    System.exit(Cli.run(new GcPauses(), args));
  }

  @Override
  public Integer call() throws Exception {
    if (log != null) {
      Pauses p = Pauses.read(log, from, to);
      System.out.println(tsv ? p.tsv() : p.toString());
      return 0;
    }
    return run();
  }

  private int run() throws InterruptedException {
    SizedKeys keys = SizedKeys.parse(keyBytes);
    double payload = keys.meanLength() + valueBytes;
    long budget = (long) (entries * (policy.equals("compact") ? payload + 48 : payload + 1) * 1.02) + (1L << 20);
    try (GroupCache gc = GroupCache.builder().loaderExecutor(Runnable::run).build()) {
      Group g = gc.groupBuilder("pauses").cacheBytes(budget).evictionPolicy(MemoryOverhead.policyOf(policy))
          .loader(key -> new byte[valueBytes]).build();
      long fillStart = System.nanoTime();
      for (long i = 0; i < entries; i++) {
        g.get(keys.key(i));
      }
      double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
      System.gc();
      GroupStats filled = g.stats();
      double mixFrom = uptime();
      AtomicLong ops = new AtomicLong();
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Thread w = new Thread(() -> {
          ThreadLocalRandom r = ThreadLocalRandom.current();
          long n = 0;
          while ((n & 1023) != 0 || System.nanoTime() < end) {
            String k = keys.key(r.nextLong(entries));
            if (r.nextInt(100) < writePercent) {
              byte[] v = new byte[valueBytes];
              v[0] = (byte) n;
              g.set(k, ByteView.copyOf(v));
            } else {
              g.get(k);
            }
            n++;
          }
          ops.addAndGet(n);
        }, "mix-" + t);
        workers.add(w);
        w.start();
      }
      for (Thread w : workers) {
        w.join();
      }
      double mixTo = uptime();
      GroupStats s = g.stats();
      long held = s.mainStore().items() + s.hotStore().items();
      if (tsv) {
        System.out.printf(Locale.ROOT, "%s\t%d\t%d\t%d\t%.1f\t%.3f\t%.3f\t%d\t%.0f%n", policy, entries, held,
            Runtime.getRuntime().maxMemory(), fillSeconds, mixFrom, mixTo, ops.get(), ops.get() / (mixTo - mixFrom));
      } else {
        System.out.printf(Locale.ROOT, "%s: %,d entries filled in %.1f s (%,d held after the mix, %,d before); mix from"
            + " %.3f s to %.3f s of uptime: %,d operations (%,.0f/s) by %d threads, %d%% writes; max heap %d MiB%n",
            policy, entries, fillSeconds, held, filled.mainStore().items() + filled.hotStore().items(), mixFrom, mixTo,
            ops.get(), ops.get() / (mixTo - mixFrom), threads, writePercent, Runtime.getRuntime().maxMemory() >> 20);
      }
    }
    return 0;
  }

  private static double uptime() {
    return ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
  }

  /**
   * The pauses of a GC log that began within a window of uptime. A line is logged as its pause
   * ends: the pause began its length earlier (so the {@code System.gc()} that ends just before the
   * mix's window opens is left out, however the log's clock and the JVM's uptime round).
   */
  record Pauses(List<Double> millis, int full, double window) {
    private static final Pattern LINE = Pattern.compile("^\\[([\\d.]+)s\\].*\\bPause (.*?)\\s([\\d.]+)ms\\s*$");

    static Pauses read(Path log, double from, double to) throws IOException {
      return read(Files.readAllLines(log, StandardCharsets.UTF_8), from, to);
    }

    static Pauses read(List<String> lines, double from, double to) {
      List<Double> ms = new ArrayList<>();
      int full = 0;
      for (String line : lines) {
        Matcher m = LINE.matcher(line);
        if (!m.find()) {
          continue;
        }
        double pause = Double.parseDouble(m.group(3));
        double began = Double.parseDouble(m.group(1)) - pause / 1000;
        if (began < from || began > to) {
          continue;
        }
        ms.add(pause);
        if (m.group(2).startsWith("Full")) {
          full++;
        }
      }
      Collections.sort(ms);
      return new Pauses(ms, full, to - from);
    }

    double percentile(double p) {
      if (millis.isEmpty()) {
        return 0;
      }
      int i = (int) Math.ceil(p * millis.size()) - 1;
      return millis.get(Math.max(0, Math.min(millis.size() - 1, i)));
    }

    double total() {
      return millis.stream().mapToDouble(Double::doubleValue).sum();
    }

    String tsv() {
      return String.format(Locale.ROOT, "%d\t%.3f\t%.3f\t%.3f\t%d\t%.3f", millis.size(), percentile(0.5),
          percentile(0.99), percentile(1), full, total());
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%d pauses in %.1f s: median %.2f ms, p99 %.2f ms, max %.2f ms, %d full;"
          + " %.0f ms paused in all", millis.size(), window, percentile(0.5), percentile(0.99), percentile(1), full, total());
    }
  }
}
