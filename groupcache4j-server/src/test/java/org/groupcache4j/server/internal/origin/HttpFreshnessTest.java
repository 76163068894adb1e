package org.groupcache4j.server.internal.origin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import org.groupcache4j.LoadedValue;
import org.junit.jupiter.api.Test;

/** Which header of an HTTP origin's answer decides how long the value is cached. */
class HttpFreshnessTest {
  private static final long NOW = 1_900_000_000_000L;
  private static final long TTL = 60_000; // the group's --ttl, ms

  /** When the value expires (epoch ms; 0 never, NOW: not cached) for these headers. */
  private static long expiry(String... nameValues) {
    Map<String, List<String>> m = new java.util.HashMap<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      m.computeIfAbsent(nameValues[i], k -> new java.util.ArrayList<>()).add(nameValues[i + 1]);
    }
    LoadedValue v = HttpFreshness.of(new byte[] {1}, HttpHeaders.of(m, (a, b) -> true));
    return v.expireAtMillis(NOW, TTL);
  }

  @Test
  void cacheControlWinsThenExpiresThenTtl() {
    assertThat(expiry()).as("no header: --ttl").isEqualTo(NOW + TTL);
    assertThat(expiry("cache-control", "public, max-age=30")).isEqualTo(NOW + 30_000);
    assertThat(expiry("cache-control", "max-age=30, s-maxage=5")).as("a shared cache reads s-maxage").isEqualTo(NOW + 5_000);
    assertThat(expiry("Cache-Control", "max-age=30", "expires", "Thu, 01 Jan 2099 00:00:00 GMT")).isEqualTo(NOW + 30_000);
    assertThat(expiry("cache-control", "no-store")).isEqualTo(NOW);
    assertThat(expiry("cache-control", "no-cache")).isEqualTo(NOW);
    assertThat(expiry("cache-control", "private, max-age=100")).isEqualTo(NOW);
    assertThat(expiry("cache-control", "max-age=0")).isEqualTo(NOW);
    assertThat(expiry("cache-control", "max-age=abc")).as("unreadable: stale").isEqualTo(NOW);
    assertThat(expiry("date", "Wed, 21 Oct 2015 07:28:00 GMT", "expires", "Wed, 21 Oct 2015 07:29:00 GMT"))
        .as("Expires less Date").isEqualTo(NOW + 60_000);
    assertThat(expiry("expires", "Thu, 01 Jan 2099 00:00:00 GMT")).isEqualTo(4_070_908_800_000L);
    assertThat(expiry("expires", "0")).as("an invalid date is already expired").isEqualTo(NOW);
  }
}
