package org.groupcache4j.internal;

import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.groupcache4j.peer.PeerClient;
import org.groupcache4j.peer.PeerState;
import org.groupcache4j.peer.PeerState.Status;

/**
 * Tells, for each remote peer, whether it answers: a failure detector made of active probes and
 * of what fetches see. No gossip: each node judges for itself, and nodes that briefly disagree
 * are kept safe by one hop.
 *
 * <ul>
 *   <li>Every {@code interval} each peer gets a probe ({@link PeerClient#probe}), at most one at a
 *       time, which it answers without loading anything: a peer whose loads are slow (a slow
 *       origin) still answers at once and stays up.</li>
 *   <li>A probe not answered within {@code timeout}, refused or reset makes the peer {@code DOWN}
 *       at once: a frozen process (SIGSTOP) and a host that dropped off the network both look
 *       like this, and neither refuses a connection.</li>
 *   <li>A fetch that cannot connect (refused, or the connect timed out) makes the peer
 *       {@code DOWN} at once. Any other transport failure of a fetch (reset, timed out) makes it
 *       suspect: it is probed at once rather than at the next tick; a fetch that timed out
 *       because the owner's load is slow is not held against it.</li>
 *   <li>A peer that has not answered since it joined the list is not judged down for refusing
 *       connections during its first {@link #START_GRACE_SECONDS} s: nodes that start together
 *       refuse each other for a moment (a fetch then falls back to a local load, as for any
 *       transport failure). A probe it leaves unanswered counts at once.</li>
 *   <li>A {@code DOWN} peer is probed on; {@value #ANSWERS_TO_RISE} answered probes in a row bring it
 *       back {@code UP}.</li>
 * </ul>
 *
 * The listener hears every change (on a probe's completing thread); the cache then re-forms its
 * ring without the down peers and releases the fetches waiting on one that went down.
 */
public final class PeerHealth implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("org.groupcache4j.peers");
  /** Answered probes in a row that bring a down peer back. */
  static final int ANSWERS_TO_RISE = 2;
  /** How long a peer that never answered may refuse connections before it is judged down. */
  static final long START_GRACE_SECONDS = 10;

  /** Hears status changes. */
  public interface Listener {
    void changed(PeerState now, PeerClient client);
  }

  private final Duration interval;
  private final Duration timeout;
  private final Listener listener;
  private final ScheduledExecutorService timer;
  private final Map<String, Entry> peers = new ConcurrentHashMap<>();

  private static final class Entry {
    final PeerClient client;
    final AtomicBoolean probing = new AtomicBoolean();
    volatile PeerState state;
    int answersInARow; // guarded by this
    boolean answeredOnce; // guarded by this
    final long joinedNanos = System.nanoTime();

    Entry(PeerClient client, PeerState state) {
      this.client = client;
      this.state = state;
    }
  }

  /**
   * @param interval time between probes of a peer
   * @param timeout how long a probe may go unanswered before the peer is judged down
   */
  public PeerHealth(String self, Duration interval, Duration timeout, Listener listener) {
    this.interval = interval;
    this.timeout = timeout;
    this.listener = listener;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "groupcache4j-peer-health " + self);
      t.setDaemon(true);
      return t;
    });
    long ms = Math.max(1, interval.toMillis());
    timer.scheduleWithFixedDelay(this::probeAll, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** The remote peers to watch now: new ones start {@code UP}, those gone are forgotten. */
  public void setPeers(Map<String, PeerClient> clients) {
    peers.keySet().retainAll(clients.keySet());
    clients.forEach((url, c) -> {
      Entry e = peers.get(url);
      if (e == null || e.client != c) {
        peers.put(url, new Entry(c, new PeerState(url, Status.UP, Instant.now(), "joined the peer list")));
      }
    });
  }

  /** Peers judged down now. */
  public Set<String> down() {
    Set<String> d = new HashSet<>();
    peers.forEach((url, e) -> {
      if (!e.state.isUp()) {
        d.add(url);
      }
    });
    return d;
  }

  public boolean isDown(String peer) {
    return downState(peer) != null;
  }

  /** The state of {@code peer} if it is judged down now (since when, and why), else null. */
  public PeerState downState(String peer) {
    PeerState s = state(peer);
    return s == null || s.isUp() ? null : s;
  }

  /** The state of {@code peer}, or null if it is not watched. */
  public PeerState state(String peer) {
    Entry e = peers.get(peer);
    return e == null ? null : e.state;
  }

  /** Every remote peer's state, by URL. */
  public List<PeerState> states() {
    List<PeerState> all = new ArrayList<>();
    peers.values().forEach(e -> all.add(e.state));
    all.sort(Comparator.comparing(PeerState::peer));
    return all;
  }

  /** A fetch from {@code peer} failed in the transport with {@code cause}: down if it could not connect, else probe it now. */
  public void fetchFailed(String peer, Throwable cause) {
    Entry e = peers.get(peer);
    if (e == null || !e.state.isUp()) {
      return;
    }
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        unanswered(e, "a fetch could not connect: " + t.getMessage(), refused(t));
        return;
      }
    }
    probe(peer, e);
  }

  private void probeAll() {
    peers.forEach(this::probe);
  }

  private void probe(String url, Entry e) {
    if (!e.probing.compareAndSet(false, true)) {
      return;
    }
    long start = System.nanoTime();
    CompletableFuture<Void> answer;
    try {
      answer = e.client.probe(timeout);
    } catch (RuntimeException ex) {
      answer = CompletableFuture.failedFuture(ex);
    }
    answer.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((v, err) -> {
      e.probing.set(false);
      if (peers.get(url) != e) {
        return; // left the peer list meanwhile
      }
      long ms = (System.nanoTime() - start) / 1_000_000;
      if (err == null) {
        answered(e, ms);
      } else {
        Throwable t = Failures.unwrap(err);
        unanswered(e, why(t), refused(t));
      }
    });
  }

  private void answered(Entry e, long ms) {
    PeerState changed = null;
    synchronized (e) {
      e.answersInARow++;
      if (!e.answeredOnce && e.state.isUp()) {
        e.state = new PeerState(e.state.peer(), Status.UP, e.state.since(), "answers probes");
      }
      e.answeredOnce = true;
      if (!e.state.isUp() && e.answersInARow >= ANSWERS_TO_RISE) {
        changed = new PeerState(e.state.peer(), Status.UP, Instant.now(), "answers probes again (last in " + ms + " ms; down since "
            + e.state.since() + ": " + e.state.reason() + ")");
        e.state = changed;
      }
    }
    if (changed != null) {
      PeerState c = changed;
      LOG.log(Level.INFO, () -> "peer " + c.peer() + " is up again: it owns its keys again (" + c.reason() + ")");
      listener.changed(c, e.client);
    }
  }

  private void unanswered(Entry e, String why, boolean refused) {
    PeerState changed = null;
    synchronized (e) {
      e.answersInARow = 0;
      boolean starting = refused && !e.answeredOnce
          && System.nanoTime() - e.joinedNanos < TimeUnit.SECONDS.toNanos(START_GRACE_SECONDS);
      if (e.state.isUp() && !starting) {
        changed = new PeerState(e.state.peer(), Status.DOWN, Instant.now(), why);
        e.state = changed;
      }
    }
    if (changed != null) {
      PeerState c = changed;
      LOG.log(Level.WARNING, () -> "peer " + c.peer() + " is down: " + c.reason()
          + "; its keys go to the other peers until it answers again");
      listener.changed(c, e.client);
    }
  }

  private String why(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof TimeoutException) { // ours, or the transport's own deadline for the probe
        return "no answer to a probe within " + timeout.toMillis() + " ms";
      }
    }
    if (t instanceof ConnectException) {
      return "probe refused: " + t.getMessage();
    }
    String m = t.getMessage();
    return "probe failed: " + (m == null ? t.toString() : m);
  }

  /** Whether {@code t} says a connection was refused: nothing listens there (yet). */
  private static boolean refused(Throwable t) {
    for (; t != null; t = t.getCause()) {
      if (t instanceof ConnectException && String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("refused")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  @Override
  public String toString() {
    return "PeerHealth[every " + interval.toMillis() + " ms, timeout " + timeout.toMillis() + " ms, " + states() + "]";
  }
}
