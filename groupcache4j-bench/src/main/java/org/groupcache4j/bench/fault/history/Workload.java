package org.groupcache4j.bench.fault.history;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.groupcache4j.bench.fault.TestCluster;

/**
 * Client threads that get, set and remove keys at random over the nodes' APIs, one operation after
 * the other, each recorded by its {@link NodeClient}. A set writes {@code c<client>-<n>}, a value
 * no other set writes. Client {@code c} draws its operations, keys and nodes from
 * {@code seed + c}, so a seed gives the same choices (not the same timing).
 *
 * <p>The clients ask only the nodes they may ({@link #leave}, {@link #comeBack}), as a load
 * balancer with health checks would: a frozen, killed or unplugged node is left while its fault
 * lasts.
 */
public final class Workload implements AutoCloseable {
  /**
   * The share of sets and of removes among the operations; the rest are gets.
   */
  public record Mix(double sets, double removes) {
    public Mix {
      if (sets < 0 || removes < 0 || sets + removes > 1) {
        throw new IllegalArgumentException("shares of sets (" + sets + ") and removes (" + removes + ") must be in [0, 1]");
      }
    }
  }

  private final List<String> keys;
  private final Mix mix;
  private final boolean[] asked = {false, true, true, true}; // by node number; guarded by this
  private final List<Thread> threads = new ArrayList<>();
  private final Duration timeout;
  private volatile boolean running = true;

  /** Starts {@code clients} client threads. */
  public Workload(TestCluster cluster, HistoryRecorder recorder, long seed, int clients, List<String> keys, Mix mix,
      Duration timeout) {
    this.keys = List.copyOf(keys);
    this.mix = mix;
    this.timeout = timeout;
    for (int c = 1; c <= clients; c++) {
      NodeClient client = new NodeClient(c, recorder, cluster, timeout);
      SplittableRandom random = new SplittableRandom(seed + c);
      int id = c;
      Thread t = new Thread(() -> loop(id, client, random), "history-client-" + c);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
  }

  private void loop(int id, NodeClient client, SplittableRandom random) {
    int sequence = 0;
    while (running) {
      int node = pickNode(random);
      if (node == 0) {
        return;
      }
      String key = keys.get(random.nextInt(keys.size()));
      double dice = random.nextDouble();
      if (dice < mix.sets()) {
        client.set(node, key, "c" + id + "-" + ++sequence);
      } else if (dice < mix.sets() + mix.removes()) {
        client.remove(node, key);
      } else {
        client.get(node, key);
      }
    }
  }

  /** A node the clients may ask, at random; waits while there is none; 0 once the workload stops. */
  private synchronized int pickNode(SplittableRandom random) {
    while (running) {
      int n = 0;
      for (int i = 1; i <= 3; i++) {
        n += asked[i] ? 1 : 0;
      }
      if (n > 0) {
        int pick = random.nextInt(n);
        for (int i = 1; i <= 3; i++) {
          if (asked[i] && pick-- == 0) {
            return i;
          }
        }
      }
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 0;
      }
    }
    return 0;
  }

  /** The clients stop asking node {@code node} (operations under way there go on). */
  public synchronized void leave(int node) {
    asked[node] = false;
  }

  /** The clients ask node {@code node} again. */
  public synchronized void comeBack(int node) {
    asked[node] = true;
    notifyAll();
  }

  /** Stops the clients after their operation under way (at most the request timeout). */
  @Override
  public void close() throws InterruptedException {
    running = false;
    synchronized (this) {
      notifyAll();
    }
    for (Thread t : threads) {
      t.join(timeout.toMillis() + 5_000);
    }
  }
}
