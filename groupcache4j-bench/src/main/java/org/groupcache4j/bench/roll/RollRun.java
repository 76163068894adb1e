package org.groupcache4j.bench.roll;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.groupcache4j.bench.fault.TestCluster.Impl;

/**
 * One scenario of nodes that leave and come back (or join, or go) under load, on a fresh
 * {@link RollCluster}, and what it cost:
 *
 * <ol>
 *   <li>the nodes start; every key is read once through the {@link Balancer} (the fill: each key
 *       loaded once from the {@link CountingOrigin});</li>
 *   <li>clients ask for random keys at a fixed rate on every node's API; our nodes' JIT compilers
 *       are given time to go quiet (as {@code vs-go.sh} waits for them), then the steady
 *       latency is measured;</li>
 *   <li>the scenario's steps, each node that starts again followed by {@code afterReady} of load
 *       (the window whose p99 is compared with the steady one);</li>
 *   <li>after a scale-up, a second steady window: the compilers given time to go quiet again, then
 *       the steady latency of the four nodes, the new node's included. A node that did not exist
 *       has no steady p99 of its own before it starts (and four nodes share the cores that three
 *       did): the window after the new node is ready is compared with this one (the run's log
 *       gives the ratio to the three nodes' too);</li>
 *   <li>the clients stop, and every key is read once more.</li>
 * </ol>
 *
 * Keys loaded again are the origin's loads after the fill, over the number of keys.
 */
public final class RollRun {
  /** What happens to the cluster. */
  public enum Scenario {
    ROLL(3, "rolling restart: each node in turn stopped with SIGTERM, started again, waited for until ready"),
    SCALE_UP(4, "scale 3 → 4: a fourth node started, then added to the other nodes' peers files"),
    SCALE_DOWN(4, "scale 4 → 3: the fourth node taken out of every peers file and stopped with SIGTERM"),
    KILL(3, "kill -9 and restart: each node in turn killed with SIGKILL, started again, waited for until ready");

    final int slots;
    public final String description;

    Scenario(int slots, String description) {
      this.slots = slots;
      this.description = description;
    }

    /** The nodes running when the scenario begins. */
    List<Integer> initial() {
      return this == SCALE_DOWN ? List.of(1, 2, 3, 4) : List.of(1, 2, 3);
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * How hard and how long: {@code keys} keys of {@code valueSize} bytes, {@code threads} clients
   * asking {@code rate} keys a second in all, the steady window, the window after each node is
   * ready, and at most {@code jitSettle} for our nodes' compilers to go quiet first; a roll or kill
   * restarts nodes 1 to {@code restarts} (0: every node); {@code samplesDir}, if not null, gets
   * every request of the run.
   */
  public record Settings(int keys, int valueSize, int threads, int rate, Duration steady, Duration afterReady,
      Duration jitSettle, Duration requestTimeout, Duration healthInterval, Duration readyLimit, int restarts,
      java.nio.file.Path samplesDir) {}

  /**
   * One node that was started in the scenario.
   *
   * @param secondsToReady from its start to its first 200 on {@code /healthz}
   * @param afterReadyP99 the p99 (ms) of every request sent in the window after it was ready
   * @param afterReadyP99AtNode the same, of the requests it answered
   * @param steadyP99 the p99 (ms) of every request in the steady window it is compared with: the one
   *     before the scenario, or for a node that joined, the one after it (see the class comment)
   * @param steadyP99AtNode the p99 (ms) of the requests it answered in that steady window
   * @param originLoadsAfterReady the origin's loads in the window after it was ready (the cluster's, of keys that no
   *     node held: after a kill -9, those it had; each makes the requests of its key wait for the origin)
   */
  public record Step(int node, String action, double secondsToReady, double afterReadyP99, double afterReadyP99AtNode,
      double steadyP99, double steadyP99AtNode, long requestsAtNodeAfterReady, long originLoadsAfterReady) {}

  /**
   * What a run measured: the origin's loads in the fill and after it ({@code keysLoadedAgain}
   * distinct keys), the requests of the clients and what the balancer did with them, the latency
   * in the steady window and during the scenario (from its first step to the end of its last
   * window), each started node's {@link Step}, and the keys not answered when all were read again.
   */
  public record Figures(Impl impl, String label, Scenario scenario, int keys, long fillLoads, long loadsAgain,
      int keysLoadedAgain, long requests, long failed, long movedOn503, long movedOnRefused, long retriedClosed,
      double steadyP99, double steadyP50, double duringP99, double duringMax, long reReadFailed, List<Step> steps,
      List<String> failures, double jitSettleSeconds) {
    public double loadsAgainPercent() {
      return 100.0 * loadsAgain / keys;
    }

    /** The largest ratio of a started node's p99 after it was ready (every request) to the cluster's steady p99. */
    public double worstAfterReadyRatio() {
      double worst = Double.NaN;
      for (Step s : steps) {
        double r = s.afterReadyP99() / s.steadyP99();
        worst = Double.isNaN(worst) || r > worst ? r : worst;
      }
      return worst;
    }

    /**
     * The largest ratio of the p99 of the requests a started node answered after it was ready to
     * the p99 of those it answered in its steady window.
     */
    public double worstAfterReadyRatioAtNode() {
      double worst = Double.NaN;
      for (Step s : steps) {
        double r = s.afterReadyP99AtNode() / s.steadyP99AtNode();
        worst = Double.isNaN(worst) || r > worst ? r : worst;
      }
      return worst;
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
          "%s, %s: %d keys loaded again (%.1f%% of %d; %d distinct keys), fill %d loads; %d requests, %d failed "
              + "(%d sent on after a 503, %d after a refused connection, %d retried after a closed connection); "
              + "p99 steady %.1f ms (p50 %.2f), during %.1f ms (slowest %.0f ms); re-read failures %d",
          label, scenario.label(), loadsAgain, loadsAgainPercent(), keys, keysLoadedAgain, fillLoads, requests, failed,
          movedOn503, movedOnRefused, retriedClosed, steadyP99, steadyP50, duringP99, duringMax, reReadFailed));
      for (Step s : steps) {
        sb.append(String.format(Locale.ROOT, "%n  node %d %s: ready %.1f s after start; p99 in the window after ready "
                + "%.1f ms (%.1f× steady %.1f ms%s), at the node %.1f ms (steady there %.1f ms, %d requests); %d loads "
                + "from the origin in it", s.node(), s.action(), s.secondsToReady(), s.afterReadyP99(),
            s.afterReadyP99() / s.steadyP99(), s.steadyP99(), scenario != Scenario.SCALE_UP ? ""
                : String.format(Locale.ROOT, " after it; %.1f× the steady %.1f ms before", s.afterReadyP99() / steadyP99,
                    steadyP99), s.afterReadyP99AtNode(), s.steadyP99AtNode(), s.requestsAtNodeAfterReady(),
            s.originLoadsAfterReady()));
      }
      if (!failures.isEmpty()) {
        sb.append(String.format("%n  first failures: %s", failures));
      }
      return sb.toString();
    }
  }

  private RollRun() {}

  /** Runs {@code scenario} on {@code cluster} (fresh, nothing started), loading from {@code origin}. */
  public static Figures run(RollCluster cluster, CountingOrigin origin, Scenario scenario, Settings s, Logger log)
      throws IOException, InterruptedException {
    if (cluster.slots() != scenario.slots) {
      throw new IllegalArgumentException(scenario + " needs " + scenario.slots + " slots, the cluster has "
          + cluster.slots());
    }
    List<String> keys = new ArrayList<>();
    for (int k = 0; k < s.keys(); k++) {
      keys.add("k" + k);
    }
    List<Integer> members = scenario.initial();
    for (int n : members) {
      cluster.start(n, members);
    }
    for (int n : members) {
      cluster.awaitReady(n, s.readyLimit());
    }
    try (Balancer balancer = new Balancer(cluster.apis(), s.healthInterval())) {
      awaitInRotation(balancer, members, s.readyLimit());
      long before = origin.loads();
      List<String> unfilled = keys;
      for (int pass = 0; pass < 3 && !unfilled.isEmpty(); pass++) { // a busy machine may time a request out
        unfilled = readAll(balancer, unfilled, s.requestTimeout());
      }
      if (!unfilled.isEmpty()) {
        throw new IOException(cluster.label() + ": " + unfilled.size() + " keys failed three times in the fill, e.g. "
            + unfilled.get(0));
      }
      long fillLoads = origin.loads() - before;
      Map<String, Long> afterFill = origin.loadsPerKey();
      long loadsAfterFill = origin.loads();
      log.info("%s, %s: filled %d keys (%d loads)", cluster.label(), scenario.label(), keys.size(), fillLoads);

      List<Step> steps = new ArrayList<>();
      List<long[]> readyWindows = new ArrayList<>(); // node, ready nanos, launched nanos
      long steadyFrom;
      long steadyTo;
      long scenarioFrom;
      long scenarioTo;
      long laterSteadyFrom = 0;
      long laterSteadyTo = 0;
      double settled;
      RollLoad load = new RollLoad(balancer, keys, s.threads(), scenario.slots, s.rate(), s.requestTimeout());
      try {
        settled = settle(cluster, s.jitSettle());
        log.info("%s: load running; JIT quiet after %.0f s", cluster.label(), settled);
        steadyFrom = System.nanoTime();
        Thread.sleep(s.steady().toMillis());
        steadyTo = System.nanoTime();
        scenarioFrom = steadyTo;
        switch (scenario) {
          case ROLL, KILL -> {
            for (int n : members.subList(0, s.restarts() == 0 ? members.size() : s.restarts())) {
              if (scenario == Scenario.KILL) {
                cluster.kill(n);
              } else {
                cluster.stop(n);
              }
              cluster.start(n, members);
              long ready = cluster.awaitReady(n, s.readyLimit());
              readyWindows.add(new long[] {n, ready, cluster.launchedNanos(n)});
              log.info("%s: node %d %s and ready again after %.1f s", cluster.label(), n,
                  scenario == Scenario.KILL ? "killed" : "stopped", (ready - cluster.launchedNanos(n)) / 1e9);
              Thread.sleep(s.afterReady().toMillis());
            }
          }
          case SCALE_UP -> {
            List<Integer> four = List.of(1, 2, 3, 4);
            cluster.start(4, four);
            long ready = cluster.awaitReady(4, s.readyLimit());
            readyWindows.add(new long[] {4, ready, cluster.launchedNanos(4)});
            for (int n : members) {
              cluster.writePeers(n, four);
            }
            log.info("%s: node 4 ready after %.1f s, in every peers file", cluster.label(),
                (ready - cluster.launchedNanos(4)) / 1e9);
            Thread.sleep(s.afterReady().toMillis());
          }
          case SCALE_DOWN -> {
            List<Integer> three = List.of(1, 2, 3);
            for (int n : members) {
              cluster.writePeers(n, three);
            }
            cluster.stop(4);
            log.info("%s: node 4 out of the peers files and stopped", cluster.label());
            Thread.sleep(s.afterReady().toMillis());
          }
          default -> throw new IllegalStateException(scenario.toString());
        }
        scenarioTo = System.nanoTime();
        if (scenario == Scenario.SCALE_UP) {
          log.info("%s: four nodes; JIT quiet again after %.0f s", cluster.label(), settle(cluster, s.jitSettle()));
          laterSteadyFrom = System.nanoTime();
          Thread.sleep(s.steady().toMillis());
          laterSteadyTo = System.nanoTime();
        }
      } finally {
        load.close();
      }
      long reReadFailed = readAll(balancer, keys, s.requestTimeout()).size();
      long loadsAgain = origin.loads() - loadsAfterFill;
      int distinct = 0;
      for (Map.Entry<String, Long> e : origin.loadsPerKey().entrySet()) {
        if (e.getValue() > afterFill.getOrDefault(e.getKey(), 0L)) {
          distinct++;
        }
      }
      RollLoad.Samples samples = load.samples();
      if (s.samplesDir() != null) {
        java.nio.file.Path f = s.samplesDir().resolve(cluster.label().replaceAll("[^A-Za-z0-9.+-]+", "_") + "-"
            + scenario.label() + "-" + System.currentTimeMillis() + ".samples");
        samples.write(f, steadyFrom);
        StringBuilder marks = new StringBuilder("# steady from 0 to " + (steadyTo - steadyFrom) / 1e9 + "\n");
        for (long[] w : readyWindows) {
          marks.append(String.format(Locale.ROOT, "# node %d launched at %.3f, ready at %.3f%n", w[0],
              (w[2] - steadyFrom) / 1e9, (w[1] - steadyFrom) / 1e9));
        }
        if (laterSteadyTo != 0) {
          marks.append(String.format(Locale.ROOT, "# steady again from %.3f to %.3f%n", (laterSteadyFrom - steadyFrom) / 1e9,
              (laterSteadyTo - steadyFrom) / 1e9));
        }
        java.nio.file.Files.writeString(f.resolveSibling(f.getFileName() + ".marks"), marks);
        log.info("samples in %s", f);
      }
      RollLoad.Window steady = samples.window(steadyFrom, steadyTo, 0);
      RollLoad.Window during = samples.window(scenarioFrom, scenarioTo, 0);
      RollLoad.Window all = samples.window(Long.MIN_VALUE, Long.MAX_VALUE, 0);
      long windowNanos = s.afterReady().toNanos();
      // A scale-up's node is compared with the steady window after it, the others with the one before.
      long referenceFrom = laterSteadyTo != 0 ? laterSteadyFrom : steadyFrom;
      long referenceTo = laterSteadyTo != 0 ? laterSteadyTo : steadyTo;
      RollLoad.Window reference = samples.window(referenceFrom, referenceTo, 0);
      for (long[] w : readyWindows) {
        int n = (int) w[0];
        RollLoad.Window after = samples.window(w[1], w[1] + windowNanos, 0);
        RollLoad.Window atNode = samples.window(w[1], w[1] + windowNanos, n);
        RollLoad.Window steadyAtNode = samples.window(referenceFrom, referenceTo, n);
        steps.add(new Step(n, scenario == Scenario.SCALE_UP ? "joined" : scenario == Scenario.KILL ? "killed" : "stopped",
            (w[1] - w[2]) / 1e9, after.p99(), atNode.p99(), reference.p99(), steadyAtNode.p99(), atNode.requests(),
            origin.loadsBetween(w[1], w[1] + windowNanos)));
      }
      return new Figures(cluster.impl(), cluster.label(), scenario, keys.size(), fillLoads, loadsAgain, distinct,
          all.requests(), all.failed(), all.movedOn503(), all.movedOnRefused(), all.retriedClosed(), steady.p99(),
          steady.quantileMillis(0.5), during.p99(), during.quantileMillis(1.0), reReadFailed, steps, load.failures(),
          settled);
    }
  }

  /** Where a run says what it does. */
  public interface Logger {
    void info(String format, Object... args);

    Logger STDOUT = (f, a) -> System.out.println(String.format(Locale.ROOT, f, a));
  }

  private static void awaitInRotation(Balancer b, List<Integer> nodes, Duration limit) throws IOException,
      InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    for (int n : nodes) {
      while (!b.inRotation(n)) {
        if (System.nanoTime() > deadline) {
          throw new IOException("node " + n + " never came into the balancer's rotation");
        }
        Thread.sleep(20);
      }
    }
  }

  /** Reads every key once, four clients at a time; returns the keys that failed. */
  static List<String> readAll(Balancer balancer, List<String> keys, Duration timeout) throws InterruptedException {
    int clients = 4;
    AtomicInteger next = new AtomicInteger();
    List<String> failed = java.util.Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<?>> parts = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int home = c % balancer.nodes() + 1;
        parts.add(pool.submit(() -> {
          try (Balancer.Session session = balancer.session(home)) {
            for (int i = next.getAndIncrement(); i < keys.size(); i = next.getAndIncrement()) {
              if (!session.get(keys.get(i), timeout).ok()) {
                failed.add(keys.get(i));
              }
            }
          }
        }));
      }
      for (Future<?> f : parts) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException(e.getCause());
        }
      }
      return List.copyOf(failed);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Waits in 2 s steps until our nodes' JIT compiler threads used at most 0.1 s of CPU in a step,
   * twice in a row, or {@code limit} passed; at least one step. Returns the seconds waited.
   */
  static double settle(RollCluster cluster, Duration limit) throws InterruptedException {
    long start = System.nanoTime();
    int quiet = 0;
    long ticks = cluster.jitTicks();
    do {
      Thread.sleep(2_000);
      long now = cluster.jitTicks();
      quiet = ticks >= 0 && now >= 0 && now - ticks <= 10 ? quiet + 1 : ticks < 0 ? 2 : 0;
      ticks = now;
    } while (quiet < 2 && System.nanoTime() - start < limit.toNanos());
    return (System.nanoTime() - start) / 1e9;
  }
}
