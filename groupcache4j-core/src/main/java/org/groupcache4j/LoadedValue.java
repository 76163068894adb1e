package org.groupcache4j;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A loaded value and how long it may be cached: what an {@link ExpiringLoader} or
 * {@link AsyncExpiringLoader} returns when the source says how fresh its answer is (an HTTP
 * origin's {@code Cache-Control: max-age}, a row's own expiry column).
 *
 * <pre>{@code
 * LoadedValue.of(bytes)                                  // the group's expireAfterWrite, if any
 * LoadedValue.of(bytes).expireAfter(Duration.ofSeconds(30))
 * LoadedValue.of(bytes).expireAt(Instant.parse("2030-01-01T00:00:00Z"))
 * LoadedValue.of(bytes).neverExpire()                    // overrides the group's default
 * LoadedValue.of(bytes).expireAfter(Duration.ZERO)       // answer the callers, keep nothing
 * }</pre>
 *
 * <p>A value whose expiry has passed by the time it is loaded (zero time-to-live, an instant in
 * the past) is returned to the callers that waited for the load and is not cached; peers that
 * fetch it do not keep it either. Immutable: each method returns a new instance.
 */
public final class LoadedValue {
  private static final long DEFAULT = -1; // use the group's expireAfterWrite
  private static final long NEVER = -2;

  private final ByteView value;
  private final long ttlNanos; // >= 0, or DEFAULT / NEVER; ignored when expireAt is set
  private final Instant expireAt;

  private LoadedValue(ByteView value, long ttlNanos, Instant expireAt) {
    this.value = value;
    this.ttlNanos = ttlNanos;
    this.expireAt = expireAt;
  }

  /** The value (copied), with the group's default expiry. */
  public static LoadedValue of(byte[] bytes) {
    return new LoadedValue(ByteView.copyOf(bytes), DEFAULT, null);
  }

  /** The value, with the group's default expiry. */
  public static LoadedValue of(ByteView value) {
    return new LoadedValue(Objects.requireNonNull(value, "value"), DEFAULT, null);
  }

  /** The value expires {@code ttl} after it is loaded; {@link Duration#ZERO}: do not cache it. */
  public LoadedValue expireAfter(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("ttl must be >= 0, was " + ttl);
    }
    return new LoadedValue(value, saturatedNanos(ttl), null);
  }

  /** The value expires at {@code instant}; an instant not in the future: do not cache it. */
  public LoadedValue expireAt(Instant instant) {
    return new LoadedValue(value, DEFAULT, Objects.requireNonNull(instant, "instant"));
  }

  /** The value never expires, whatever the group's default. */
  public LoadedValue neverExpire() {
    return new LoadedValue(value, NEVER, null);
  }

  public ByteView value() {
    return value;
  }

  /**
   * When the value expires, in epoch milliseconds ({@code 0}: never), for a load that ended at
   * {@code nowMillis} in a group whose default time-to-live is {@code defaultTtlMillis} (0: none).
   * A result {@code <= nowMillis} means "do not cache".
   */
  public long expireAtMillis(long nowMillis, long defaultTtlMillis) {
    if (expireAt != null) {
      long at = expireAt.toEpochMilli();
      return at <= 0 ? nowMillis : at;
    }
    if (ttlNanos == NEVER) {
      return 0;
    }
    if (ttlNanos == DEFAULT) {
      return defaultTtlMillis == 0 ? 0 : Expiry.saturatedAdd(nowMillis, defaultTtlMillis);
    }
    return ttlNanos == 0 ? nowMillis : Expiry.saturatedAdd(nowMillis, (ttlNanos + 999_999) / 1_000_000);
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE - 1_000_000;
    }
  }

  @Override
  public String toString() {
    return "LoadedValue[" + value.length() + " bytes, "
        + (expireAt != null ? "expires at " + expireAt
            : ttlNanos == NEVER ? "never expires" : ttlNanos == DEFAULT ? "group default expiry"
            : "expires after " + Duration.ofNanos(ttlNanos)) + "]";
  }
}
