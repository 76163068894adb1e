package org.groupcache4j.peer;

import java.util.Objects;
import org.groupcache4j.ByteView;

/**
 * A peer's answer for a key, with its expiry: a value, or "not found" (when the answering node
 * caches not-found answers, see {@link org.groupcache4j.Group.Builder#notFoundTtl}).
 *
 * <p>{@code expireUnixNanos} is the wire's {@code GetResponse.expire}: Unix time in nanoseconds.
 * For a value, {@code 0} means it never expires. For a not-found answer, {@code 0} means the
 * answering node does not cache it, and neither may the asker.
 *
 * @param value the value, or {@code null} for "not found"
 * @param notFoundDetail for "not found": what the owner's loader said (may be {@code null})
 * @param expireUnixNanos when the answer expires
 */
public record PeerValue(ByteView value, String notFoundDetail, long expireUnixNanos) {
  /** A value. */
  public static PeerValue of(ByteView value, long expireUnixNanos) {
    return new PeerValue(Objects.requireNonNull(value, "value"), null, expireUnixNanos);
  }

  /** "Not found". */
  public static PeerValue notFound(String detail, long expireUnixNanos) {
    return new PeerValue(null, detail, expireUnixNanos);
  }

  /** Whether this is a value (not "not found"). */
  public boolean found() {
    return value != null;
  }
}
