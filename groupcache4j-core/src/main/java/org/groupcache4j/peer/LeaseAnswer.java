package org.groupcache4j.peer;

import java.util.Objects;

/**
 * A key's owner's answer to a caller that wants the key's value and can compute it (a load
 * lease, see {@link org.groupcache4j.Group#getOrLoad}): the value, a lease to compute it, a
 * failure of the caller that held the lease, or "still loading: ask again".
 *
 * @param kind which answer it is
 * @param value {@link Kind#VALUE}: the value and its expiry (or a not-found)
 * @param leaseId {@link Kind#GRANTED}: the lease to quote when completing it
 * @param leaseMillis {@link Kind#GRANTED}: how long the lease lasts before the owner hands it on
 * @param failure {@link Kind#FAILED}: what the holder's computation threw, as text
 */
public record LeaseAnswer(Kind kind, PeerValue value, String leaseId, long leaseMillis, String failure) {
  /** The kinds of answer. */
  public enum Kind {
    /** The value, cached or just computed by the lease's holder. */
    VALUE,
    /** The asker holds the lease: it computes the value and completes the lease with it. */
    GRANTED,
    /** The holder's computation failed; every waiter gets the failure and nothing is cached. */
    FAILED,
    /** The lease is still held; ask again. */
    WAIT
  }

  public LeaseAnswer {
    Objects.requireNonNull(kind, "kind");
  }

  public static LeaseAnswer value(PeerValue value) {
    return new LeaseAnswer(Kind.VALUE, Objects.requireNonNull(value, "value"), null, 0, null);
  }

  public static LeaseAnswer granted(String leaseId, long leaseMillis) {
    return new LeaseAnswer(Kind.GRANTED, null, Objects.requireNonNull(leaseId, "leaseId"), leaseMillis, null);
  }

  public static LeaseAnswer failed(String failure) {
    return new LeaseAnswer(Kind.FAILED, null, null, 0, Objects.requireNonNull(failure, "failure"));
  }

  public static LeaseAnswer waitAgain() {
    return new LeaseAnswer(Kind.WAIT, null, null, 0, null);
  }
}
