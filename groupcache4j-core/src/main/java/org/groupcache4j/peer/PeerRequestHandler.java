package org.groupcache4j.peer;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.groupcache4j.ByteView;
import org.groupcache4j.ring.HashRing;
import org.groupcache4j.ring.RingMode;

/**
 * What a transport calls for a request that arrived from a peer. The node answers from its
 * stores or with a local load and never forwards the request to another peer (one hop), so nodes
 * that briefly disagree about membership cannot loop.
 *
 * <p>The handler of a {@link org.groupcache4j.GroupCache} ({@code peerRequestHandler()})
 * implements every method. The defaults are for handlers written as a lambda of {@link #get},
 * e.g. in tests: the writes throw {@link UnsupportedOperationException} (a transport answers them
 * {@code 405}), and there is no ring fingerprint, no incarnation (0) and the node is always ready.
 *
 * <p>A transport puts the node's {@link #incarnation} and {@link #ownershipState} on every answer
 * to our peers, and tells the node what a peer's answers say of that peer ({@link #peerSaid}).
 */
@FunctionalInterface
public interface PeerRequestHandler {
  /**
   * Answers a peer's request for {@code key} of {@code group}.
   *
   * @return a future completed with the value and its expiry, or with {@link PeerValue#notFound}
   *     when the node caches "not found" (its expiry then says for how long the asker may keep
   *     it); or completed exceptionally with {@link org.groupcache4j.UnknownGroupException},
   *     {@link org.groupcache4j.KeyNotFoundException}, {@link org.groupcache4j.LoadTimeoutException}
   *     or {@link org.groupcache4j.LoadException}
   */
  CompletableFuture<PeerValue> get(String group, String key);

  /**
   * {@link #get(String, String)}, once this node applied the writes {@code after} that the asker
   * applied to the key (pairs of a write's id and how many nanoseconds before the request the asker
   * applied it; empty for most requests), or after a bound. A write applied there before this node
   * last dropped everything (or started) counts as applied. The default ignores them.
   */
  default CompletableFuture<PeerValue> get(String group, String key, long[] after) {
    return get(group, key);
  }

  /** {@link #remove(String, String)} of the write {@code write} (its id, remembered for a while; 0: none). */
  default void remove(String group, String key, long write) {
    remove(group, key);
  }

  /** {@link #removeAll(String, List)} of the write {@code write}. */
  default void removeAll(String group, List<String> keys, long write) {
    removeAll(group, keys);
  }

  /** {@link #set(String, String, ByteView, long)} of the write {@code write}. */
  default void set(String group, String key, ByteView value, long expireUnixNanos, long write) {
    set(group, key, value, expireUnixNanos);
  }

  /**
   * Drops {@code key} of {@code group} from this node's stores; a load or fetch of it in flight
   * here no longer stores its result.
   *
   * @throws org.groupcache4j.UnknownGroupException if there is no such group
   * @throws IllegalArgumentException if the key is longer than the group allows
   */
  default void remove(String group, String key) {
    throw new UnsupportedOperationException("this node does not take writes");
  }

  /** {@link #remove} for each of {@code keys}. */
  default void removeAll(String group, List<String> keys) {
    for (String k : keys) {
      remove(group, k);
    }
  }

  /**
   * {@link #removeAll}, sent by a node that did not mark it as one of ours: groupcache-go v3's
   * {@code RemoveKeys}, which sends each owner only the keys it owns and every other peer all of
   * them, so the owners' copies of the other keys are never dropped. A node that owns some of
   * {@code keys} in a {@link RingMode#GROUPCACHE_GO} ring then tells every other peer to drop its
   * copy of those; the future completes once that is done (failures are logged). The default
   * applies it as {@link #removeAll} does.
   */
  default CompletableFuture<Void> removeAllFromOtherLineage(String group, List<String> keys) {
    try {
      removeAll(group, keys);
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Stores {@code value} under {@code key} of {@code group} in this node's main store, expiring
   * at {@code expireUnixNanos} (0: never); a load or fetch of it in flight no longer stores its
   * result.
   *
   * @throws org.groupcache4j.UnknownGroupException if there is no such group
   * @throws IllegalArgumentException if the key is longer than the group allows
   */
  default void set(String group, String key, ByteView value, long expireUnixNanos) {
    throw new UnsupportedOperationException("this node does not take writes");
  }

  /**
   * {@link #set}, sent by a node that did not mark it as one of ours: a mailgun/groupcache v2 or
   * groupcache-go v3 node. mailgun's {@code Set} tells the owner alone, so a node that owns the key
   * in a {@link RingMode#MAILGUN} ring then tells every other peer to drop its copy; the future
   * completes once that is done (failures are logged, not returned: the value is stored). The
   * default applies it as {@link #set} does.
   *
   * @return completes when applied, or exceptionally as {@link #set} throws
   */
  default CompletableFuture<Void> setFromOtherLineage(String group, String key, ByteView value, long expireUnixNanos) {
    try {
      set(group, key, value, expireUnixNanos);
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * This node's incarnation: a random number drawn when it started, never 0, so that peers notice
   * a restart; 0 for a handler that is not a node of ours.
   */
  default long incarnation() {
    return 0;
  }

  /**
   * Whether this node owns keys now; what a transport tells peers in every answer (a probe's
   * answer included). Cheap, called for every answer.
   */
  default OwnershipState ownershipState() {
    return OwnershipState.READY;
  }

  /**
   * An answer of {@code peer} said it is of {@code incarnation} (0: it said none) and in
   * {@code state} ({@code null}: it said none, as golang/groupcache peers). Called for every answer,
   * before the request it answered completes: must be quick.
   */
  default void peerSaid(String peer, long incarnation, OwnershipState state) {}

  /**
   * Answers a peer's peek: {@code key} of {@code group} from this node's stores alone, loading
   * nothing. Empty when the node does not hold it, or does not own keys now.
   *
   * @throws org.groupcache4j.UnknownGroupException if there is no such group
   */
  default CompletableFuture<Optional<PeerValue>> peek(String group, String key) {
    throw new UnsupportedOperationException("this node does not answer peeks");
  }

  /** {@link #peek(String, String)}, once this node applied the writes {@code after} (see {@link #get(String, String, long[])}). */
  default CompletableFuture<Optional<PeerValue>> peek(String group, String key, long[] after) {
    return peek(group, key);
  }

  /**
   * Applies the hints a peer held for this node (drops, with the write path's rules) and
   * acknowledges them. Hints for another incarnation of this node are acknowledged and applied all
   * the same (drops cost a miss at most).
   */
  default HintAck hints(HintDelivery hints) {
    throw new UnsupportedOperationException("this node does not take hints");
  }

  /** The hints this node holds for {@code peer} (of {@code incarnation}), which asks for them. */
  default HintDelivery hintsFor(String peer, long incarnation) {
    throw new UnsupportedOperationException("this node holds no hints");
  }

  /** {@code ack.from()} applied the hints it pulled from this node: they are forgotten. */
  default void hintsAcked(HintAck ack) {
    throw new UnsupportedOperationException("this node holds no hints");
  }

  /**
   * Whether this node forwards requests to {@code peer} for another node that cannot reach it
   * (a relay): {@code peer} is a member it reaches directly now.
   */
  default boolean relaysTo(String peer) {
    return false;
  }

  /**
   * A write that this node was asked to carry to {@code peer} (a relay) did not reach it: this node
   * does not reach {@code peer} now, or {@code peer} did not take it. This node keeps the drop for
   * {@code peer} as for a write of its own (a hint of {@code keys} of {@code group}; {@code keys}
   * {@code null}: the whole group), so it does not take {@code peer} back before {@code peer} took the
   * drop. The writer keeps one too, but may die before it delivers it; this node applied the same
   * write, and would otherwise read from {@code peer} the value the write replaced. The default
   * keeps nothing.
   */
  default void relayMissed(String peer, String group, List<String> keys) {}

  /**
   * A peer asks for {@code key} and offers to compute it (a load lease; see
   * {@link PeerClient#lease}); {@code asker} is its URL. The future completes with the answer
   * within about {@code wait}.
   *
   * @throws org.groupcache4j.UnknownGroupException if there is no such group
   */
  default CompletableFuture<LeaseAnswer> lease(String group, String key, String asker, java.time.Duration wait) {
    throw new UnsupportedOperationException("this node does not grant load leases");
  }

  /** A peer completes its lease on {@code key}: see {@link PeerClient#completeLease}; returns whether it was taken. */
  default boolean completeLease(String group, String key, String leaseId, ByteView value, long expireUnixNanos,
      String failure) {
    throw new UnsupportedOperationException("this node does not grant load leases");
  }

  /** Drops every entry of {@code group} here; a load or fetch in flight here no longer stores its result. */
  default void clear(String group) {
    throw new UnsupportedOperationException("this node does not take writes");
  }

  /** Stores {@code value} under {@code key} here unless a value is held: returns null if stored, else the value held. */
  default PeerValue putIfAbsent(String group, String key, ByteView value, long expireUnixNanos) {
    throw new UnsupportedOperationException("this node does not take writes");
  }

  /**
   * The fingerprint of this node's ring of members ({@link org.groupcache4j.ring.HashRing#fingerprint}),
   * which a transport sends with its requests and answers; {@code null} when there is none to tell.
   */
  default String ringFingerprint() {
    return null;
  }

  /**
   * How this node's ring places keys, which tells a transport what its peers are: in a
   * {@link RingMode#MAILGUN} or {@link RingMode#GROUPCACHE_GO} cluster every peer takes writes (in
   * the form its lineage understands); in the others only our own nodes do, and a
   * {@link RingMode#BALANCED} ring has no room for any other. The default is
   * {@link HashRing#DEFAULT_MODE}.
   */
  default RingMode ringMode() {
    return HashRing.DEFAULT_MODE;
  }

  /**
   * A transport heard {@code theirs}, a ring fingerprint other than {@link #ringFingerprint()},
   * from {@code peer} (its URL, or its address when it asked us): the nodes' peer lists differ.
   */
  default void ringMismatch(String peer, String theirs) {}
}
