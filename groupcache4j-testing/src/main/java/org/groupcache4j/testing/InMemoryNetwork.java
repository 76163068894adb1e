package org.groupcache4j.testing;

import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.groupcache4j.ByteView;
import org.groupcache4j.GroupCacheException;
import org.groupcache4j.KeyNotFoundException;
import org.groupcache4j.LoadException;
import org.groupcache4j.LoadTimeoutException;
import org.groupcache4j.UnknownGroupException;
import org.groupcache4j.internal.Failures;
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
 * a host gone dark): reads and probes sent to it get no answer until {@link #thaw}.
 *
 * <p>Errors cross the "network" as they would over HTTP: an owner's load failure arrives as a
 * remote {@link LoadException} (or not-found / timeout) naming the owner; an unknown group or a
 * disconnected node is a transport failure. Writes (remove, set) are applied by the target
 * node's handler before the client's future completes; a write to a disconnected node fails.
 * Load leases ({@link PeerClient#lease}), clears and put-if-absent cross it as they cross HTTP
 * between our nodes.
 */
public final class InMemoryNetwork {
  private final Map<String, PeerRequestHandler> nodes = new ConcurrentHashMap<>();
  private final Set<String> down = ConcurrentHashMap.newKeySet();
  private final Map<String, CompletableFuture<Void>> frozen = new ConcurrentHashMap<>();
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
        return new Client(peerUrl, () -> self);
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

  /** Makes {@code url} hang: reads and probes sent to it wait, unanswered, until {@link #thaw}. */
  public void freeze(String url) {
    frozen.putIfAbsent(url, new CompletableFuture<>());
  }

  /** Lets {@code url} answer again, the requests that waited included. */
  public void thaw(String url) {
    CompletableFuture<Void> gate = frozen.remove(url);
    if (gate != null) {
      gate.complete(null);
    }
  }

  /** Requests sent between nodes so far (reads and writes). */
  public long requests() {
    return requests.sum();
  }

  /** Writes (removes and sets) that nodes applied at another node's request. */
  public long writes() {
    return writes.sum();
  }

  private final class Client implements PeerClient {
    private final String url;
    private final java.util.function.Supplier<String> asker; // the URL of the node this client belongs to
    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();

    Client(String url, java.util.function.Supplier<String> asker) {
      this.url = url;
      this.asker = asker;
    }

    @Override
    public String url() {
      return url;
    }

    @Override
    public CompletableFuture<PeerValue> fetch(String group, String key) {
      CompletableFuture<Void> gate = frozen.get(url);
      if (gate != null) {
        return track(gate.thenCompose(x -> fetchNow(group, key)));
      }
      return fetchNow(group, key);
    }

    @Override
    public CompletableFuture<Void> probe(Duration timeout) {
      CompletableFuture<Void> gate = frozen.get(url);
      CompletableFuture<Void> answer = gate == null ? CompletableFuture.completedFuture(null) : track(gate.copy());
      return answer.thenCompose(x -> nodes.get(url) == null || down.contains(url)
          ? CompletableFuture.failedFuture(new ConnectException("connection refused: no node at " + url))
          : CompletableFuture.<Void>completedFuture(null));
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

    private CompletableFuture<PeerValue> fetchNow(String group, String key) {
      PeerRequestHandler h;
      try {
        h = reach();
      } catch (ConnectException e) {
        return CompletableFuture.failedFuture(e);
      }
      CompletableFuture<PeerValue> answer;
      try {
        answer = h.get(group, key);
      } catch (RuntimeException e) {
        answer = CompletableFuture.failedFuture(e);
      }
      return answer.handle((v, err) -> {
        if (err == null) {
          return v;
        }
        throw new CompletionException(asReceived(group, key, Failures.unwrap(err)));
      });
    }

    @Override
    public CompletableFuture<Void> remove(String group, String key) {
      return write(group, h -> h.remove(group, key));
    }

    @Override
    public CompletableFuture<Void> removeAll(String group, List<String> keys) {
      return write(group, h -> h.removeAll(group, keys));
    }

    @Override
    public CompletableFuture<Void> set(String group, String key, ByteView value, long expireUnixNanos) {
      return write(group, h -> h.set(group, key, value, expireUnixNanos));
    }

    @Override
    public CompletableFuture<LeaseAnswer> lease(String group, String key, Duration wait) {
      CompletableFuture<Void> gate = frozen.get(url);
      CompletableFuture<Void> open = gate == null ? CompletableFuture.completedFuture(null) : track(gate.copy());
      return open.thenCompose(x -> {
        PeerRequestHandler h;
        try {
          h = reach();
        } catch (ConnectException e) {
          return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<LeaseAnswer> answer;
        try {
          answer = h.lease(group, key, asker.get(), wait);
        } catch (RuntimeException e) {
          answer = CompletableFuture.failedFuture(e);
        }
        return track(answer.handle((a, err) -> {
          if (err == null) {
            return a;
          }
          throw new CompletionException(asReceived(group, key, Failures.unwrap(err)));
        }));
      });
    }

    @Override
    public CompletableFuture<Boolean> completeLease(String group, String key, String leaseId, ByteView value,
        long expireUnixNanos, String failure) {
      try {
        boolean taken = reach().completeLease(group, key, leaseId, value, expireUnixNanos, failure);
        writes.increment();
        return CompletableFuture.completedFuture(taken);
      } catch (UnknownGroupException e) {
        return CompletableFuture.failedFuture(new IllegalStateException("peer " + url + " answered 404: no such group: " + group));
      } catch (Exception e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    @Override
    public CompletableFuture<Void> clear(String group) {
      return write(group, h -> h.clear(group));
    }

    @Override
    public CompletableFuture<PeerValue> putIfAbsent(String group, String key, ByteView value, long expireUnixNanos) {
      try {
        PeerValue held = reach().putIfAbsent(group, key, value, expireUnixNanos);
        writes.increment();
        return CompletableFuture.completedFuture(held);
      } catch (UnknownGroupException e) {
        return CompletableFuture.failedFuture(new IllegalStateException("peer " + url + " answered 404: no such group: " + group));
      } catch (Exception e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    private CompletableFuture<Void> write(String group, Consumer<PeerRequestHandler> op) {
      try {
        op.accept(reach());
        writes.increment();
        return CompletableFuture.completedFuture(null);
      } catch (UnknownGroupException e) {
        return CompletableFuture.failedFuture(new IllegalStateException("peer " + url + " answered 404: no such group: " + group));
      } catch (Exception e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    /** The node's handler, counting the request; refused like a closed port if it is down. */
    private PeerRequestHandler reach() throws ConnectException {
      requests.increment();
      PeerRequestHandler h = nodes.get(url);
      if (h == null || down.contains(url)) {
        throw new ConnectException("connection refused: no node at " + url);
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
      return new IllegalStateException("peer " + url + " failed: " + e, e);
    }
  }

}
