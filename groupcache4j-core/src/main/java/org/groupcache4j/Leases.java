package org.groupcache4j;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.groupcache4j.Flights.Flight;
import org.groupcache4j.internal.Entry;
import org.groupcache4j.internal.Failures;
import org.groupcache4j.internal.GroupCounters;
import org.groupcache4j.internal.HotKeyAdmission;
import org.groupcache4j.internal.RateLimitedLog;
import org.groupcache4j.internal.Text;
import org.groupcache4j.internal.Timeouts;
import org.groupcache4j.peer.LeaseAnswer;
import org.groupcache4j.peer.PeerClient;
import org.groupcache4j.peer.PeerValue;

/**
 * Caller-loaded values, loaded once across the cluster ({@link Group#getOrLoad}): when the
 * loader is the caller's own code (a Spring {@code @Cacheable} method), the first caller anywhere
 * gets a <em>lease</em> from the key's owner and computes the value; every other caller, on any
 * node, waits on the owner's flight for that value.
 *
 * <h2>At the owner</h2>
 * The lease is a flight in the owner's {@link Flights} table, a {@link LeaseFlight}, held for one
 * caller (here or at a peer) with a lease id and a deadline (the group's load timeout). Callers
 * that ask while it is held queue as {@link Ticket}s and wait (a peer's ask is a long poll,
 * answered {@link LeaseAnswer.Kind#WAIT} after a while so that it asks again); a plain
 * {@link Group#get} joins the flight and waits too. The holder completes the lease with the
 * value, which the owner installs under the same no-resurrection rules as any load (a write in
 * between invalidates the flight: the waiters still get the value, the stores keep the write's),
 * or with a failure, which every waiter gets, with nothing cached, so the next call computes
 * again. A holder that does not complete by the deadline (it hangs, or its process died) loses
 * the lease: the next ticket in line gets it, and the holder's late completion is refused. With
 * no one in line the flight ends with a {@link LoadTimeoutException}.
 *
 * <h2>At a caller's node</h2>
 * A node that does not own the key asks the owner once for all its callers of the key (its own
 * flight); callers that join that flight and wait longer than a lease ask the owner themselves,
 * so a caller stuck computing cannot hold up the others of its node for longer than a lease.
 * Only the caller that asked runs the computation, on its own thread for {@link Group#getOrLoad}.
 * When the owner cannot be reached (or is a golang/groupcache node, which has no leases), the
 * caller computes the value here and keeps it as a copy that lives at most the hot store's max
 * age, as a load does when its owner is unreachable.
 */
final class Leases {
  private static final RateLimitedLog LOG = new RateLimitedLog("org.groupcache4j.leases", Duration.ofSeconds(10));

  private final String group;
  private final GroupCache cache;
  private final Flights flights;
  private final Expiry expiry;
  private final HotKeyAdmission hotAdmission; // null: hot store off
  private final GroupCounters counters;
  private final Duration leaseTime;
  private final Duration pollTime;
  private final Duration peerTimeout;
  private final ConcurrentHashMap<String, LeaseFlight> byId = new ConcurrentHashMap<>();

  /** The owner's flight of a caller-loaded key: held by one caller at a time, with a line of callers that may take over. */
  static final class LeaseFlight extends Flight {
    final String key;
    String id; // guarded by this; null once completed or expired with no one in line
    String holder; // guarded by this
    boolean ending; // guarded by this: its lease ran out with no one in line, and it is about to end
    Timeouts.Timeout expiry; // guarded by this: the lease's deadline, cancelled when the flight ends
    final ArrayDeque<Ticket> line = new ArrayDeque<>(); // guarded by this

    LeaseFlight(String key) {
      this.key = key;
    }
  }

  /** A caller waiting at the owner: completed with the value, the failure, a lease of its own, or WAIT. */
  static final class Ticket extends CompletableFuture<LeaseAnswer> {
    final String asker;

    Ticket(String asker) {
      this.asker = asker;
    }
  }

  Leases(String group, GroupCache cache, Flights flights, Expiry expiry, GroupCounters counters, Duration leaseTime,
      Duration peerTimeout, HotKeyAdmission hotAdmission) {
    this.group = group;
    this.hotAdmission = hotAdmission;
    this.cache = cache;
    this.flights = flights;
    this.expiry = expiry;
    this.counters = counters;
    this.leaseTime = leaseTime;
    this.peerTimeout = peerTimeout;
    // a peer's long poll is answered well within its peer timeout
    long poll = Math.max(50, Math.min(leaseTime.toMillis(), peerTimeout.toMillis() / 2));
    this.pollTime = Duration.ofMillis(Math.min(poll, 5_000));
  }

  Duration pollTime() {
    return pollTime;
  }

  // ---- the owner's side

  /**
   * The owner's answer to {@code asker} (a peer's URL, or this node's), who wants {@code key} and
   * can compute it; completes within about {@code wait}.
   */
  CompletableFuture<LeaseAnswer> ask(String key, String asker, Duration wait) {
    for (int attempt = 0; attempt < 1000; attempt++) {
      Entry held = flights.recheck(key);
      if (held != null && held.value != null) {
        return CompletableFuture.completedFuture(LeaseAnswer.value(Group.toPeerValue(held)));
      }
      Flight f = flights.flying(key);
      if (f == null) {
        LeaseFlight lf = new LeaseFlight(key);
        if (flights.register(key, lf) != null) {
          continue; // another caller's flight won the race: look again
        }
        lf.whenComplete((e, err) -> answerLine(lf, e, err));
        Entry again = flights.recheck(key);
        if (again != null && again.value != null) {
          flights.land(key, lf, again, null);
          return CompletableFuture.completedFuture(LeaseAnswer.value(Group.toPeerValue(again)));
        }
        return CompletableFuture.completedFuture(grant(lf, asker));
      }
      if (f instanceof LeaseFlight lf) {
        Ticket t = new Ticket(asker);
        boolean joined;
        synchronized (lf) {
          joined = !lf.isDone() && !lf.ending;
          if (joined) {
            lf.line.add(t);
          }
        }
        if (!joined) { // it ends as this caller comes: its value is in the stores then, or the next lease is this caller's
          return lf.handle((e, err) -> null).thenCompose(x -> ask(key, asker, wait));
        }
        Timeouts.completeOnTimeout(t, LeaseAnswer.waitAgain(), wait.toNanos());
        t.whenComplete((a, err) -> {
          if (a != null && a.kind() == LeaseAnswer.Kind.WAIT) {
            synchronized (lf) {
              lf.line.remove(t);
            }
          }
        });
        return t;
      }
      // a plain get's flight (it finds no value in a caller-loaded group): its end, then ask again
      return f.handle((e, err) -> null).thenCompose(x -> ask(key, asker, wait));
    }
    return CompletableFuture.completedFuture(LeaseAnswer.waitAgain());
  }

  private LeaseAnswer grant(LeaseFlight lf, String holder) {
    String id = newId();
    synchronized (lf) {
      lf.id = id;
      lf.holder = holder;
    }
    byId.put(id, lf);
    schedule(lf, id);
    return LeaseAnswer.granted(id, leaseTime.toMillis());
  }

  private void schedule(LeaseFlight lf, String id) {
    Timeouts.Timeout t = Timeouts.schedule(() -> expire(lf, id), leaseTime.toNanos());
    synchronized (lf) {
      lf.expiry = t; // the one before it ran (that is why there is a new lease) or is for a lease that ended
    }
  }

  private static String newId() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong()) + Long.toHexString(System.nanoTime());
  }

  /** The lease {@code id} ran out: the next caller in line gets the lease, or, with none, the flight ends in a timeout. */
  private void expire(LeaseFlight lf, String id) {
    String lost;
    while (true) {
      Ticket next;
      String newId;
      synchronized (lf) {
        if (!id.equals(lf.id) || lf.isDone()) {
          return;
        }
        lost = lf.holder;
        byId.remove(id);
        next = lf.line.poll();
        if (next == null) {
          lf.id = null;
          lf.ending = true; // no caller joins it any more: one that comes now waits for its end and asks anew
          break;
        }
        newId = newId();
        lf.id = newId;
        lf.holder = next.asker;
        byId.put(newId, lf);
      }
      if (next.complete(LeaseAnswer.granted(newId, leaseTime.toMillis()))) {
        String from = lost;
        LOG.log(lf.key + " " + from, System.Logger.Level.WARNING, () -> "load lease of group '" + group + "', key '"
            + Text.quotable(lf.key) + "' held by " + from + " ran out after " + leaseTime.toMillis()
            + " ms (the load timeout); handed to " + next.asker, null);
        schedule(lf, newId);
        return;
      }
      id = newId; // that caller had stopped waiting (WAIT): the next one
    }
    String holder = lost;
    flights.land(lf.key, lf, null, new LoadTimeoutException(group, lf.key, null, "the caller holding the load lease of "
        + GroupCacheException.where(group, lf.key, null) + " (" + holder + ") did not finish within "
        + leaseTime.toMillis() + " ms (the load timeout), and no other caller was waiting to take over"));
  }

  /**
   * The holder of lease {@code id} completes it: with {@code value} (expiring at
   * {@code expireAt}, 0 for the group's own expiry), or with {@code failure}. Returns whether the
   * value was stored (false for a lease that passed on, a failure, or a write in between).
   */
  boolean complete(String key, String id, ByteView value, long expireAt, Throwable failure) {
    LeaseFlight lf = byId.get(id);
    if (lf == null || !lf.key.equals(key)) {
      return false;
    }
    synchronized (lf) {
      if (!id.equals(lf.id) || lf.isDone()) {
        return false;
      }
      lf.id = null;
    }
    byId.remove(id);
    if (value == null) {
      flights.land(key, lf, null, failure);
      return false;
    }
    long now = expiry.now();
    Entry e = Entry.of(value, expireAt != 0 ? expireAt : expiry.ofSet(null));
    if (Expiry.kept(e, now)) {
      flights.install(key, lf, e, false);
    }
    flights.land(key, lf, e, null);
    return !lf.invalidated;
  }

  /** Answers every caller still in line once the lease's flight ended. */
  private void answerLine(LeaseFlight lf, Entry e, Throwable err) {
    List<Ticket> waiting;
    synchronized (lf) {
      waiting = new ArrayList<>(lf.line);
      lf.line.clear();
      if (lf.id != null) {
        byId.remove(lf.id);
        lf.id = null;
      }
      if (lf.expiry != null) {
        lf.expiry.cancel(); // not kept on the timer, with the flight, until the lease's time is up
      }
    }
    LeaseAnswer a = answerOf(e, err);
    for (Ticket t : waiting) {
      t.complete(a);
    }
  }

  private static LeaseAnswer answerOf(Entry e, Throwable err) {
    if (err != null) {
      Throwable c = Failures.unwrap(err);
      return LeaseAnswer.failed(c.getMessage() != null ? c.getMessage() : c.toString());
    }
    return LeaseAnswer.value(Group.toPeerValue(e));
  }

  // ---- the caller's side

  /** Computes a value on the caller's thread (blocking) or as a future (async). */
  private interface Computation {
    CompletableFuture<ByteView> start();
  }

  /**
   * The value of {@code key}, which no store here held: from its owner, or computed by
   * {@code loader} on this thread under a lease. Blocks.
   */
  ByteView getOrLoad(String key, Callable<ByteView> loader) {
    return Group.await(run(key, () -> {
      try {
        return CompletableFuture.completedFuture(loader.call());
      } catch (Throwable t) {
        return CompletableFuture.failedFuture(t);
      }
    }, true));
  }

  /** {@link #getOrLoad} without blocking: {@code loader} is started on the thread that learns it holds the lease. */
  CompletableFuture<ByteView> getOrLoadAsync(String key, Supplier<CompletableFuture<ByteView>> loader) {
    return run(key, () -> {
      try {
        CompletableFuture<ByteView> f = loader.get();
        return f != null ? f : CompletableFuture.failedFuture(new NullPointerException("the loader returned no future"));
      } catch (Throwable t) {
        return CompletableFuture.failedFuture(t);
      }
    }, false);
  }

  private CompletableFuture<ByteView> run(String key, Computation computation, boolean blocking) {
    PeerClient owner = cache.ownerClient(key);
    if (owner == null) {
      return askUntilDone(key, null, computation, blocking); // this node owns it: a ticket in the owner's own line
    }
    Flight mine = new Flight();
    Flight flying = flights.register(key, mine);
    if (flying != null) { // another caller of this node asks the owner already: wait for it, at most a lease
      return joinOrAsk(key, flying, computation, blocking);
    }
    counters.loadsDeduped.increment();
    Entry e = flights.recheck(key);
    if (e != null && e.value != null) {
      flights.land(key, mine, e, null);
      return CompletableFuture.completedFuture(e.value);
    }
    CompletableFuture<ByteView> result = askUntilDone(key, owner, computation, blocking);
    result.whenComplete((v, err) -> flights.land(key, mine, v == null ? null : Entry.of(v, expiry.now()), err));
    return result;
  }

  private CompletableFuture<ByteView> joinOrAsk(String key, Flight flying, Computation computation, boolean blocking) {
    if (blocking) {
      try {
        Entry e = flying.get(leaseTime.toNanos(), TimeUnit.NANOSECONDS);
        return e.value != null ? CompletableFuture.completedFuture(e.value) : askUntilDone(key, cache.ownerClient(key),
            computation, true);
      } catch (TimeoutException t) {
        return askUntilDone(key, cache.ownerClient(key), computation, true);
      } catch (ExecutionException ex) {
        return CompletableFuture.failedFuture(ex.getCause());
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        return CompletableFuture.failedFuture(ex);
      }
    }
    CompletableFuture<ByteView> out = new CompletableFuture<>();
    Timeouts.orTimeout(flying, leaseTime.toNanos()).whenComplete((e, err) -> {
      if (err == null && e.value != null) {
        out.complete(e.value);
      } else if (err != null && !(Failures.unwrap(err) instanceof TimeoutException)) {
        out.completeExceptionally(Failures.unwrap(err));
      } else {
        relay(askUntilDone(key, cache.ownerClient(key), computation, false), out);
      }
    });
    return out;
  }

  /** Asks the owner ({@code null}: this node) until it answers with a value or a failure, computing if granted a lease. */
  private CompletableFuture<ByteView> askUntilDone(String key, PeerClient owner, Computation computation, boolean blocking) {
    if (blocking) {
      for (int rerouted = 0; ; ) {
        LeaseAnswer a;
        try {
          a = ask(key, owner).get();
        } catch (ExecutionException ex) {
          Throwable cause = Failures.unwrap(ex);
          PeerClient next = rerouted++ == 0 ? unreachable(key, owner, cause) : null;
          if (next != null) {
            owner = next;
            continue;
          }
          return computeHere(key, owner, computation);
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          return CompletableFuture.failedFuture(ex);
        }
        if (a.kind() != LeaseAnswer.Kind.WAIT) {
          return settle(key, owner, a, computation);
        }
      }
    }
    PeerClient asked = owner;
    return ask(key, owner).handle((a, err) -> {
      if (err != null) {
        PeerClient next = unreachable(key, asked, Failures.unwrap(err));
        return next != null ? askUntilDone(key, next, computation, false) : computeHere(key, asked, computation);
      }
      if (a.kind() == LeaseAnswer.Kind.WAIT) {
        return askUntilDone(key, asked, computation, false);
      }
      return settle(key, asked, a, computation);
    }).thenCompose(f -> f);
  }

  private CompletableFuture<LeaseAnswer> ask(String key, PeerClient owner) {
    if (owner == null) {
      return ask(key, cache.self(), pollTime);
    }
    try {
      return Timeouts.orTimeout(owner.lease(group, key, pollTime), pollTime.plus(peerTimeout).toNanos());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * The owner could not be asked ({@code cause}): the failure detector is told, and the key's owner
   * now, if another peer, is returned to be asked instead; else null (compute here).
   */
  private PeerClient unreachable(String key, PeerClient owner, Throwable cause) {
    if (owner == null) {
      return null;
    }
    counters.peerErrors.increment();
    if (!(cause instanceof UnsupportedOperationException)) {
      cache.fetchFailed(owner.url(), cause);
    }
    PeerClient now = cache.ownerClient(key);
    return now != null && !now.url().equals(owner.url()) ? now : null;
  }

  private CompletableFuture<ByteView> settle(String key, PeerClient owner, LeaseAnswer a, Computation computation) {
    String from = owner == null ? null : owner.url();
    switch (a.kind()) {
      case VALUE: {
        PeerValue pv = a.value();
        if (pv.found()) {
          if (owner != null) {
            counters.peerLoads.increment();
            keepHot(key, pv);
          }
          return CompletableFuture.completedFuture(pv.value());
        }
        return CompletableFuture.failedFuture(new KeyNotFoundException(group, key, from, pv.notFoundDetail()));
      }
      case FAILED:
        return CompletableFuture.failedFuture(from == null
            ? new LoadException(group, key, null, "the caller that held the load lease of "
                + GroupCacheException.where(group, key, null) + " failed: " + a.failure(), null)
            : LoadException.fromOwner(group, key, from, a.failure()));
      case GRANTED:
        return computeUnderLease(key, owner, a.leaseId(), computation);
      default:
        throw new IllegalStateException("unexpected lease answer " + a.kind());
    }
  }

  /**
   * A value the owner answered: kept in the hot store as a fetched value is
   * ({@link Flights#keepHotCopy}), so that a popular key of another owner is a local hit here
   * rather than a request to its owner every time; under the key's flight here, if one is flying.
   */
  private void keepHot(String key, PeerValue pv) {
    if (hotAdmission != null) {
      long now = expiry.now();
      flights.keepHotCopy(key, flights.flying(key), Entry.of(pv.value(), expiry.ofOwnersValue(pv, now)), now,
          hotAdmission);
    }
  }

  /** This caller holds the lease: computes, then completes the lease at the owner with the value or the failure. */
  private CompletableFuture<ByteView> computeUnderLease(String key, PeerClient owner, String leaseId, Computation computation) {
    CompletableFuture<ByteView> computed = started(computation);
    return computed.handle((v, err) -> {
      Throwable failure = err == null ? (v == null ? LoadException.nullValue(group, key) : null) : Failures.unwrap(err);
      if (failure == null) {
        counters.localLoads.increment();
      } else {
        counters.localLoadErrors.increment();
      }
      String described = failure == null ? null : describe(key, failure);
      CompletableFuture<Boolean> told;
      if (owner == null) {
        told = CompletableFuture.completedFuture(complete(key, leaseId, v, 0, failure == null ? null
            : new LoadException(group, key, null, described, failure)));
      } else {
        try {
          told = Timeouts.orTimeout(owner.completeLease(group, key, leaseId, failure == null ? v : null, 0, described),
              peerTimeout.toNanos());
        } catch (RuntimeException e) {
          told = CompletableFuture.failedFuture(e);
        }
      }
      CompletableFuture<ByteView> out = new CompletableFuture<>();
      told.whenComplete((taken, tellErr) -> {
        if (tellErr != null) {
          LOG.log(owner == null ? key : owner.url(), System.Logger.Level.WARNING, () -> "could not complete the load lease of "
              + GroupCacheException.where(group, key, null) + " at its owner " + (owner == null ? "" : owner.url())
              + ": " + Failures.unwrap(tellErr) + "; its other callers wait until the lease runs out", null);
        }
        if (failure == null) {
          out.complete(v);
        } else {
          out.completeExceptionally(failure); // the holder's own callers get what it threw
        }
      });
      return out;
    }).thenCompose(f -> f);
  }

  private String describe(String key, Throwable failure) {
    return "loader failed for " + GroupCacheException.where(group, key, null) + ": " + failure;
  }

  /** The owner cannot be asked: the caller computes the value here, and it is kept as a copy (at most the hot store's max age). */
  private CompletableFuture<ByteView> computeHere(String key, PeerClient owner, Computation computation) {
    if (owner != null && !cache.isDown(owner.url())) {
      LOG.log(owner.url(), System.Logger.Level.WARNING, () -> "owner " + owner.url() + " of "
          + GroupCacheException.where(group, key, null) + " could not be asked for a load lease; computing it here", null);
    }
    CompletableFuture<ByteView> computed = started(computation);
    return computed.thenApply(v -> {
      if (v == null) {
        throw LoadException.nullValue(group, key);
      }
      counters.localLoads.increment();
      long now = expiry.now();
      Entry e = Entry.of(v, expiry.ofLoaded(LoadedValue.of(v), now, true));
      Flight f = flights.flying(key);
      if (f != null && Expiry.kept(e, now)) {
        flights.install(key, f, e, false);
      }
      return v;
    });
  }

  private static CompletableFuture<ByteView> started(Computation c) {
    try {
      return c.start();
    } catch (Throwable t) {
      return CompletableFuture.failedFuture(t);
    }
  }

  private static <T> void relay(CompletableFuture<T> from, CompletableFuture<T> to) {
    from.whenComplete((v, e) -> {
      if (e == null) {
        to.complete(v);
      } else {
        to.completeExceptionally(Failures.unwrap(e));
      }
    });
  }
}
