package org.groupcache4j.server.internal.origin;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.LongAdder;
import org.groupcache4j.Group;
import org.groupcache4j.KeyNotFoundException;
import org.groupcache4j.LoadException;
import org.groupcache4j.LoadTimeoutException;
import org.groupcache4j.LoadedValue;
import org.groupcache4j.Loader;
import org.groupcache4j.internal.RateLimitedLog;
import org.groupcache4j.internal.Text;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group's {@link Loader} over an {@link Origin}: counts every origin call and its outcome,
 * logs it at debug (key, duration, outcome), and maps the origin's answers to the core's
 * exceptions with group and key filled in. An origin timeout becomes a {@link LoadTimeoutException},
 * which the core passes through unchanged, so clients of every node see a 504 for it. Timeouts
 * and errors are also logged at WARN, at most one line per kind per 10 s.
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
  private final LongAdder outOfMemory = new LongAdder();
  private final LongAdder nanos = new LongAdder();
  private final RateLimitedLog warnings = new RateLimitedLog(log.getName(), java.time.Duration.ofSeconds(10));
  private volatile long lastOutOfMemoryNanos;

  public OriginLoader(String group, Origin origin) {
    this.group = group;
    this.origin = origin;
  }

  public Origin origin() {
    return origin;
  }

  /**
   * Makes this the loader of {@code group}: on the calling thread when the origin does not block
   * ({@code nonBlocking}), else on the loader executor. The node and its warm-up both wire their
   * groups here, so the JIT meets the same loader classes in both: a class met only once the node
   * serves would undo code compiled during the warm-up.
   */
  public Group.Builder loading(Group.Builder group, boolean nonBlocking) {
    return nonBlocking ? group.asyncExpiringLoader(this::loadValueAsync) : group.expiringLoader(this::loadValue);
  }

  @Override
  public byte[] load(String key) throws Exception {
    return loadValue(key).value().toByteArray();
  }

  /** {@link #load} with the value's expiry as the origin gives it ({@link Origin#fetchValue}). */
  public LoadedValue loadValue(String key) throws Exception {
    long start = begin(key);
    LoadedValue value;
    try {
      value = origin.fetchValue(key);
    } catch (Exception | OutOfMemoryError e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw failed(key, start, e);
    }
    succeeded(key, start, value == null ? null : value.value().length());
    return value;
  }

  /** {@link #loadAsync} as a value with the group's expiry. */
  public CompletableFuture<LoadedValue> loadValueAsync(String key) {
    return loadAsync(key).thenApply(LoadedValue::of);
  }

  /**
   * The non-blocking form of {@link #load}, for origins whose {@link Origin#nonBlocking()} is
   * true: the same counting, logging and exceptions, without holding a thread.
   */
  public CompletableFuture<byte[]> loadAsync(String key) {
    long start;
    try {
      start = begin(key);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<byte[]> fetch;
    try {
      fetch = origin.fetchAsync(key);
    } catch (Exception | OutOfMemoryError e) {
      return CompletableFuture.failedFuture(failed(key, start, e));
    }
    return fetch.handle((value, err) -> {
      if (err != null) {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        throw new CompletionException(failed(key, start, cause));
      }
      succeeded(key, start, value == null ? null : value.length);
      return value;
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

  /** Counts a call that returned {@code length} bytes ({@code null}: no value, a failure). */
  private void succeeded(String key, long start, Integer length) {
    if (length == null) {
      throw failed(key, start, new IllegalStateException("origin " + origin.describe() + " returned no value"));
    }
    ok.increment();
    logCall(key, start, "ok, " + length + " bytes");
  }

  /** Counts and logs a failed call; returns what the group should see. */
  private RuntimeException failed(String key, long start, Throwable e) {
    if (e instanceof KeyNotFoundException nf) {
      notFound.increment();
      logCall(key, start, "not found");
      return nf;
    }
    if (e instanceof OriginTimeoutException) {
      timeouts.increment();
      logCall(key, start, "timeout");
      warn("timeouts", key, e);
      return new LoadTimeoutException(group, key, null, "origin timed out for group '" + group + "', key '"
          + Text.quotable(key) + "': " + e.getMessage());
    }
    errors.increment();
    if (e instanceof OutOfMemoryError) {
      outOfMemory.increment();
      lastOutOfMemoryNanos = System.nanoTime();
      logCall(key, start, "out of memory: " + e.getMessage());
      warn("out-of-memory errors", key, e);
      return new LoadException(group, key, null, "out of memory loading group '" + group + "', key '"
          + Text.quotable(key) + "' (" + e.getMessage() + "): this node's heap of at most "
          + (Runtime.getRuntime().maxMemory() >> 20) + " MiB is full; give it more heap (-Xmx) or lower the "
          + "cache budget", e);
    }
    logCall(key, start, e instanceof InterruptedException ? "interrupted" : "error: " + e);
    if (!(e instanceof InterruptedException)) {
      warn("errors", key, e);
    }
    return new LoadException(group, key, null, "origin failed for group '" + group + "', key '"
        + Text.quotable(key) + "': " + message(e), e);
  }

  /**
   * One WARN line per kind of failure per interval, naming the group, the key and the origin. A
   * kind is the failure's class and message with the key taken out, so that an origin that starts
   * refusing connections is reported even while its 500s are being held back.
   */
  private void warn(String kind, String key, Throwable e) {
    String m = message(e);
    String signature = kind + '|' + e.getClass().getName() + '|' + (key.isEmpty() ? m : m.replace(key, ""));
    long held = warnings.admit(signature.length() > 300 ? signature.substring(0, 300) : signature);
    if (held >= 0) {
      log.atWarn().addKeyValue("group", group).addKeyValue("key", Text.quotable(key)).addKeyValue("origin", origin.describe())
          .log("origin {} {} for group '{}', key '{}': {}; clients get an error for this key{}", origin.describe(),
              kind.equals("timeouts") ? "timed out" : "failed", group, Text.quotable(key), m,
              RateLimitedLog.heldBack(held, "such origin " + kind));
    }
  }

  private void logCall(String key, long start, String outcome) {
    long took = System.nanoTime() - start;
    nanos.add(took);
    if (log.isDebugEnabled()) {
      log.debug("origin load group={} key='{}' took={}ms outcome={}", group, Text.quotable(key),
          String.format("%.1f", took / 1e6), outcome);
    }
  }

  /** A snapshot of the origin counters. */
  public Counts counts() {
    return new Counts(calls.sum(), ok.sum(), notFound.sum(), timeouts.sum(), errors.sum(), outOfMemory.sum(),
        nanos.sum());
  }

  /** When the last load failed for lack of memory ({@link System#nanoTime()}), or 0 if none did. */
  public long lastOutOfMemoryNanos() {
    return lastOutOfMemoryNanos;
  }

  /**
   * Origin calls and their outcomes.
   *
   * @param loads every call of the origin (= fetch attempts; the "origin loads" of the stats)
   * @param ok calls that returned a value
   * @param notFound calls that found no such key (or refused it)
   * @param timeouts calls that ran past the origin timeout
   * @param errors other failures
   * @param outOfMemory the errors that were an {@link OutOfMemoryError}
   * @param nanos time spent in the origin, all calls together
   */
  public record Counts(long loads, long ok, long notFound, long timeouts, long errors, long outOfMemory,
      long nanos) {}

  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.toString() : m;
  }
}
