package org.groupcache4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicInteger;
import org.groupcache4j.internal.Entry;
import org.groupcache4j.peer.PeerValue;
import org.groupcache4j.testing.ManualClock;
import org.junit.jupiter.api.Test;

/** Every expiry a group computes, and the hit check, against a clock the test moves. */
class ExpiryTest {
  private static final ByteView V = ByteView.of("v");
  private final ManualClock clock = new ManualClock();
  private final long now = clock.millis();

  private Expiry expiry(Duration ttl, Duration notFoundTtl, Duration staleIfError) {
    return new Expiry(clock, ttl, notFoundTtl, staleIfError, Duration.ofSeconds(30));
  }

  @Test
  void theHitCheckReadsTheClockOnlyForAnEntryThatExpires() {
    AtomicInteger reads = new AtomicInteger();
    Clock counting = new Clock() {
      @Override
      public long millis() {
        reads.incrementAndGet();
        return clock.millis();
      }

      @Override
      public Instant instant() {
        return Instant.ofEpochMilli(millis());
      }

      @Override
      public ZoneId getZone() {
        return clock.getZone();
      }

      @Override
      public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
      }
    };
    assertThat(Expiry.fresh(Entry.of(V), counting)).isTrue();
    assertThat(reads).hasValue(0);
    assertThat(Expiry.fresh(Entry.of(V, now + 1), counting)).isTrue();
    assertThat(Expiry.fresh(Entry.of(V, now), counting)).as("expires at now: expired").isFalse();
    assertThat(reads).hasValue(2);
  }

  @Test
  void aSetExpiresAfterItsOwnTtlElseTheGroupsElseNever() {
    assertThat(expiry(null, null, null).ofSet(null)).isZero();
    assertThat(expiry(Duration.ofMinutes(1), null, null).ofSet(null)).isEqualTo(now + 60_000);
    assertThat(expiry(Duration.ofMinutes(1), null, null).ofSet(Duration.ofSeconds(5))).isEqualTo(now + 5_000);
    assertThat(expiry(null, null, null).ofSet(Duration.ofNanos(1))).as("at least a millisecond").isEqualTo(now + 1);
    assertThat(expiry(null, null, null).ofSet(Duration.ofSeconds(Long.MAX_VALUE / 1000))).as("saturated")
        .isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void aCopyOfAKeyThisNodeDoesNotOwnLivesAtMostTheHotStoreMaxAge() {
    Expiry e = expiry(Duration.ofHours(1), null, null);
    long cap = now + 30_000;
    assertThat(e.ofLoaded(LoadedValue.of(V), now, false)).as("owned: the group's ttl").isEqualTo(now + 3_600_000);
    assertThat(e.ofLoaded(LoadedValue.of(V), now, true)).as("loaded here for an unreachable owner").isEqualTo(cap);
    assertThat(e.ofLoaded(LoadedValue.of(V).neverExpire(), now, true)).isEqualTo(cap);
    assertThat(e.ofOwnersValue(PeerValue.of(V, 0), now)).as("the owner's never").isEqualTo(cap);
    assertThat(e.ofOwnersValue(PeerValue.of(V, Expiry.toUnixNanos(now + 10_000)), now)).isEqualTo(now + 10_000);
    assertThat(e.ofOwnersValue(PeerValue.of(V, Expiry.toUnixNanos(now + 90_000)), now)).isEqualTo(cap);
  }

  @Test
  void aNotFoundIsKeptForTheNotFoundTtlOnlyAndAnOwnersUncachedOneNotAtAll() {
    assertThat(expiry(null, null, null).ofNotFound(now, false)).as("off: not kept").isEqualTo(now);
    assertThat(expiry(null, Duration.ofSeconds(5), null).ofNotFound(now, false)).isEqualTo(now + 5_000);
    Expiry e = expiry(null, Duration.ofMinutes(5), null);
    assertThat(e.ofNotFound(now, true)).as("a copy: capped").isEqualTo(now + 30_000);
    long uncached = e.ofOwnersNotFound(PeerValue.notFound("no row", 0), now);
    assertThat(Expiry.kept(Entry.notFound("no row", uncached), now)).isFalse();
    assertThat(e.ofOwnersNotFound(PeerValue.notFound("no row", Expiry.toUnixNanos(now + 2_000)), now)).isEqualTo(now + 2_000);
    assertThat(Expiry.kept(Entry.of(V), now)).isTrue();
  }

  @Test
  void theWireCarriesUnixNanosecondsRoundedUpToMillisecondsHere() {
    assertThat(Expiry.toUnixNanos(0)).isZero();
    assertThat(Expiry.toUnixNanos(now)).isEqualTo(now * 1_000_000);
    assertThat(Expiry.toUnixNanos(Long.MAX_VALUE / 1000)).isEqualTo(Long.MAX_VALUE);
    assertThat(Expiry.fromUnixNanos(0)).isZero();
    assertThat(Expiry.fromUnixNanos(-5)).isZero();
    assertThat(Expiry.fromUnixNanos(1)).as("rounded up: not 0, never").isEqualTo(1);
    assertThat(Expiry.fromUnixNanos(now * 1_000_000)).isEqualTo(now);
    assertThat(Expiry.fromUnixNanos(now * 1_000_000 + 1)).isEqualTo(now + 1);
  }

  @Test
  void anExpiredValueServesAFailedReloadWithinTheStaleWindowOnly() {
    assertThat(expiry(null, null, null).staleIfError()).isFalse();
    Expiry e = expiry(null, null, Duration.ofSeconds(10));
    assertThat(e.staleIfError()).isTrue();
    Entry expired = Entry.of(V, now);
    clock.advance(Duration.ofSeconds(9));
    assertThat(e.servableStale(expired)).isTrue();
    assertThat(e.servableStale(Entry.notFound("gone", now))).as("a not-found is not a value").isFalse();
    assertThat(e.servableStale(Entry.of(V))).as("never expires: nothing to serve stale").isFalse();
    assertThat(e.servableStale(null)).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(e.servableStale(expired)).isFalse();
  }
}
