package org.groupcache4j.peer;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.groupcache4j.ByteView;

/**
 * Talks to one remote peer. Implementations are asynchronous and never block the caller.
 *
 * <p>A {@link #fetch}'s future completes:
 * <ul>
 *   <li>with the value and its expiry, when the owner answered with one;</li>
 *   <li>with {@link PeerValue#notFound}, when the owner answered "not found" and caches that
 *       answer (its expiry says until when the asker may keep it too);</li>
 *   <li>exceptionally with a {@link org.groupcache4j.GroupCacheException} whose
 *       {@code owner()} is this peer ({@link org.groupcache4j.LoadException},
 *       {@link org.groupcache4j.LoadTimeoutException} or
 *       {@link org.groupcache4j.KeyNotFoundException}), when the owner's loader answered with a
 *       failure: the group passes it back to its caller and does not load again;</li>
 *   <li>exceptionally with anything else (connection refused or reset, timeout, a response that
 *       is not the protocol's, an unknown group at the peer) for a transport failure: the group
 *       counts a peer error and loads the key itself.</li>
 * </ul>
 *
 * <p>Writes ({@link #remove}, {@link #removeAll}, {@link #set}) complete normally once the peer
 * applied them, and exceptionally otherwise; the group then names the peer as not told. A client
 * must never send a write to a peer that would take it for a read (golang/groupcache answers any
 * method as a GET and may load the key): it fails such a write at once instead. The default
 * methods are for transports without writes: every write fails.
 *
 * <p>Between nodes of ours only (a client fails them at once for any other peer, as it does
 * writes): {@link #peek} (a key from the peer's stores alone, after its ownership moved), the
 * hints a node holds for another ({@link #deliverHints}, {@link #pullHints}, {@link #ackHints}),
 * and {@link #via}, the same requests carried by a third node when this node cannot reach the peer
 * directly. The defaults have none of them: each fails, and {@code via} gives {@code null}.
 */
public interface PeerClient extends AutoCloseable {
  /** The peer's URL, as named in the peer list. */
  String url();

  /**
   * Asks the peer for {@code key} of {@code group}, with the answer's expiry; the peer answers it
   * without forwarding. How the future completes is said above.
   */
  CompletableFuture<PeerValue> fetch(String group, String key);

  /**
   * {@link #fetch(String, String)}, answered only once the peer applied the writes {@code after}
   * (the writes this node applied to the key lately, as pairs: each write's id and how many
   * nanoseconds ago it was applied here; empty for most fetches) or after a bound,
   * so that a node that just applied a write never gets back the value it replaced from a peer
   * the write has not reached yet. The default sends a plain fetch (a peer of another lineage).
   */
  default CompletableFuture<PeerValue> fetch(String group, String key, long[] after) {
    return fetch(group, key);
  }

  /**
   * Asks the peer something cheap that it answers without loading anything, to tell a live peer
   * (however slow its loads) from a frozen, dead or unreachable one. The future completes
   * normally when the peer answered within {@code timeout}, exceptionally otherwise; it must
   * not wait behind fetches (a peer busy with slow loads is alive). The default has no way to
   * ask: it answers at once, so the peer is judged by its fetches alone.
   */
  default CompletableFuture<Void> probe(Duration timeout) {
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Fails every fetch of this client that is not complete yet at once, as a transport failure
   * caused by {@code cause}, so that their callers fall back to a local load now rather than at
   * their deadline: for a peer judged down. Fetches started later are not affected. The default
   * has nothing to release.
   *
   * @return completes with the number of fetches failed
   */
  default CompletableFuture<Integer> failPending(Throwable cause) {
    return CompletableFuture.completedFuture(0);
  }

  /** Asks the peer to drop {@code key} of {@code group} from its stores (a DELETE). */
  default CompletableFuture<Void> remove(String group, String key) {
    return CompletableFuture.failedFuture(writesUnsupported());
  }

  /**
   * {@link #remove(String, String)} of the write {@code write} (its id, which the peer remembers
   * for a while: see {@link #fetch(String, String, long[])}); the default sends a plain remove.
   */
  default CompletableFuture<Void> remove(String group, String key, long write) {
    return remove(group, key);
  }

  /** {@link #removeAll(String, List)} of the write {@code write}; the default sends a plain one. */
  default CompletableFuture<Void> removeAll(String group, List<String> keys, long write) {
    return removeAll(group, keys);
  }

  /** {@link #set(String, String, ByteView, long)} of the write {@code write}; the default sends a plain one. */
  default CompletableFuture<Void> set(String group, String key, ByteView value, long expireUnixNanos, long write) {
    return set(group, key, value, expireUnixNanos);
  }

  /** Asks the peer to drop {@code keys} of {@code group}; default: one {@link #remove} per key. */
  default CompletableFuture<Void> removeAll(String group, List<String> keys) {
    CompletableFuture<?>[] each = new CompletableFuture<?>[keys.size()];
    for (int i = 0; i < each.length; i++) {
      each[i] = remove(group, keys.get(i));
    }
    return CompletableFuture.allOf(each);
  }

  /**
   * Asks the peer (the key's owner) to store {@code value} under {@code key} of {@code group},
   * expiring at {@code expireUnixNanos} (0: never), as a PUT with a {@code SetRequest}.
   */
  default CompletableFuture<Void> set(String group, String key, ByteView value, long expireUnixNanos) {
    return CompletableFuture.failedFuture(writesUnsupported());
  }

  /**
   * Asks the key's owner for the value of {@code key}, offering to compute it (a load lease, see
   * {@link org.groupcache4j.Group#getOrLoad}): the owner answers with the value, grants this
   * node the lease, passes on the failure of the lease's holder, or, after waiting up to
   * {@code wait} for the holder, answers {@link LeaseAnswer.Kind#WAIT}. Only our own nodes
   * understand it; the default fails at once, and the group then computes the value here.
   */
  default CompletableFuture<LeaseAnswer> lease(String group, String key, java.time.Duration wait) {
    return CompletableFuture.failedFuture(writesUnsupported());
  }

  /**
   * Completes the lease {@code leaseId} on {@code key} at its owner with {@code value} (expiring
   * at {@code expireUnixNanos}, 0: the group's own) or, if {@code value} is null, with the failure
   * {@code failure}. Completes with whether the owner took it (false: the lease had passed to
   * another caller, or a write replaced the key meanwhile).
   */
  default CompletableFuture<Boolean> completeLease(String group, String key, String leaseId, ByteView value,
      long expireUnixNanos, String failure) {
    return CompletableFuture.failedFuture(writesUnsupported());
  }

  /** Asks the peer to drop every entry of {@code group}; a load in flight there no longer stores its result. */
  default CompletableFuture<Void> clear(String group) {
    return CompletableFuture.failedFuture(writesUnsupported());
  }

  /**
   * Asks the key's owner to store {@code value} under {@code key} unless it holds a value already:
   * completes with null when it stored it, else with the value it holds.
   */
  default CompletableFuture<PeerValue> putIfAbsent(String group, String key, ByteView value, long expireUnixNanos) {
    return CompletableFuture.failedFuture(writesUnsupported());
  }

  /**
   * Asks the peer for {@code key} of {@code group} from its stores alone (main store, then hot
   * store), loading nothing: what a key's new owner asks its previous owner before it loads the key.
   * Completes with the entry (a value or a cached not-found, with its expiry), or empty when the
   * peer does not hold it or does not own keys now; exceptionally when the peer could not be asked.
   */
  default CompletableFuture<Optional<PeerValue>> peek(String group, String key) {
    return CompletableFuture.failedFuture(oursOnly("peek"));
  }

  /** {@link #peek(String, String)}, answered once the peer applied the writes {@code after} (see {@link #fetch(String, String, long[])}). */
  default CompletableFuture<Optional<PeerValue>> peek(String group, String key, long[] after) {
    return peek(group, key);
  }

  /**
   * Gives the peer the hints this node holds for it; completes with its acknowledgement once it
   * applied them.
   */
  default CompletableFuture<HintAck> deliverHints(HintDelivery hints) {
    return CompletableFuture.failedFuture(oursOnly("hints"));
  }

  /**
   * Asks the peer for the hints it holds for this node ({@code self}, of {@code incarnation}), which
   * this node applies and then acknowledges with {@link #ackHints}.
   */
  default CompletableFuture<HintDelivery> pullHints(String self, long incarnation) {
    return CompletableFuture.failedFuture(oursOnly("hints"));
  }

  /** Tells the peer that this node applied the hints it pulled, so the peer may forget them. */
  default CompletableFuture<Void> ackHints(HintAck ack) {
    return CompletableFuture.failedFuture(oursOnly("hints"));
  }

  /**
   * A client that sends this client's requests to its peer through {@code relay} (a client of
   * another peer of ours), which forwards each once to this peer and passes the answer back; for a
   * peer this node cannot reach directly while the relay can. {@code null} when the transport has
   * no relays.
   */
  default PeerClient via(PeerClient relay) {
    return null;
  }

  private UnsupportedOperationException oursOnly(String what) {
    return new UnsupportedOperationException("the transport's client for " + url() + " does not send " + what);
  }

  private UnsupportedOperationException writesUnsupported() {
    return new UnsupportedOperationException("the transport's client for " + url() + " does not send writes");
  }

  /** Releases connections; later fetches fail. */
  @Override
  default void close() {}
}
