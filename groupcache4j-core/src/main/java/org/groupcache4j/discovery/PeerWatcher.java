package org.groupcache4j.discovery;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.groupcache4j.CacheObserver;
import org.groupcache4j.GroupCache;

/**
 * Keeps a {@link GroupCache}'s peers in step with a {@link PeerDiscovery}: looks up at a fixed
 * interval on a daemon thread of its own and calls {@link GroupCache#setPeers} when the answer
 * differs from the last one applied.
 *
 * <p>A lookup that fails, or that names no peer, changes nothing: the node keeps the last list
 * (a DNS server that hiccups or a file being rewritten must not empty the ring) and logs the
 * problem once until it changes. An answer that does not name this node ({@link GroupCache#self()})
 * is applied as given, since it is what every other node sees, and logged as a warning: this node
 * then sends every key to its owner and owns none, until it appears.
 *
 * <p>A peer whose requests or answers carry another ring fingerprint than this node's
 * ({@link CacheObserver#ringMismatch}) makes the watcher look up at once rather than at its next
 * turn: after a change of the peer list, the nodes that read it first are the first to say so,
 * and the others follow within milliseconds instead of up to an interval later (while they
 * disagree, a key has two owners, and each may load it). Such early lookups are at most one per
 * interval, so a lasting mismatch (a misconfigured node) costs the source no more than twice the
 * lookups.
 */
public final class PeerWatcher implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("org.groupcache4j.discovery");

  private final GroupCache cache;
  private final PeerDiscovery discovery;
  private final ScheduledExecutorService timer;
  private volatile Status status;
  private String lastProblem; // guarded by this
  private final long intervalNanos;
  private final AtomicBoolean earlyPending = new AtomicBoolean();
  private volatile long lastEarlyNanos;

  /**
   * What the watcher knows now.
   *
   * @param source {@link PeerDiscovery#describe()}
   * @param peers the list last applied (empty before the first good lookup)
   * @param selfListed whether that list names this node
   * @param lastLookup when the last lookup ended, or null before the first
   * @param lastChange when a list was last applied, or null if none was
   * @param problem why the last lookup was not applied (error, no peers), or null if it was good
   */
  public record Status(String source, List<String> peers, boolean selfListed, Instant lastLookup,
      Instant lastChange, String problem) {}

  private PeerWatcher(GroupCache cache, PeerDiscovery discovery, Duration interval) {
    this.cache = cache;
    this.discovery = discovery;
    this.intervalNanos = interval.toNanos();
    this.lastEarlyNanos = System.nanoTime() - intervalNanos;
    this.status = new Status(discovery.describe(), List.of(), false, null, null, null);
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "groupcache4j-peer-watch");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Looks up once now (so the node starts with its peers when the source answers), then every
   * {@code interval} until {@link #close()}.
   *
   * @throws IllegalArgumentException if {@code interval} is not positive
   */
  public static PeerWatcher start(GroupCache cache, PeerDiscovery discovery, Duration interval) {
    Objects.requireNonNull(cache, "cache");
    Objects.requireNonNull(discovery, "discovery");
    if (interval == null || interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive, was " + interval);
    }
    PeerWatcher w = new PeerWatcher(cache, discovery, interval);
    w.refresh();
    long ms = Math.max(1, interval.toMillis());
    w.timer.scheduleWithFixedDelay(w::refresh, ms, ms, TimeUnit.MILLISECONDS);
    cache.addObserver(new CacheObserver() {
      @Override
      public void ringMismatch(String peer, String theirs) {
        w.lookUpSoon();
      }
    });
    return w;
  }

  /** Looks up on the watcher's thread as soon as it is free, unless an early lookup ran less than an interval ago. */
  private void lookUpSoon() {
    if (timer.isShutdown() || System.nanoTime() - lastEarlyNanos < intervalNanos
        || !earlyPending.compareAndSet(false, true)) {
      return;
    }
    try {
      timer.execute(() -> {
        lastEarlyNanos = System.nanoTime();
        earlyPending.set(false);
        refresh();
      });
    } catch (RejectedExecutionException closed) {
      earlyPending.set(false);
    }
  }

  /** What was last looked up and applied. */
  public Status status() {
    return status;
  }

  /** Looks up now and applies a change; the timer calls it, and tests may. */
  public synchronized void refresh() {
    Status s = status;
    List<String> found;
    try {
      found = discovery.lookup();
    } catch (IOException | RuntimeException e) {
      problem(s, "lookup failed: " + e.getMessage() + "; keeping the " + s.peers().size() + " peers of the last good lookup");
      return;
    }
    if (found.isEmpty()) {
      problem(s, discovery.describe() + " names no peer; keeping the " + s.peers().size() + " peers of the last good lookup");
      return;
    }
    boolean selfListed = found.contains(cache.self());
    Instant now = Instant.now();
    Instant changed = s.lastChange();
    if (!found.equals(s.peers())) {
      try {
        cache.setPeers(found);
      } catch (RuntimeException e) {
        problem(s, "cannot apply " + found + ": " + e.getMessage());
        return;
      }
      changed = now;
      LOG.log(Level.INFO, () -> "peers from " + discovery.describe() + ": " + found.size() + " " + diff(s.peers(), found));
      if (!selfListed) {
        LOG.log(Level.WARNING, () -> "this node (" + cache.self() + ") is not one of the " + found.size()
            + " peers from " + discovery.describe() + " " + found + ": it owns no key until it is listed. "
            + "Check that --self names this node exactly as the source does (scheme, address, port)");
      } else if (!s.selfListed() && s.lastChange() != null) {
        LOG.log(Level.INFO, () -> "this node (" + cache.self() + ") is listed by " + discovery.describe() + " now");
      }
    }
    lastProblem = null;
    status = new Status(s.source(), found, selfListed, now, changed, null);
  }

  private void problem(Status s, String why) {
    status = new Status(s.source(), s.peers(), s.selfListed(), Instant.now(), s.lastChange(), why);
    if (!why.equals(lastProblem)) {
      lastProblem = why;
      LOG.log(Level.WARNING, () -> "peers from " + discovery.describe() + ": " + why);
    }
  }

  private static String diff(List<String> before, List<String> after) {
    List<String> added = new ArrayList<>(after);
    added.removeAll(before);
    List<String> removed = new ArrayList<>(before);
    removed.removeAll(after);
    return "(" + (added.isEmpty() ? "" : "joined " + added) + (added.isEmpty() || removed.isEmpty() ? "" : ", ")
        + (removed.isEmpty() ? "" : "left " + removed) + (added.isEmpty() && removed.isEmpty() ? "new order" : "") + ")";
  }

  /** Stops looking up; the cache keeps its peers. */
  @Override
  public void close() {
    timer.shutdownNow();
  }

  @Override
  public String toString() {
    return "PeerWatcher[" + discovery.describe() + ", " + status.peers().size() + " peers]";
  }
}
