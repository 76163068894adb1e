package org.groupcache4j.testing;

import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import org.groupcache4j.ByteView;
import org.groupcache4j.GroupCacheException;
import org.groupcache4j.KeyNotFoundException;
import org.groupcache4j.LoadException;
import org.groupcache4j.LoadTimeoutException;
import org.groupcache4j.UnknownGroupException;
import org.groupcache4j.internal.Failures;
import org.groupcache4j.peer.HintAck;
import org.groupcache4j.peer.HintDelivery;
import org.groupcache4j.peer.LeaseAnswer;
import org.groupcache4j.peer.PeerClient;
import org.groupcache4j.peer.PeerRequestHandler;
import org.groupcache4j.peer.PeerTransport;
import org.groupcache4j.peer.PeerValue;

/**
 * Wires several {@link org.groupcache4j.GroupCache} instances of one JVM together without
 * sockets, for tests of applications and of the read path. Each instance gets its own
 * {@link #transport()}; a node can be cut off with {@link #disconnect} to play a dead peer that
 * refuses connections, or frozen with {@link #freeze} to play one that hangs (a stopped process,
 * a host gone dark): requests sent to it get no answer until {@link #thaw}. {@link #cut} plays a
 * cut between two hosts (a one-way packet drop kills TCP both ways): requests between the two hang
 * until {@link #mend}, while both still reach everyone else.
 *
 * <p>Errors cross the "network" as they would over HTTP: an owner's load failure arrives as a
 * remote {@link LoadException} (or not-found / timeout) naming the owner; an unknown group or a
 * disconnected node is a transport failure. Writes (remove, set) and the requests between our nodes
 * (peeks, hints) are applied by the target node's handler before the client's future completes; a
 * write to a disconnected node fails. Every answer tells the asking node the answering node's
 * incarnation and ownership state ({@link PeerRequestHandler#peerSaid}), as our HTTP transport's
 * headers do; {@link PeerClient#via} carries requests through a third node, which forwards them
 * only to a node it {@linkplain PeerRequestHandler#relaysTo relays to}. Load leases
 * ({@link PeerClient#lease}), clears and put-if-absent cross it as they cross HTTP between our
 * nodes.
 */
public final class InMemoryNetwork {
  private final Map<String, PeerRequestHandler> nodes = new ConcurrentHashMap<>();
  private final Set<String> down = ConcurrentHashMap.newKeySet();
  private final Map<String, CompletableFuture<Void>> frozen = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Void>> cuts = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Void>> heldPeeks = new ConcurrentHashMap<>();
  private final LongAdder requests = new LongAdder();
  private final LongAdder writes = new LongAdder();

  /** A transport for one node of this network. */
  public PeerTransport transport() {
    return new PeerTransport() {
      private volatile String self;

      @Override
      public void start(String selfUrl, PeerRequestHandler handler) {
        if (nodes.putIfAbsent(selfUrl, handler) != null) {
          throw new IllegalStateException("a node named " + selfUrl + " is already on this network");
        }
        self = selfUrl;
      }

      @Override
      public PeerClient client(String peerUrl) {
        return new Client(self, peerUrl, null);
      }

      @Override
      public void close() {
        if (self != null) {
          nodes.remove(self);
        }
      }
    };
  }

  /** Makes {@code url} unreachable: requests to it fail as refused connections. */
  public void disconnect(String url) {
    down.add(url);
  }

  /** Makes {@code url} reachable again. */
  public void reconnect(String url) {
    down.remove(url);
  }

  /**
   * Makes {@code url} hang like a stopped process: requests sent to it wait, unanswered, and so do
   * the requests it sends, until {@link #thaw}.
   */
  public void freeze(String url) {
    frozen.putIfAbsent(url, new CompletableFuture<>());
  }

  /** Lets {@code url} answer again, the requests that waited included. */
  public void thaw(String url) {
    open(frozen, url);
  }

  /** Removes the gate {@code name} of {@code gates} and lets what waits on it through. */
  private static void open(Map<String, CompletableFuture<Void>> gates, String name) {
    CompletableFuture<Void> gate = gates.remove(name);
    if (gate != null) {
      gate.complete(null);
    }
  }

  /**
   * Peeks sent to {@code url} get no answer until {@link #answerPeeks}; it answers everything else
   * (a node too busy for a previous holder's peek, not down).
   */
  public void holdPeeks(String url) {
    heldPeeks.putIfAbsent(url, new CompletableFuture<>());
  }

  /** Ends {@link #holdPeeks}: the peeks held are answered now. */
  public void answerPeeks(String url) {
    open(heldPeeks, url);
  }

  /** Cuts {@code a} and {@code b} apart: requests from either to the other hang until {@link #mend}. */
  public void cut(String a, String b) {
    cuts.putIfAbsent(pair(a, b), new CompletableFuture<>());
  }

  /** Ends the cut between {@code a} and {@code b}; the requests that waited go through. */
  public void mend(String a, String b) {
    open(cuts, pair(a, b));
  }

  /**
   * Cuts the way from {@code from} to {@code to} only: requests {@code from} sends to {@code to}
   * hang until {@link #mendOneWay}, while {@code to} reaches {@code from} as before (a one-way
   * partition, or a node that believes itself cut off while its peers still reach it).
   */
  public void cutOneWay(String from, String to) {
    cuts.putIfAbsent(from + " -> " + to, new CompletableFuture<>());
  }

  /** Ends the one-way cut from {@code from} to {@code to}; the requests that waited go through. */
  public void mendOneWay(String from, String to) {
    open(cuts, from + " -> " + to);
  }

  private static String pair(String a, String b) {
    return a.compareTo(b) < 0 ? a + " " + b : b + " " + a;
  }

  /** Requests sent between nodes so far (reads, writes and the rest). */
  public long requests() {
    return requests.sum();
  }

  /** Writes (removes and sets) that nodes applied at another node's request. */
  public long writes() {
    return writes.sum();
  }

  /**
   * What stands between {@code from} and {@code to} now (either frozen: a stopped process neither
   * answers nor sends; or a cut between them): a future that completes when it is gone, or null.
   */
  private CompletableFuture<Void> gate(String from, String to) {
    List<CompletableFuture<Void>> gates = new java.util.ArrayList<>(3);
    gates.add(frozen.get(to));
    if (from != null) {
      gates.add(frozen.get(from));
      gates.add(cuts.get(pair(from, to)));
      gates.add(cuts.get(from + " -> " + to));
    }
    gates.removeIf(java.util.Objects::isNull);
    if (gates.isEmpty()) {
      return null;
    }
    return gates.size() == 1 ? gates.get(0) : CompletableFuture.allOf(gates.toArray(new CompletableFuture<?>[0]));
  }

  private final class Client implements PeerClient {
    private final String from; // the asking node, or null
    private final String url;
    private final String relay; // the node that carries the requests, or null: sent directly
    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();

    Client(String from, String url, String relay) {
      this.from = from;
      this.url = url;
      this.relay = relay;
    }

    @Override
    public String url() {
      return url;
    }

    @Override
    public PeerClient via(PeerClient relayClient) {
      return new Client(from, url, relayClient.url());
    }

    /**
     * Runs {@code request} against the target's handler once every gate on the way is open: the
     * relay's (from here to it, then from it to the target) or the target's; tracked so that
     * {@link #failPending} can end it.
     */
    private <T> CompletableFuture<T> send(Function<PeerRequestHandler, CompletableFuture<T>> request) {
      return send(request, null);
    }

    /**
     * {@link #send(Function)}; {@code relayMissed}, if not null, is called with the relay's handler
     * when the relay took the request but it did not reach the target (a write's drop to keep).
     */
    private <T> CompletableFuture<T> send(Function<PeerRequestHandler, CompletableFuture<T>> request,
        Consumer<PeerRequestHandler> relayMissed) {
      CompletableFuture<Void> first = relay == null ? gate(from, url) : gate(from, relay);
      CompletableFuture<T> answer = first == null ? atRelay(request, relayMissed)
          : first.thenCompose(x -> atRelay(request, relayMissed));
      return track(answer);
    }

    /**
     * The request, arrived at the relay (if any): carried on once the gate from the relay to the
     * target opens, if the relay reaches the target; else failed at once, as a relay answers.
     */
    private <T> CompletableFuture<T> atRelay(Function<PeerRequestHandler, CompletableFuture<T>> request,
        Consumer<PeerRequestHandler> relayMissed) {
      if (relay == null) {
        return now(request, null, relayMissed);
      }
      requests.increment();
      PeerRequestHandler r;
      try {
        r = reach(relay);
      } catch (ConnectException e) {
        return CompletableFuture.failedFuture(e);
      }
      if (!r.relaysTo(url)) {
        return missed(r, relayMissed, new IllegalStateException("peer " + relay + " could not carry the "
            + "request to " + url + ": it does not reach it"));
      }
      CompletableFuture<Void> second = gate(relay, url);
      return second == null ? now(request, r, relayMissed) : second.thenCompose(y -> now(request, r, relayMissed));
    }

    /** The request at the target; {@code r}: the relay's handler, or null if sent directly. */
    private <T> CompletableFuture<T> now(Function<PeerRequestHandler, CompletableFuture<T>> request,
        PeerRequestHandler r, Consumer<PeerRequestHandler> relayMissed) {
      if (r == null) {
        requests.increment(); // a relayed one was counted at the relay
      }
      PeerRequestHandler h;
      try {
        h = reach(url);
      } catch (ConnectException e) {
        return missed(r, relayMissed, e);
      }
      told(h);
      CompletableFuture<T> f;
      try {
        f = request.apply(h);
        if (f == null) {
          f = CompletableFuture.failedFuture(new IllegalStateException("null answer"));
        }
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      if (r == null || relayMissed == null) {
        return f;
      }
      return f.whenComplete((v, err) -> {
        if (err != null) {
          relayMissed.accept(r);
        }
      });
    }

    /** Fails a request with {@code e}; a relay that took it ({@code r} not null) is told it did not reach the target. */
    private static <T> CompletableFuture<T> missed(PeerRequestHandler r,
        Consumer<PeerRequestHandler> relayMissed, Exception e) {
      if (r != null && relayMissed != null) {
        relayMissed.accept(r);
      }
      return CompletableFuture.failedFuture(e);
    }

    /** Tells the asking node what the answering one said of itself. */
    private void told(PeerRequestHandler answering) {
      PeerRequestHandler asking = from == null ? null : nodes.get(from);
      if (asking != null) {
        long inc = answering.incarnation();
        asking.peerSaid(url, inc, inc == 0 ? null : answering.ownershipState());
      }
    }

    @Override
    public CompletableFuture<PeerValue> fetch(String group, String key) {
      return fetch(group, key, null);
    }

    @Override
    public CompletableFuture<PeerValue> fetch(String group, String key, long[] after) {
      return send(h -> after == null || after.length == 0 ? h.get(group, key) : h.get(group, key, after)).handle((v, err) -> {
        if (err == null) {
          return v;
        }
        throw new CompletionException(asReceived(group, key, Failures.unwrap(err)));
      });
    }

    @Override
    public CompletableFuture<Void> probe(Duration timeout) {
      return send(h -> CompletableFuture.completedFuture(null));
    }

    @Override
    public CompletableFuture<Integer> failPending(Throwable cause) {
      int n = 0;
      for (CompletableFuture<?> f : pending) {
        if (f.completeExceptionally(new IllegalStateException("request to " + url + " released: " + cause.getMessage(), cause))) {
          n++;
        }
      }
      return CompletableFuture.completedFuture(n);
    }

    /** {@code f} as a future that {@link #failPending} can end first. */
    private <T> CompletableFuture<T> track(CompletableFuture<T> f) {
      if (f.isDone()) {
        return f;
      }
      CompletableFuture<T> mine = new CompletableFuture<>();
      pending.add(mine);
      f.whenComplete((v, e) -> {
        if (e == null) {
          mine.complete(v);
        } else {
          mine.completeExceptionally(e);
        }
      });
      mine.whenComplete((v, e) -> pending.remove(mine));
      return mine;
    }

    @Override
    public CompletableFuture<Void> remove(String group, String key) {
      return remove(group, key, 0);
    }

    @Override
    public CompletableFuture<Void> remove(String group, String key, long write) {
      return write(group, List.of(key), h -> h.remove(group, key, write));
    }

    @Override
    public CompletableFuture<Void> removeAll(String group, List<String> keys) {
      return removeAll(group, keys, 0);
    }

    @Override
    public CompletableFuture<Void> removeAll(String group, List<String> keys, long write) {
      return write(group, keys, h -> h.removeAll(group, keys, write));
    }

    @Override
    public CompletableFuture<Void> set(String group, String key, ByteView value, long expireUnixNanos) {
      return set(group, key, value, expireUnixNanos, 0);
    }

    @Override
    public CompletableFuture<Void> set(String group, String key, ByteView value, long expireUnixNanos, long write) {
      return write(group, List.of(key), h -> h.set(group, key, value, expireUnixNanos, write));
    }

    /** A write of {@code keys} ({@code null}: the whole group) to the target. */
    private CompletableFuture<Void> write(String group, List<String> keys, Consumer<PeerRequestHandler> op) {
      return send(h -> {
        try {
          op.accept(h);
          writes.increment();
          return CompletableFuture.<Void>completedFuture(null);
        } catch (UnknownGroupException e) {
          return CompletableFuture.failedFuture(new IllegalStateException("peer " + url + " answered 404: no such group: " + group));
        }
      }, r -> r.relayMissed(url, group, keys));
    }

    @Override
    public CompletableFuture<LeaseAnswer> lease(String group, String key, Duration wait) {
      return send(h -> h.lease(group, key, from, wait)).handle((a, err) -> {
        if (err == null) {
          return a;
        }
        throw new CompletionException(asReceived(group, key, Failures.unwrap(err)));
      });
    }

    @Override
    public CompletableFuture<Boolean> completeLease(String group, String key, String leaseId, ByteView value,
        long expireUnixNanos, String failure) {
      return send(h -> {
        try {
          boolean taken = h.completeLease(group, key, leaseId, value, expireUnixNanos, failure);
          writes.increment();
          return CompletableFuture.completedFuture(taken);
        } catch (UnknownGroupException e) {
          return CompletableFuture.failedFuture(new IllegalStateException("peer " + url + " answered 404: no such group: " + group));
        }
      });
    }

    @Override
    public CompletableFuture<Void> clear(String group) {
      return write(group, null, h -> h.clear(group));
    }

    @Override
    public CompletableFuture<PeerValue> putIfAbsent(String group, String key, ByteView value, long expireUnixNanos) {
      return send(h -> {
        try {
          PeerValue held = h.putIfAbsent(group, key, value, expireUnixNanos);
          writes.increment();
          return CompletableFuture.completedFuture(held);
        } catch (UnknownGroupException e) {
          return CompletableFuture.failedFuture(new IllegalStateException("peer " + url + " answered 404: no such group: " + group));
        }
      });
    }

    @Override
    public CompletableFuture<Optional<PeerValue>> peek(String group, String key) {
      return peek(group, key, null);
    }

    @Override
    public CompletableFuture<Optional<PeerValue>> peek(String group, String key, long[] after) {
      CompletableFuture<Void> held = heldPeeks.get(url);
      if (held != null) {
        return track(held.thenCompose(x -> peek(group, key, after)));
      }
      return send(h -> after == null || after.length == 0 ? h.peek(group, key) : h.peek(group, key, after));
    }

    @Override
    public CompletableFuture<HintAck> deliverHints(HintDelivery hints) {
      return send(h -> CompletableFuture.completedFuture(h.hints(hints)));
    }

    @Override
    public CompletableFuture<HintDelivery> pullHints(String self, long incarnation) {
      return send(h -> CompletableFuture.completedFuture(h.hintsFor(self, incarnation)));
    }

    @Override
    public CompletableFuture<Void> ackHints(HintAck ack) {
      return send(h -> {
        h.hintsAcked(ack);
        return CompletableFuture.<Void>completedFuture(null);
      });
    }

    /** The node's handler, counting the request; refused like a closed port if it is down. */
    private PeerRequestHandler reach(String node) throws ConnectException {
      PeerRequestHandler h = nodes.get(node);
      if (h == null || down.contains(node)) {
        throw new ConnectException("connection refused: no node at " + node);
      }
      return h;
    }

    private Throwable asReceived(String group, String key, Throwable e) {
      if (e instanceof UnknownGroupException) {
        return new IllegalStateException("peer " + url + " answered 404: no such group: " + group);
      }
      if (e instanceof KeyNotFoundException nf) {
        return new KeyNotFoundException(group, key, url, nf.detail());
      }
      if (e instanceof LoadTimeoutException) {
        return LoadTimeoutException.fromOwner(group, key, url, e.getMessage());
      }
      if (e instanceof LoadException) {
        return LoadException.fromOwner(group, key, url, e.getMessage());
      }
      if (e instanceof GroupCacheException) {
        return LoadException.fromOwner(group, key, url, e.getMessage());
      }
      if (e instanceof ConnectException) {
        return e;
      }
      return new IllegalStateException("peer " + url + " failed: " + e, e);
    }

    @Override
    public String toString() {
      return "InMemoryClient[" + url + (relay == null ? "" : " via " + relay) + "]";
    }
  }
}
