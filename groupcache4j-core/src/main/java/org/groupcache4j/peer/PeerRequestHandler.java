package org.groupcache4j.peer;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.groupcache4j.ByteView;

/**
 * What a transport calls for a request that arrived from a peer. The node answers from its
 * stores or with a local load and never forwards the request to another peer (one hop), so nodes
 * that briefly disagree about membership cannot loop.
 *
 * <p>The handler of a {@link org.groupcache4j.GroupCache} ({@code peerRequestHandler()})
 * implements every method. The defaults are for handlers written as a lambda of {@link #get},
 * e.g. in tests: the writes throw {@link UnsupportedOperationException} (a transport answers them
 * {@code 405}), and there is no ring fingerprint.
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
   * The fingerprint of this node's ring of members ({@link org.groupcache4j.ring.HashRing#fingerprint}),
   * which a transport sends with its requests and answers; {@code null} when there is none to tell.
   */
  default String ringFingerprint() {
    return null;
  }

  /**
   * A transport heard {@code theirs}, a ring fingerprint other than {@link #ringFingerprint()},
   * from {@code peer} (its URL, or its address when it asked us): the nodes' peer lists differ.
   */
  default void ringMismatch(String peer, String theirs) {}
}
