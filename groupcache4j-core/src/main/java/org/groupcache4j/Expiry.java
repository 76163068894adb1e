package org.groupcache4j;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.groupcache4j.internal.Entry;
import org.groupcache4j.peer.PeerValue;

/**
 * When a group's entries expire: the one place that turns the group's settings, a loader's
 * {@link LoadedValue}, a set's ttl and an owner's answer into an {@link Entry#expireAt}, and that
 * tells a hit from an expired entry. See "Expiry" in {@link Group}'s class comment.
 *
 * <p>All times are wall-clock epoch milliseconds of the group's {@link Clock}, {@code 0} meaning
 * "never"; an expiry that is not after the time it was computed at means "answer the callers,
 * keep nothing". Sums saturate at {@link Long#MAX_VALUE} instead of wrapping. The wire carries
 * Unix nanoseconds ({@link #toUnixNanos}, {@link #fromUnixNanos}), rounded up to milliseconds here,
 * so that an expiry within the first millisecond does not become 0, "never".
 */
final class Expiry {
  private final Clock clock;
  private final long ttlMillis; // 0: none
  private final long notFoundTtlMillis; // 0: not-found answers are not cached
  private final long staleIfErrorMillis; // 0: off
  private final long copyMaxAgeMillis; // a copy of a key this node does not own: the hot store max age

  /** Durations may be null (off), except {@code hotStoreMaxAge}. */
  Expiry(Clock clock, Duration expireAfterWrite, Duration notFoundTtl, Duration staleIfError, Duration hotStoreMaxAge) {
    this.clock = clock;
    this.ttlMillis = millis(expireAfterWrite);
    this.notFoundTtlMillis = millis(notFoundTtl);
    this.staleIfErrorMillis = millis(staleIfError);
    this.copyMaxAgeMillis = millis(hotStoreMaxAge);
  }

  /** A positive duration in whole milliseconds, at least 1; {@code null}: 0 (off). */
  private static long millis(Duration d) {
    return d == null ? 0 : Math.max(1, d.toMillis());
  }

  /**
   * The hit check: whether {@code e} may be served now. Reads the clock only for an entry that
   * expires, so a group without time-to-live pays one compare of a field with zero. Static, with
   * the clock passed in, so that a hit loads nothing it does not use.
   */
  static boolean fresh(Entry e, Clock clock) {
    return e.expireAt == 0 || e.expireAt > clock.millis();
  }

  /**
   * Whether a load's or a fetch's result, its expiry computed at {@code now}, is stored: one that
   * has already expired then (a zero ttl, an instant in the past, an owner's uncached "not found")
   * answers the callers that waited for it and is not kept.
   */
  static boolean kept(Entry e, long now) {
    return e.expireAt == 0 || e.expireAt > now;
  }

  /** Now, in epoch milliseconds: the time the expiry of a load's or a fetch's result is computed at. */
  long now() {
    return clock.millis();
  }

  /** The group's default time-to-live of loaded and set values, if any. */
  Optional<Duration> expireAfterWrite() {
    return ttlMillis == 0 ? Optional.empty() : Optional.of(Duration.ofMillis(ttlMillis));
  }

  /** A set's expiry: its own ttl (positive), else ({@code null}) the group's default. */
  long ofSet(Duration ttl) {
    long now = clock.millis();
    return ttl != null ? saturatedAdd(now, millis(ttl)) : ttlMillis == 0 ? 0 : saturatedAdd(now, ttlMillis);
  }

  /**
   * A value this node's loader returned at {@code now}: its own expiry, else the group's default;
   * {@code copy}: the key's owner is another node (it could not be reached), so capped as a hot copy.
   */
  long ofLoaded(LoadedValue loaded, long now, boolean copy) {
    return capped(loaded.expireAtMillis(now, ttlMillis), now, copy);
  }

  /** A "not found" this node's loader said at {@code now}: kept for the not-found ttl, or (off) not at all. */
  long ofNotFound(long now, boolean copy) {
    return notFoundTtlMillis == 0 ? now : capped(saturatedAdd(now, notFoundTtlMillis), now, copy);
  }

  /** A value the owner sent at {@code now}: its expiry, capped at the hot store max age (a copy). */
  long ofOwnersValue(PeerValue pv, long now) {
    return capped(fromUnixNanos(pv.expireUnixNanos()), now, true);
  }

  /**
   * A "not found" the owner sent at {@code now}, capped like a value; one without expiry is an
   * answer the owner does not cache, and neither may this node.
   */
  long ofOwnersNotFound(PeerValue pv, long now) {
    long exp = fromUnixNanos(pv.expireUnixNanos());
    return exp == 0 ? now : capped(exp, now, true);
  }

  /** A peer's set of a key this node does not own, kept at {@code now} as a copy: its expiry, capped at the hot store max age. */
  long ofCopy(long expireAt, long now) {
    return capped(expireAt, now, true);
  }

  /** {@code expireAt}, or for a {@code copy} at most the hot store max age from {@code now}. */
  private long capped(long expireAt, long now, boolean copy) {
    if (!copy) {
      return expireAt;
    }
    long cap = saturatedAdd(now, copyMaxAgeMillis);
    return expireAt == 0 ? cap : Math.min(expireAt, cap);
  }

  /**
   * Whether the copy {@code e} (hot store) was made within the last two hot-store max ages: fresh,
   * or expired less than a max age ago, so fetched lately, which a caller asked for.
   */
  boolean copiedLately(Entry e, long now) {
    return e.expireAt != 0 && e.expireAt > now - copyMaxAgeMillis;
  }

  /** Whether the group serves stale-if-error at all (else a failed reload need not look at the stores). */
  boolean staleIfError() {
    return staleIfErrorMillis > 0;
  }

  /**
   * Stale-if-error (RFC 5861): whether {@code old}, what the stores hold now for a key whose
   * reload failed, is a value that expired less than the group's window ago.
   */
  boolean servableStale(Entry old) {
    return staleIfErrorMillis > 0 && old != null && old.value != null && old.expireAt != 0
        && clock.millis() < saturatedAdd(old.expireAt, staleIfErrorMillis);
  }

  /** Epoch milliseconds (0 = never) as the wire's Unix nanoseconds (0 = never), saturated. */
  static long toUnixNanos(long epochMillis) {
    return epochMillis == 0 ? 0 : epochMillis >= Long.MAX_VALUE / 1_000_000 ? Long.MAX_VALUE : epochMillis * 1_000_000;
  }

  /** The wire's Unix nanoseconds (0 or less = never) as epoch milliseconds, rounded up. */
  static long fromUnixNanos(long unixNanos) {
    return unixNanos <= 0 ? 0 : unixNanos / 1_000_000 + (unixNanos % 1_000_000 == 0 ? 0 : 1);
  }

  /** {@code a + b}, or {@link Long#MAX_VALUE} where that overflows. */
  static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }
}
