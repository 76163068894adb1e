package org.groupcache4j.bench.roll;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Client threads asking for random keys through a {@link Balancer} at a fixed total rate, each
 * request at its scheduled time (a thread that fell behind sends at once until it caught up).
 * A request's latency is the time from sending it to its answer, the balancer's moves and retry
 * included (as wrk counts: on a machine whose cores the clients share with the nodes, counting
 * from the scheduled time would mostly measure how far the clients fell behind). How late each
 * request was sent is kept too ({@link Samples#write}). Thread {@code t}'s home node is
 * {@code t % homes + 1}.
 */
public final class RollLoad implements AutoCloseable {
  /** Samples of every thread, readable after {@link #close}. */
  private final List<Samples> all = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();
  private volatile boolean running = true;

  /**
   * Starts {@code threads} clients asking for {@code keys} at {@code ratePerSecond} in all, each
   * request given {@code timeout}.
   */
  public RollLoad(Balancer balancer, List<String> keys, int threads, int homes, int ratePerSecond, Duration timeout) {
    long intervalNanos = 1_000_000_000L * threads / Math.max(1, ratePerSecond);
    long t0 = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      Samples mine = new Samples();
      all.add(mine);
      Balancer.Session session = balancer.session(t % homes + 1);
      long first = t0 + intervalNanos * t / threads; // spread the threads' schedules
      Thread th = new Thread(() -> loop(session, keys, first, intervalNanos, timeout, mine), "client-" + t);
      th.setDaemon(true);
      this.threads.add(th);
    }
    this.threads.forEach(Thread::start);
  }

  private void loop(Balancer.Session session, List<String> keys, long first, long interval, Duration timeout,
      Samples mine) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long next = first;
    try (session) {
      while (running) {
        long wait = next - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
          continue;
        }
        String key = keys.get(r.nextInt(keys.size()));
        long sent = System.nanoTime();
        Balancer.Result res = session.get(key, timeout);
        long end = System.nanoTime();
        mine.add(sent, sent - next, end - sent, res);
        if (!res.ok()) {
          synchronized (failures) {
            if (failures.size() < 20) {
              failures.add(res.failure());
            }
          }
        }
        next += interval;
      }
    }
  }

  /** The first failed requests' reasons (at most 20). */
  public List<String> failures() {
    synchronized (failures) {
      return List.copyOf(failures);
    }
  }

  /** Every thread's samples, after {@link #close}. */
  public Samples samples() {
    return Samples.merge(all);
  }

  /** Stops the clients after their request in flight. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(60_000);
    }
  }

  /**
   * Requests as columns: when each was sent ({@link System#nanoTime}), how late that was after
   * its scheduled time and its latency (µs), the node that answered (0: none), and flags (ok,
   * sent on after a 503, after a refused connection, retried after a closed connection).
   */
  public static final class Samples {
    static final byte OK = 1;
    static final byte MOVED_503 = 2;
    static final byte MOVED_REFUSED = 4;
    static final byte RETRIED_CLOSED = 8;

    long[] sent = new long[1024];
    int[] lateMicros = new int[1024];
    int[] latencyMicros = new int[1024];
    byte[] node = new byte[1024];
    byte[] flags = new byte[1024];
    int size;

    void add(long when, long lateNanos, long latencyNanos, Balancer.Result r) {
      if (size == sent.length) {
        int n = size * 2;
        sent = Arrays.copyOf(sent, n);
        lateMicros = Arrays.copyOf(lateMicros, n);
        latencyMicros = Arrays.copyOf(latencyMicros, n);
        node = Arrays.copyOf(node, n);
        flags = Arrays.copyOf(flags, n);
      }
      sent[size] = when;
      lateMicros[size] = (int) Math.min(Integer.MAX_VALUE, lateNanos / 1000);
      latencyMicros[size] = (int) Math.min(Integer.MAX_VALUE, latencyNanos / 1000);
      node[size] = (byte) r.node();
      flags[size] = (byte) ((r.ok() ? OK : 0) | (r.movedOn503() > 0 ? MOVED_503 : 0)
          | (r.movedOnRefused() > 0 ? MOVED_REFUSED : 0) | (r.retriedClosed() ? RETRIED_CLOSED : 0));
      size++;
    }

    static Samples merge(List<Samples> parts) {
      Samples m = new Samples();
      for (Samples p : parts) {
        for (int i = 0; i < p.size; i++) {
          if (m.size == m.sent.length) {
            int n = Math.max(1024, (m.size + p.size) * 2);
            m.sent = Arrays.copyOf(m.sent, n);
            m.lateMicros = Arrays.copyOf(m.lateMicros, n);
            m.latencyMicros = Arrays.copyOf(m.latencyMicros, n);
            m.node = Arrays.copyOf(m.node, n);
            m.flags = Arrays.copyOf(m.flags, n);
          }
          m.sent[m.size] = p.sent[i];
          m.lateMicros[m.size] = p.lateMicros[i];
          m.latencyMicros[m.size] = p.latencyMicros[i];
          m.node[m.size] = p.node[i];
          m.flags[m.size] = p.flags[i];
          m.size++;
        }
      }
      return m;
    }

    public int size() {
      return size;
    }

    /**
     * Writes every request as a line: when it was sent (seconds since {@code zero}), how late and
     * its latency (ms), the node that answered, flags (for looking into a run).
     */
    public void write(java.nio.file.Path file, long zero) throws java.io.IOException {
      Integer[] idx = new Integer[size];
      for (int i = 0; i < size; i++) {
        idx[i] = i;
      }
      Arrays.sort(idx, (a, b) -> Long.compare(sent[a], sent[b]));
      try (java.io.BufferedWriter w = java.nio.file.Files.newBufferedWriter(file)) {
        w.write("# sent_s late_ms latency_ms node flags(1 ok, 2 after 503, 4 after refused, 8 retried)\n");
        for (int i : idx) {
          w.write(String.format(java.util.Locale.ROOT, "%.4f %.3f %.3f %d %d%n", (sent[i] - zero) / 1e9,
              lateMicros[i] / 1000.0, latencyMicros[i] / 1000.0, node[i], flags[i]));
        }
      }
    }

    /**
     * What the requests sent in {@code [from, to)} (nanoTime) and answered by {@code node} (0:
     * any) saw.
     */
    public Window window(long from, long to, int atNode) {
      int[] lat = new int[64];
      int n = 0;
      long failed = 0;
      long moved503 = 0;
      long movedRefused = 0;
      long retried = 0;
      for (int i = 0; i < size; i++) {
        if (sent[i] < from || sent[i] >= to || (atNode != 0 && node[i] != atNode)) {
          continue;
        }
        if (n == lat.length) {
          lat = Arrays.copyOf(lat, n * 2);
        }
        lat[n++] = latencyMicros[i];
        byte f = flags[i];
        failed += (f & OK) == 0 ? 1 : 0;
        moved503 += (f & MOVED_503) != 0 ? 1 : 0;
        movedRefused += (f & MOVED_REFUSED) != 0 ? 1 : 0;
        retried += (f & RETRIED_CLOSED) != 0 ? 1 : 0;
      }
      int[] sorted = Arrays.copyOf(lat, n);
      Arrays.sort(sorted);
      return new Window(n, failed, moved503, movedRefused, retried, sorted);
    }
  }

  /** The requests of a stretch of time: counts, and their latencies sorted. */
  public record Window(long requests, long failed, long movedOn503, long movedOnRefused, long retriedClosed,
      int[] sortedMicros) {
    /** The {@code q} quantile of the latency in milliseconds (nearest rank), NaN without requests. */
    public double quantileMillis(double q) {
      if (sortedMicros.length == 0) {
        return Double.NaN;
      }
      int rank = (int) Math.ceil(q * sortedMicros.length);
      return sortedMicros[Math.max(0, Math.min(sortedMicros.length, rank) - 1)] / 1000.0;
    }

    public double p99() {
      return quantileMillis(0.99);
    }
  }
}
