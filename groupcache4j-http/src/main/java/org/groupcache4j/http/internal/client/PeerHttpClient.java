package org.groupcache4j.http.internal.client;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.groupcache4j.ByteView;
import org.groupcache4j.KeyNotFoundException;
import org.groupcache4j.LoadException;
import org.groupcache4j.LoadTimeoutException;
import org.groupcache4j.http.PeerFetchException;
import org.groupcache4j.http.PeerFetchException.Reason;
import org.groupcache4j.http.internal.TransportConfig;
import org.groupcache4j.http.internal.http1.IoResources;
import org.groupcache4j.http.internal.protocol.CallerLoadedWire;
import org.groupcache4j.http.internal.protocol.Forwarder;
import org.groupcache4j.http.internal.protocol.HandoffMessages;
import org.groupcache4j.http.internal.protocol.NodeIdentity;
import org.groupcache4j.http.internal.protocol.PeerErrors;
import org.groupcache4j.http.internal.protocol.PeerHeaders;
import org.groupcache4j.http.internal.protocol.WriteIds;
import org.groupcache4j.http.internal.protocol.PeerMessages;
import org.groupcache4j.http.internal.protocol.PeerPaths;
import org.groupcache4j.http.internal.protocol.PeerUrl;
import org.groupcache4j.http.internal.protocol.RingCheck;
import org.groupcache4j.http.internal.security.PeerSecurity;
import org.groupcache4j.peer.HandoffClient;
import org.groupcache4j.peer.HandoffEntry;
import org.groupcache4j.peer.TakeBackAnswer;
import org.groupcache4j.peer.HintAck;
import org.groupcache4j.peer.HintDelivery;
import org.groupcache4j.peer.LeaseAnswer;
import org.groupcache4j.peer.PeerClient;
import org.groupcache4j.peer.PeerValue;
import org.groupcache4j.ring.RingMode;

/**
 * Fetches keys from one peer over HTTP/1.1 keep-alive connections. The parts, each in its class:
 * <ul>
 *   <li>{@link PeerUrl}: the peer URL taken apart (where to connect, host header, path prefix);</li>
 *   <li>{@link PeerRequests}: the request bytes (request line and headers);</li>
 *   <li>{@link ConnectionPool}: one per event loop, the connections, the fetches waiting for one,
 *       the first connection opened ahead with back-off;</li>
 *   <li>{@link Deadlines}: the response timeout of every fetch of a loop, on one timer;</li>
 *   <li>{@link PeerConnection} and {@link AnswerReader}: one connection, and the reading of its
 *       answers;</li>
 *   <li>{@link PeerErrors}: what an error answer means, beside what the server answers.</li>
 * </ul>
 *
 * <p><b>Connection reuse.</b> golang/groupcache uses {@code http.DefaultTransport}, which keeps
 * only 2 idle connections per host: under concurrent load most fetches find no idle connection,
 * open a new TCP connection and leave it in TIME_WAIT afterwards (about 20k sockets after a 10 s
 * run in the golang/groupcache measurements). Here every connection returns to its pool after its
 * answer: up to {@code maxConnectionsPerPeer} connections are opened once and then reused, and
 * when all are busy a fetch waits for the next free one (bounded by its deadline) instead of
 * opening another. Pooled connections unused for the client idle timeout (shorter than the
 * server's, so a server rarely closes a connection the pool is about to use) are closed.
 *
 * <p><b>One pool per event loop.</b> The connections are split over the transport's event loops
 * ({@code maxConnectionsPerPeer} in all), each loop with its own pool touched only by that loop:
 * no locks, and a fetch started on an event loop (a client API request, when the API shares the
 * transport's loops) runs on that thread from the request it writes to the answer it completes
 * with. Fetches from other threads are handed to the loops in turn.
 *
 * <p><b>Deadlines.</b> Connecting is bounded by the connect timeout; the whole fetch (waiting for
 * a connection, sending, answering) by the response timeout; the answer body by
 * {@code maxResponseBytes}. A fetch past its deadline fails and its connection is closed.
 *
 * <p><b>Writes</b> (DELETE, PUT with a {@code SetRequest}, POST {@code _remove-keys/}) go over the
 * same connections, to the peers that take them in the form each takes ({@link PeerKind}): in a
 * golang or balanced ring only our nodes (their answers carry {@link PeerHeaders#NODE}); in a
 * mailgun or groupcache-go ring every peer, with a mailgun node sent one DELETE per key instead of
 * a {@code _remove-keys} POST. Our writes carry {@link PeerHeaders#NODE} too, so that a node knows a
 * set that another lineage's node sent. The requests between our nodes alone (peeks and hints) go
 * only to a peer whose answers show it is one of ours. Every answer of ours tells the node the
 * peer's incarnation and ownership state ({@link NodeIdentity}).
 *
 * <p><b>Balanced ring.</b> A peer whose answers lack {@link PeerHeaders#NODE} is another groupcache
 * server, which cannot place keys on a balanced ring: its probes fail (the node then judges it
 * down and leaves it out of the ring) and no fetch or write is sent to it.
 *
 * <p><b>Relays.</b> {@link #via} gives a client that sends this peer's requests over another
 * peer's connections, naming this peer in {@link PeerHeaders#RELAY_TO}: that peer forwards each
 * ({@link #forward}) and passes the answer back.
 *
 * <p><b>Outcomes</b> follow {@link PeerClient}'s contract: 200 gives the value and its expiry; a
 * not-found that the owner caches ({@code x-groupcache4j-expire}) gives {@link PeerValue#notFound};
 * an error the owner's loader produced becomes the owner's {@link LoadException},
 * {@link LoadTimeoutException} or {@link KeyNotFoundException}; everything else is a
 * {@link PeerFetchException} (its
 * {@link PeerFetchException#reason() reason} says which kind), and the group falls back to a
 * local load. Futures complete on the transport's I/O threads: callers should not block in their
 * callbacks.
 */
public final class PeerHttpClient implements PeerClient, HandoffClient {
  static final String CLOSED = "the client of this peer is closed (the peer left the peer list or the node is closing)";

  private final String url;
  private final String invalid; // why the URL cannot be used, or null
  private final PeerRequests requests;
  private final ConnectionPool[] pools;
  private final AtomicInteger nextPool = new AtomicInteger();
  private final long responseTimeoutNanos;
  private final int maxResponseBytes;
  private final Consumer<PeerHttpClient> onClose;
  private final PeerKind kind = new PeerKind();
  private final RingCheck ring; // the node's fingerprint and ring mode
  private volatile String self; // this node's URL, sent with a lease request (the owner names the holder by it)
  private volatile boolean closed;
  private final Sender direct = new Sender(this, this);

  /**
   * @param security TLS for {@code https} peers and the token to send ({@link PeerSecurity#NONE}: neither)
   * @param ring the node's ring fingerprint: sent with each request, compared with each answer's
   *     ({@link RingCheck#NONE}: none)
   * @param onClose told once when this client is closed
   */
  public PeerHttpClient(String url, TransportConfig cfg, IoResources io, PeerSecurity security, RingCheck ring,
      Consumer<PeerHttpClient> onClose) {
    this.url = url;
    this.onClose = onClose;
    this.ring = ring;
    this.responseTimeoutNanos = cfg.responseTimeout().toNanos();
    this.maxResponseBytes = cfg.maxResponseBytes();
    PeerUrl peer;
    try {
      peer = PeerUrl.parse(url);
    } catch (IllegalArgumentException e) {
      this.invalid = e.getMessage();
      this.requests = null;
      this.pools = new ConnectionPool[0];
      return;
    }
    this.invalid = null;
    this.requests = new PeerRequests(peer, cfg.basePath(), security.token(), ring);
    EventLoop[] loops = io.loops();
    int n = Math.min(loops.length, cfg.maxConnectionsPerPeer());
    this.pools = new ConnectionPool[n];
    for (int i = 0; i < n; i++) {
      pools[i] = new ConnectionPool(loops[i], io, peer, cfg, security, requests,
          share(cfg.maxConnectionsPerPeer(), n, i), Math.max(1, share(cfg.maxPendingFetchesPerPeer(), n, i)));
    }
    for (ConnectionPool p : pools) {
      if (!run(p, () -> p.preconnect(0))) {
        break; // the event loops are shut down: fetches will say so
      }
    }
  }

  /** Pool {@code i}'s share of {@code total}, split evenly over {@code n} pools. */
  private static int share(int total, int n, int i) {
    return total / n + (i < total % n ? 1 : 0);
  }

  @Override
  public String url() {
    return url;
  }

  /** A fetch with the answer's expiry; a not-found that the owner caches comes as {@link PeerValue#notFound}. */
  @Override
  public CompletableFuture<PeerValue> fetch(String group, String key) {
    return direct.fetch(group, key);
  }

  @Override
  public CompletableFuture<PeerValue> fetch(String group, String key, long[] after) {
    return direct.fetch(group, key, after);
  }

  @Override
  public CompletableFuture<Void> remove(String group, String key) {
    return direct.remove(group, key);
  }

  @Override
  public CompletableFuture<Void> remove(String group, String key, long write) {
    return direct.remove(group, key, write);
  }

  @Override
  public CompletableFuture<Void> removeAll(String group, List<String> keys, long write) {
    return direct.removeAll(group, keys, write);
  }

  @Override
  public CompletableFuture<Void> set(String group, String key, ByteView value, long expireUnixNanos, long write) {
    return direct.set(group, key, value, expireUnixNanos, write);
  }

  @Override
  public CompletableFuture<java.util.Optional<PeerValue>> peek(String group, String key, long[] after) {
    return direct.peek(group, key, after);
  }

  @Override
  public CompletableFuture<Void> removeAll(String group, List<String> keys) {
    return direct.removeAll(group, keys);
  }

  @Override
  public CompletableFuture<Void> set(String group, String key, ByteView value, long expireUnixNanos) {
    return direct.set(group, key, value, expireUnixNanos);
  }

  @Override
  public CompletableFuture<java.util.Optional<PeerValue>> peek(String group, String key) {
    return direct.peek(group, key);
  }

  @Override
  public CompletableFuture<HintAck> deliverHints(HintDelivery hints) {
    return direct.deliverHints(hints);
  }

  @Override
  public CompletableFuture<HintDelivery> pullHints(String self, long incarnation) {
    return direct.pullHints(self, incarnation);
  }

  @Override
  public CompletableFuture<Void> ackHints(HintAck ack) {
    return direct.ackHints(ack);
  }

  @Override
  public CompletableFuture<LeaseAnswer> lease(String group, String key, Duration wait) {
    return exchange(group, key, Fetch.Write.answering("POST", CallerLoadedWire.LEASE + PeerPaths.escape(key),
        PeerHeaders.CONTENT_TYPE_PROTOBUF.toString(), CallerLoadedWire.encodeLeaseRequest(wait, self)))
        .thenApply(a -> {
          try {
            return CallerLoadedWire.decodeLeaseAnswer(a.body());
          } catch (InvalidProtocolBufferException e) {
            throw new CompletionException(new PeerFetchException(Reason.BAD_ANSWER, url, group, key,
                "answered a lease request with a body that is not a LeaseAnswer: " + e.getMessage(), e));
          }
        });
  }

  @Override
  public CompletableFuture<Boolean> completeLease(String group, String key, String leaseId, ByteView value,
      long expireUnixNanos, String failure) {
    return exchange(group, key, Fetch.Write.answering("POST", CallerLoadedWire.LEASE_DONE + PeerPaths.escape(key),
        PeerHeaders.CONTENT_TYPE_PROTOBUF.toString(), CallerLoadedWire.encodeLeaseCompletion(leaseId, value, expireUnixNanos,
            failure))).thenApply(a -> a.status() == 200);
  }

  @Override
  public CompletableFuture<Void> clear(String group) {
    return sendToOurs(group, "every key", clearWrite());
  }

  @Override
  public CompletableFuture<PeerValue> putIfAbsent(String group, String key, ByteView value, long expireUnixNanos) {
    return exchange(group, key, Fetch.Write.answering("POST", CallerLoadedWire.PUT_IF_ABSENT + PeerPaths.escape(key),
        PeerHeaders.CONTENT_TYPE_PROTOBUF.toString(), PeerMessages.encodeSetRequest(group, key, value, expireUnixNanos)))
        .thenApply(a -> {
          if (a.status() != 200) {
            return null; // stored
          }
          try {
            return PeerMessages.decodeGetResponse(io.netty.buffer.Unpooled.wrappedBuffer(a.body()));
          } catch (java.io.IOException e) {
            throw new CompletionException(new PeerFetchException(Reason.BAD_ANSWER, url, group, key,
                "answered a put-if-absent with a body that is not a GetResponse: " + e.getMessage(), e));
          }
        });
  }

  /** A request of {@link CallerLoadedWire} that answers, sent as a write is (only to one of our nodes). */
  private CompletableFuture<Fetch.Answer> exchange(String group, String key, Fetch.Write w) {
    return known(w).thenCompose(x -> start(new Fetch(url, group, key, false, responseTimeoutNanos, w, kind)))
        .thenApply(Fetch.Answer.class::cast);
  }

  /**
   * Completes once this peer is known to be one of our nodes; fails at once (not sent) for another
   * kind of peer, in every ring mode: the requests of {@link CallerLoadedWire} are ours alone (a
   * mailgun or groupcache-go node, which takes our writes, would take them for a GET).
   */
  private CompletableFuture<Void> known(Fetch.Write w) {
    CompletableFuture<Void> known = kind.state() == PeerKind.UNKNOWN
        ? probe(Duration.ofNanos(responseTimeoutNanos)) : CompletableFuture.completedFuture(null);
    return known.thenApply(x -> {
      if (kind.state() != PeerKind.OURS) {
        throw new CompletionException(new UnsupportedOperationException("peer " + url + " does not take writes: its "
            + "answers are not a groupcache4j node's (golang/groupcache answers a " + w.method() + " as a GET and would "
            + "load the key), so the " + w.method() + " was not sent"));
      }
      return null;
    });
  }

  /**
   * Starts {@code f} once this peer is known to be one of our nodes (a peer not heard from yet is
   * probed first); fails at once with an {@link UnsupportedOperationException} that says it is not
   * {@code what} otherwise.
   */
  private CompletableFuture<Object> toOursOnly(String what, Fetch f) {
    CompletableFuture<Void> known = kind.state() == PeerKind.UNKNOWN
        ? probe(Duration.ofNanos(responseTimeoutNanos)) : CompletableFuture.completedFuture(null);
    return known.thenCompose(x -> {
      if (kind.state() != PeerKind.OURS) {
        throw new CompletionException(new UnsupportedOperationException("peer " + url + " is not one of our nodes "
            + "(its answers lack " + PeerHeaders.NODE + "), so it is not " + what));
      }
      return start(f);
    });
  }

  /**
   * A departing node's notice or batch ({@code POST {basePath}_handoff}, {@link HandoffMessages}),
   * sent only to one of our nodes, whatever the ring mode: a peer not heard from yet is probed
   * first, and one whose answers lack {@link PeerHeaders#NODE} (golang/groupcache, mailgun,
   * groupcache-go) is not sent it; the handoff fails at once, naming the peer.
   */
  @Override
  public CompletableFuture<Reply> handoff(String sender, Duration window, List<HandoffEntry> entries) {
    Fetch.Write w = new Fetch.Write("POST", PeerPaths.HANDOFF, PeerHeaders.CONTENT_TYPE_PROTOBUF.toString(),
        HandoffMessages.encodeRequest(sender, window, entries), true);
    return toOursOnly("sent a handoff", new Fetch(url, "", "handoff of " + entries.size() + " entries", false,
        responseTimeoutNanos, w, kind)).thenApply(done -> {
      try {
        return HandoffMessages.decodeReply((byte[]) done);
      } catch (InvalidProtocolBufferException e) {
        throw new CompletionException(new PeerFetchException(Reason.BAD_ANSWER, url, "", PeerPaths.HANDOFF,
            "answered 200 with a body that is not a HandoffReply: " + e.getMessage(), e));
      }
    });
  }

  /**
   * A take-back ({@code POST {basePath}_take-back}, {@link HandoffMessages}): the entries of the
   * keys {@code requester} owns that this peer holds, at most {@code maxBytes} (and half the largest
   * answer this client reads), and the keys in demand. Sent, as a handoff, only to one of our nodes.
   */
  @Override
  public CompletableFuture<TakeBackAnswer> takeBack(String requester, String group, long maxBytes) {
    long max = Math.min(maxBytes, maxResponseBytes / 2);
    Fetch.Write w = new Fetch.Write("POST", PeerPaths.TAKE_BACK, PeerHeaders.CONTENT_TYPE_PROTOBUF.toString(),
        HandoffMessages.encodeTakeBack(requester, group, max), true);
    return toOursOnly("asked for keys back", new Fetch(url, "", "take-back of group '" + group + "'", false,
        responseTimeoutNanos, w, kind)).thenApply(done -> {
      try {
        HandoffMessages.Request r =
            HandoffMessages.decodeRequest(io.netty.buffer.Unpooled.wrappedBuffer((byte[]) done));
        return new TakeBackAnswer(r.entries(), r.keysInDemand());
      } catch (IllegalArgumentException e) {
        throw new CompletionException(new PeerFetchException(Reason.BAD_ANSWER, url, "", PeerPaths.TAKE_BACK,
            "answered 200 with a body that is not a HandoffRequest: " + e.getMessage(), e));
      }
    });
  }

  /**
   * A client that sends this peer's requests through {@code relay}'s connections (another peer of
   * ours, which forwards them); {@code null} if {@code relay} is not a client of this transport.
   */
  @Override
  public PeerClient via(PeerClient relay) {
    return relay instanceof PeerHttpClient r && r != this ? new Sender(this, r) : null;
  }

  /** A request of {@link CallerLoadedWire} that answers nothing, sent to one of our nodes only (whatever the ring mode). */
  /** A clear of a group's every key, sent directly or through a relay. */
  private static Fetch.Write clearWrite() {
    return new Fetch.Write("POST", CallerLoadedWire.CLEAR, null, new byte[0]);
  }

  private CompletableFuture<Void> sendToOurs(String group, String what, Fetch.Write w) {
    return known(w).thenCompose(x -> start(new Fetch(url, group, what, false, responseTimeoutNanos, w, kind)))
        .thenApply(done -> (Void) null);
  }

  /** This node's URL, which lease requests name as the asker (null: the owner names the connection's address). */
  public void askAs(String selfUrl) {
    this.self = selfUrl;
  }

  /**
   * Whether this peer takes writes: in a mailgun or groupcache-go ring every peer does; otherwise
   * only one of our nodes, as its answers show ({@code false} until one came).
   */
  public boolean takesWrites() {
    return kind.takesWrites(ring.mode());
  }

  /**
   * Why a peer whose answers lack {@link PeerHeaders#NODE} is refused in a balanced ring: it is
   * another groupcache server, which cannot place keys on that ring.
   */
  private String notOursInABalancedRing() {
    return "peer " + url + " is not a groupcache4j node (its answers lack " + PeerHeaders.NODE + ", as "
        + "golang/groupcache's do), and this node's ring is balanced, which no other groupcache can place keys "
        + "on: it is left out of the ring and sent nothing. Give every node ring mode golang to mix "
        + "golang/groupcache nodes in, or take this peer out of the peer list";
  }

  private boolean otherInABalancedRing() {
    return kind.state() == PeerKind.OTHER && ring.mode() == RingMode.BALANCED;
  }

  /**
   * Asks the peer for the base path alone, which a groupcache server (ours or golang/groupcache)
   * answers at once with {@code 400}, touching no group and loading nothing: whether the peer
   * itself answers, whatever its loads do. Completes normally when the peer answered (any
   * status) within {@code timeout}, else with the {@link PeerFetchException} saying why not
   * (refused, timed out, reset, not HTTP). In a balanced ring, a peer that answers as another
   * groupcache server fails its probes too (with why), so that the node's failure detector leaves
   * it out of the ring, as every node of ours that sees it does. A probe never waits behind fetches:
   * it takes an idle pooled connection, or opens one more (closed after the answer) when all are
   * busy. The answer of one of our nodes says its incarnation and ownership state.
   */
  @Override
  public CompletableFuture<Void> probe(Duration timeout) {
    return direct.probe(timeout);
  }

  /**
   * Sends a request a relay forwards for another peer: {@code method {prefix}{base}{tail}} with
   * {@code body}; completes with the answer as it came (any status), or fails if the peer gave
   * none within the response timeout.
   */
  public CompletableFuture<Forwarder.Answer> forward(String method, String tail, String contentType, String extraHeader,
      byte[] body) {
    Fetch f = Fetch.of(url, "", tail, responseTimeoutNanos, Fetch.Write.underBase(method, tail, contentType, body), kind,
        null, Fetch.Expect.RAW);
    f.extraHeader = extraHeader;
    return start(f).thenApply(Forwarder.Answer.class::cast);
  }

  /**
   * This peer's requests, sent over {@code carrier}'s connections: the peer's own client (direct), or
   * another peer's, which carries them to this one (a relay).
   */
  static final class Sender implements PeerClient {
    private final PeerHttpClient target;
    private final PeerHttpClient carrier;
    private final String relayTo; // null: direct

    Sender(PeerHttpClient target, PeerHttpClient carrier) {
      this.target = target;
      this.carrier = carrier;
      this.relayTo = target == carrier ? null : target.url;
    }

    @Override
    public String url() {
      return target.url;
    }

    private Fetch fetchOf(String group, String key, long timeoutNanos, Fetch.Write w, Fetch.Expect expect) {
      return Fetch.of(target.url, group, key, timeoutNanos, w, target.kind, relayTo, expect);
    }

    @Override
    public CompletableFuture<PeerValue> fetch(String group, String key) {
      return fetch(group, key, null);
    }

    @Override
    @SuppressWarnings("unchecked")
    public CompletableFuture<PeerValue> fetch(String group, String key, long[] after) {
      if (target.otherInABalancedRing()) {
        return CompletableFuture.failedFuture(new PeerFetchException(Reason.BAD_ANSWER, target.url, group, key,
            target.notOursInABalancedRing(), null));
      }
      // A fetch's outcome is a PeerValue or an exception (AnswerReader): no stage to cast it.
      Fetch f = fetchOf(group, key, target.responseTimeoutNanos, null, Fetch.Expect.VALUE);
      f.extraHeader = WriteIds.afterLine(after); // golang/groupcache ignores it
      return (CompletableFuture<PeerValue>) (CompletableFuture<?>) carrier.start(f);
    }

    @Override
    public CompletableFuture<Void> probe(Duration timeout) {
      return carrier.start(fetchOf("", "", timeout.toNanos(), null, Fetch.Expect.PROBE)).handle((v, e) -> {
        Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (t instanceof PeerFetchException pfe && pfe.reason() != Reason.ERROR_STATUS) {
          throw new CompletionException(pfe);
        }
        if (target.otherInABalancedRing()) {
          throw new CompletionException(new IllegalStateException(target.notOursInABalancedRing())); // judged down for it
        }
        return null; // a value, a loader's error or an error status: the peer answered
      });
    }

    @Override
    public CompletableFuture<Void> remove(String group, String key) {
      return remove(group, key, 0);
    }

    @Override
    public CompletableFuture<Void> remove(String group, String key, long write) {
      return write(group, key, new Fetch.Write("DELETE", PeerPaths.escape(key), null, new byte[0]), write);
    }

    @Override
    public CompletableFuture<Void> removeAll(String group, List<String> keys) {
      return removeAll(group, keys, 0);
    }

    @Override
    public CompletableFuture<Void> removeAll(String group, List<String> keys, long write) {
      if (!target.kind.takesRemoveKeys(target.ring.mode())) { // mailgun/groupcache v2 would take the POST for a GET
        CompletableFuture<?>[] each = new CompletableFuture<?>[keys.size()]; // one DELETE per key
        for (int i = 0; i < each.length; i++) {
          each[i] = remove(group, keys.get(i), write);
        }
        return CompletableFuture.allOf(each);
      }
      return write(group, keys.size() + " keys", new Fetch.Write("POST", PeerPaths.REMOVE_KEYS,
          PeerHeaders.CONTENT_TYPE_JSON.toString(), PeerMessages.encodeRemoveKeys(group, keys)), write);
    }

    @Override
    public CompletableFuture<Void> set(String group, String key, ByteView value, long expireUnixNanos) {
      return set(group, key, value, expireUnixNanos, 0);
    }

    @Override
    public CompletableFuture<Void> set(String group, String key, ByteView value, long expireUnixNanos, long write) {
      return write(group, key, new Fetch.Write("PUT", PeerPaths.escape(key), PeerHeaders.CONTENT_TYPE_PROTOBUF.toString(),
          PeerMessages.encodeSetRequest(group, key, value, expireUnixNanos)), write);
    }

    @Override
    public CompletableFuture<Void> clear(String group) {
      return write(group, "every key", clearWrite(), 0);
    }

    private CompletableFuture<Void> write(String group, String what, Fetch.Write w, long write) {
      return ours(w.method(), () -> {
        Fetch f = fetchOf(group, what, target.responseTimeoutNanos, w, Fetch.Expect.WRITTEN);
        if (write != 0 && target.kind.state() == PeerKind.OURS) {
          f.extraHeader = WriteIds.writeLine(write);
        }
        return f;
      }).thenApply(done -> (Void) null);
    }

    @Override
    @SuppressWarnings("unchecked")
    public CompletableFuture<java.util.Optional<PeerValue>> peek(String group, String key) {
      return peek(group, key, null);
    }

    @Override
    @SuppressWarnings("unchecked")
    public CompletableFuture<java.util.Optional<PeerValue>> peek(String group, String key, long[] after) {
      Fetch.Write w = Fetch.Write.underBase("POST", PeerPaths.PEEK, PeerHeaders.CONTENT_TYPE_PROTOBUF.toString(),
          PeerMessages.encodePeekRequest(group, key));
      return ours("peek", () -> {
        Fetch f = Fetch.of(target.url, group, key, target.responseTimeoutNanos, w, target.kind, relayTo, Fetch.Expect.PEEK);
        f.extraHeader = WriteIds.afterLine(after);
        return f;
      }).thenApply(o -> (java.util.Optional<PeerValue>) o);
    }

    @Override
    public CompletableFuture<HintAck> deliverHints(HintDelivery hints) {
      Fetch.Write w = Fetch.Write.underBase("POST", PeerPaths.HINTS, PeerHeaders.CONTENT_TYPE_PROTOBUF.toString(),
          PeerMessages.encodeHintDelivery(hints));
      return ours("hints", () -> Fetch.of(target.url, "", PeerPaths.HINTS, target.responseTimeoutNanos, w, target.kind,
          relayTo, Fetch.Expect.HINT_ACK)).thenApply(HintAck.class::cast);
    }

    @Override
    public CompletableFuture<HintDelivery> pullHints(String self, long incarnation) {
      Fetch.Write w = Fetch.Write.underBase("POST", PeerPaths.HINTS_PULL, PeerHeaders.CONTENT_TYPE_PROTOBUF.toString(),
          PeerMessages.encodeHintPull(self, incarnation));
      return ours("hints", () -> Fetch.of(target.url, "", PeerPaths.HINTS_PULL, target.responseTimeoutNanos, w,
          target.kind, relayTo, Fetch.Expect.HINTS)).thenApply(HintDelivery.class::cast);
    }

    @Override
    public CompletableFuture<Void> ackHints(HintAck ack) {
      Fetch.Write w = Fetch.Write.underBase("POST", PeerPaths.HINTS_ACK, PeerHeaders.CONTENT_TYPE_PROTOBUF.toString(),
          PeerMessages.encodeHintAck(ack));
      return ours("hints", () -> Fetch.of(target.url, "", PeerPaths.HINTS_ACK, target.responseTimeoutNanos, w,
          target.kind, relayTo, Fetch.Expect.WRITTEN)).thenApply(done -> (Void) null);
    }

    /**
     * Sends a request to a peer that takes it: a write to a peer that takes writes ({@link PeerKind}:
     * in a mailgun or groupcache-go ring every peer, else one of our nodes), a peek or hints to one
     * of our nodes alone. A peer not heard from yet is probed first where that decides, and a peer
     * whose answers lack {@link PeerHeaders#NODE} (golang/groupcache, which would take any method
     * for a GET and load the key) is not sent it; it fails at once, naming the peer.
     */
    private CompletableFuture<Object> ours(String what, java.util.function.Supplier<Fetch> request) {
      boolean write = !what.equals("peek") && !what.equals("hints");
      RingMode mode = target.ring.mode();
      boolean learnFirst = write ? target.kind.mustLearnBeforeWrites(mode) : target.kind.state() == PeerKind.UNKNOWN;
      CompletableFuture<Void> known = learnFirst
          ? probe(Duration.ofNanos(target.responseTimeoutNanos)) : CompletableFuture.completedFuture(null);
      return known.handle((x, err) -> x).thenCompose(x -> {
        if (write ? !target.kind.takesWrites(mode) : target.kind.state() != PeerKind.OURS) {
          throw new CompletionException(new UnsupportedOperationException("peer " + target.url + " does not take "
              + (what.equals("peek") || what.equals("hints") ? what : "writes") + ": its answers are not a groupcache4j "
              + "node's (golang/groupcache answers a " + (what.equals("peek") || what.equals("hints") ? "POST" : what)
              + " as a GET and would load the key), so the request was not sent"));
        }
        return carrier.start(request.get());
      });
    }

    @Override
    public CompletableFuture<Integer> failPending(Throwable cause) {
      return carrier.failPending(cause, relayTo == null ? f -> true : f -> relayTo.equals(f.relayTo));
    }

    @Override
    public void close() {
      if (relayTo == null) {
        target.close();
      }
    }

    @Override
    public String toString() {
      return "PeerHttpClient[" + target.url + (relayTo == null ? "" : " via " + carrier.url) + "]";
    }
  }

  /**
   * Asks the peer for its status document ({@code GET {basePath}_stats}, which our nodes serve
   * when built with {@code HttpPeerTransport.Builder.statusDocument}) over this client's
   * connections, so with the same TLS, client certificate, host name check and token as fetches.
   * Like a probe, it does not wait behind fetches. Completes with the document of a 200 answer;
   * fails with a {@link PeerFetchException}: {@link Reason#ERROR_STATUS} when the peer answered
   * another status (golang/groupcache: 400; a wrong peer token: 401), another reason when it did
   * not answer within {@code timeout}.
   */
  public CompletableFuture<String> status(Duration timeout) {
    return start(Fetch.status(url, timeout.toNanos(), kind)).thenApply(String.class::cast);
  }

  CompletableFuture<Object> start(Fetch f) {
    if (invalid != null) {
      f.result.completeExceptionally(f.failure(Reason.INVALID_URL, invalid, null));
      return f.result;
    }
    if (closed) {
      f.result.completeExceptionally(f.failure(Reason.CLIENT_CLOSED, CLOSED, null));
      return f.result;
    }
    for (ConnectionPool p : pools) {
      if (p.loop.inEventLoop()) {
        p.start(f); // the common case with shared loops: no hand-over at all
        return f.result;
      }
    }
    ConnectionPool p = pools[Math.floorMod(nextPool.getAndIncrement(), pools.length)];
    if (!run(p, () -> p.start(f))) {
      f.result.completeExceptionally(f.failure(Reason.CLIENT_CLOSED,
          "the transport's event loops are shut down (is the node closing?)", null));
    }
    return f.result;
  }

  /**
   * Fails every fetch from this peer that is not done yet (waiting for a connection, connecting,
   * or waiting for its answer) at once, instead of at its deadline, so that its caller falls back
   * now: for a peer judged down. Each fails with a {@link PeerFetchException} of reason
   * {@link Reason#RELEASED} whose cause is {@code cause}; a connection that carried one is closed
   * (a late answer would confuse the next fetch). Fetches started later are not affected.
   *
   * @param cause why, e.g. "peer judged down: 3 probes unanswered"; becomes the failures' cause
   * @return completes with the number of fetches failed, once every event loop has failed its own
   */
  @Override
  public CompletableFuture<Integer> failPending(Throwable cause) {
    return failPending(cause, f -> true);
  }

  /** {@link #failPending(Throwable)} of the fetches {@code which} picks (e.g. those it carries to one peer for another). */
  CompletableFuture<Integer> failPending(Throwable cause, java.util.function.Predicate<Fetch> which) {
    String what = "released before its answer: " + cause.getMessage();
    CompletableFuture<?>[] counts = new CompletableFuture<?>[pools.length];
    for (int i = 0; i < pools.length; i++) {
      ConnectionPool p = pools[i];
      CompletableFuture<Integer> count = new CompletableFuture<>();
      counts[i] = count;
      if (p.loop.inEventLoop()) {
        count.complete(p.failAll(which, f -> f.failure(Reason.RELEASED, what, cause)));
      } else if (!run(p, () -> count.complete(p.failAll(which, f -> f.failure(Reason.RELEASED, what, cause))))) {
        count.complete(0); // the loops are gone, and their fetches with them
      }
    }
    return CompletableFuture.allOf(counts).thenApply(v -> {
      int n = 0;
      for (CompletableFuture<?> c : counts) {
        n += (Integer) c.join();
      }
      return n;
    });
  }

  /** Closes the pools: fetches under way fail, later fetches fail at once. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    onClose.accept(this);
    for (ConnectionPool p : pools) {
      run(p, p::close); // if not, the event loops are gone, and with them every connection
    }
  }

  /** Whether {@code task} was handed to {@code p}'s event loop (not, once the loops are shut down). */
  private static boolean run(ConnectionPool p, Runnable task) {
    try {
      p.loop.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "PeerHttpClient[" + url + "]";
  }
}
