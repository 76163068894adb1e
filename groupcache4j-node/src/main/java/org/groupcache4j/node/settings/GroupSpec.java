package org.groupcache4j.node.settings;

import java.time.Duration;
import org.groupcache4j.EvictionPolicy;
import org.groupcache4j.Group;

/**
 * A group as its settings describe it ({@link NodeSettings#resolveGroup}): what a
 * {@link Group.Builder} is given, but its loader.
 *
 * @param cacheBytes the byte budget (0: no caching)
 * @param peerTimeout the deadline of a fetch from the owner, or null for
 *     {@link Group.Builder#defaultPeerTimeout} of the load timeout
 * @param freshness expiry of values and of "not found" answers ({@link Freshness#NONE} when null)
 */
public record GroupSpec(
    String name,
    long cacheBytes,
    EvictionPolicy eviction,
    boolean hotStore,
    Duration loadTimeout,
    Duration peerTimeout,
    Freshness freshness) {

  /**
   * How long values stay fresh: {@code ttl} (null: no expiry unless the loader says),
   * {@code staleIfError} and {@code notFoundTtl} (null: off).
   */
  public record Freshness(Duration ttl, Duration staleIfError, Duration notFoundTtl) {
    public static final Freshness NONE = new Freshness(null, null, null);
  }

  public GroupSpec {
    if (freshness == null) {
      freshness = Freshness.NONE;
    }
  }

  /** The peer timeout the group runs with: {@code peerTimeout}, or the default for its load timeout. */
  public Duration effectivePeerTimeout() {
    return peerTimeout != null ? peerTimeout : Group.Builder.defaultPeerTimeout(loadTimeout);
  }

  /** {@code b} configured as this spec says (budget, eviction, hot store, deadlines, freshness). */
  public Group.Builder applyTo(Group.Builder b) {
    b.cacheBytes(cacheBytes).evictionPolicy(eviction).hotStore(hotStore).loadTimeout(loadTimeout)
        .peerTimeout(effectivePeerTimeout());
    if (freshness.ttl() != null) {
      b.expireAfterWrite(freshness.ttl());
    }
    if (freshness.staleIfError() != null) {
      b.staleIfError(freshness.staleIfError());
    }
    if (freshness.notFoundTtl() != null) {
      b.notFoundTtl(freshness.notFoundTtl());
    }
    return b;
  }
}
