package org.groupcache4j.server.internal.origin;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import org.groupcache4j.LoadedValue;

/**
 * How long an HTTP origin's answer may be cached, as a shared cache reads it (RFC 9111):
 * <ol>
 *   <li>{@code Cache-Control: no-store}, {@code no-cache} or {@code private}: not cached (the
 *       callers that waited get the value);</li>
 *   <li>{@code s-maxage=N}, else {@code max-age=N}: N seconds;</li>
 *   <li>{@code Expires} (less {@code Date} when present, an unreadable date meaning already
 *       expired): until then;</li>
 *   <li>none of these: the group's time-to-live ({@code --ttl}), or no expiry without it.</li>
 * </ol>
 * So the origin's own headers win over {@code --ttl}.
 */
final class HttpFreshness {
  private HttpFreshness() {}

  static LoadedValue of(byte[] body, HttpHeaders headers) {
    LoadedValue v = LoadedValue.of(body);
    String cc = String.join(",", headers.allValues("cache-control")).toLowerCase(Locale.ROOT);
    Long maxAge = null;
    Long sMaxAge = null;
    for (String part : cc.split(",")) {
      String d = part.trim();
      if (d.equals("no-store") || d.equals("no-cache") || d.equals("private")
          || d.startsWith("no-cache=") || d.startsWith("private=")) {
        return v.expireAfter(Duration.ZERO);
      }
      if (d.startsWith("max-age=")) {
        maxAge = seconds(d.substring(8));
      } else if (d.startsWith("s-maxage=")) {
        sMaxAge = seconds(d.substring(9));
      }
    }
    Long age = sMaxAge != null ? sMaxAge : maxAge;
    if (age != null) {
      return v.expireAfter(Duration.ofSeconds(age));
    }
    Optional<String> expires = headers.firstValue("expires");
    if (expires.isPresent()) {
      ZonedDateTime at = date(expires.get());
      if (at == null) {
        return v.expireAfter(Duration.ZERO); // RFC 9111 5.3: an invalid date means already expired
      }
      ZonedDateTime date = headers.firstValue("date").map(HttpFreshness::date).orElse(null);
      return date != null ? v.expireAfter(max0(Duration.between(date, at))) : v.expireAt(at.toInstant());
    }
    return v;
  }

  /** A delta-seconds value; an unreadable one means "already stale" (0), a huge one is capped. */
  private static long seconds(String s) {
    String t = s.trim();
    if (t.startsWith("\"") && t.endsWith("\"") && t.length() >= 2) {
      t = t.substring(1, t.length() - 1);
    }
    try {
      return Math.max(0, Math.min(Long.parseLong(t), Integer.MAX_VALUE));
    } catch (NumberFormatException e) {
      return t.matches("\\d+") ? Integer.MAX_VALUE : 0;
    }
  }

  private static Duration max0(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }

  private static ZonedDateTime date(String s) {
    try {
      return ZonedDateTime.parse(s.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
