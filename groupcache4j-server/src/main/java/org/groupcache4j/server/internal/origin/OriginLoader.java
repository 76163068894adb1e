package org.groupcache4j.server.internal.origin;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.LongAdder;
import org.groupcache4j.KeyNotFoundException;
import org.groupcache4j.LoadException;
import org.groupcache4j.LoadTimeoutException;
import org.groupcache4j.Loader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group's {@link Loader} over an {@link Origin}: counts every origin call and its outcome,
 * logs it at debug (key, duration, outcome), and maps the origin's answers to the core's
 * exceptions with group and key filled in. An origin timeout becomes a {@link LoadTimeoutException},
 * which the core passes through unchanged, so clients of every node see a 504 for it.
 */
public final class OriginLoader implements Loader {
  private static final Logger log = LoggerFactory.getLogger(OriginLoader.class);

  private final String group;
  private final Origin origin;
  private final LongAdder calls = new LongAdder();
  private final LongAdder ok = new LongAdder();
  private final LongAdder notFound = new LongAdder();
  private final LongAdder timeouts = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder nanos = new LongAdder();

  public OriginLoader(String group, Origin origin) {
    this.group = group;
    this.origin = origin;
  }

  public Origin origin() {
    return origin;
  }

  @Override
  public byte[] load(String key) throws Exception {
    long start = begin(key);
    byte[] value;
    try {
      value = origin.fetch(key);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw failed(key, start, e);
    }
    return succeeded(key, start, value);
  }

  /**
   * The non-blocking form of {@link #load}, for origins whose {@link Origin#nonBlocking()} is
   * true: the same counting, logging and exceptions, without holding a thread.
   */
  public CompletableFuture<byte[]> loadAsync(String key) {
    long start;
    CompletableFuture<byte[]> fetch;
    try {
      start = begin(key);
      fetch = origin.fetchAsync(key);
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
    return fetch.handle((value, err) -> {
      if (err != null) {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        throw new CompletionException(failed(key, start, cause instanceof Exception e ? e : new Exception(cause)));
      }
      return succeeded(key, start, value);
    });
  }

  /** Counts a call and refuses keys the origin can never have; returns the start time. */
  private long begin(String key) {
    calls.increment();
    long start = System.nanoTime();
    String refused = origin.refuse(key);
    if (refused != null) {
      notFound.increment();
      logCall(key, start, "refused");
      throw new KeyNotFoundException("refused by the origin: " + refused);
    }
    return start;
  }

  private byte[] succeeded(String key, long start, byte[] value) {
    if (value == null) {
      throw failed(key, start, new IllegalStateException("origin " + origin.describe() + " returned no value"));
    }
    ok.increment();
    logCall(key, start, "ok, " + value.length + " bytes");
    return value;
  }

  /** Counts and logs a failed call; returns what the group should see. */
  private RuntimeException failed(String key, long start, Exception e) {
    if (e instanceof KeyNotFoundException nf) {
      notFound.increment();
      logCall(key, start, "not found");
      return nf;
    }
    if (e instanceof OriginTimeoutException) {
      timeouts.increment();
      logCall(key, start, "timeout");
      return new LoadTimeoutException(group, key, null, "origin timed out for group '" + group + "', key '"
          + printable(key) + "': " + e.getMessage());
    }
    errors.increment();
    logCall(key, start, e instanceof InterruptedException ? "interrupted" : "error: " + e);
    return new LoadException(group, key, null, "origin failed for group '" + group + "', key '"
        + printable(key) + "': " + message(e), e);
  }

  private void logCall(String key, long start, String outcome) {
    long took = System.nanoTime() - start;
    nanos.add(took);
    if (log.isDebugEnabled()) {
      log.debug("origin load group={} key='{}' took={}ms outcome={}", group, printable(key),
          String.format("%.1f", took / 1e6), outcome);
    }
  }

  /** A snapshot of the origin counters. */
  public Counts counts() {
    return new Counts(calls.sum(), ok.sum(), notFound.sum(), timeouts.sum(), errors.sum(), nanos.sum());
  }

  /**
   * Origin calls and their outcomes.
   *
   * @param loads every call of the origin (= fetch attempts; the "origin loads" of the stats)
   * @param ok calls that returned a value
   * @param notFound calls that found no such key (or refused it)
   * @param timeouts calls that ran past the origin timeout
   * @param errors other failures
   * @param nanos time spent in the origin, all calls together
   */
  public record Counts(long loads, long ok, long notFound, long timeouts, long errors, long nanos) {}

  private static String message(Exception e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.toString() : m;
  }

  static String printable(String key) {
    StringBuilder sb = new StringBuilder(Math.min(key.length(), 100));
    for (int i = 0; i < key.length() && sb.length() < 100; i++) {
      char c = key.charAt(i);
      sb.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    if (key.length() > 100) {
      sb.append("…");
    }
    return sb.toString();
  }
}
