package org.groupcache4j.server.internal.origin;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.Arrays;
import org.groupcache4j.node.internal.Values;

/**
 * Origin {@code synthetic:SIZE[,delay=DURATION]}, for load tests and interop: the value of key K
 * is {@code "value-of-" + K} (UTF-8) padded with {@code '.'} to SIZE bytes (never cut), after
 * the delay: byte for byte the getter ({@code makeValue}) of the golang/groupcache nodes that
 * the side-by-side benchmark runs.
 */
public final class SyntheticOrigin implements Origin {
  private static final byte[] PREFIX = "value-of-".getBytes(StandardCharsets.US_ASCII);

  private final int size;
  private final Duration delay;

  SyntheticOrigin(int size, Duration delay) {
    this.size = size;
    this.delay = delay;
  }

  /** Parses {@code SIZE[,delay=DURATION]} (the part after {@code synthetic:}). */
  public static SyntheticOrigin parse(String spec, long maxValueBytes) throws OriginConfigException {
    String[] parts = spec.split(",", -1);
    long size;
    try {
      size = Values.size(parts[0]);
    } catch (IllegalArgumentException e) {
      throw new OriginConfigException("SIZE " + e.getMessage()
          + "; use synthetic:SIZE[,delay=DURATION], e.g. synthetic:100 or synthetic:100,delay=200ms", true, e);
    }
    if (size > maxValueBytes || size > Integer.MAX_VALUE - 8) {
      throw new OriginConfigException("SIZE " + size + " is larger than the value limit of "
          + maxValueBytes + " bytes (--max-value-bytes)", true, null);
    }
    Duration delay = Duration.ZERO;
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim();
      if (!p.startsWith("delay=")) {
        throw new OriginConfigException("unknown option '" + p
            + "'; the only option is delay=DURATION, e.g. synthetic:100,delay=200ms", true, null);
      }
      try {
        delay = Values.duration(p.substring("delay=".length()));
      } catch (IllegalArgumentException e) {
        throw new OriginConfigException("delay " + e.getMessage(), true, e);
      }
    }
    return new SyntheticOrigin((int) size, delay);
  }

  /** The value of {@code key} without the delay. */
  public static byte[] value(String key, int size) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    int len = Math.max(size, PREFIX.length + k.length);
    byte[] v = new byte[len];
    System.arraycopy(PREFIX, 0, v, 0, PREFIX.length);
    System.arraycopy(k, 0, v, PREFIX.length, k.length);
    Arrays.fill(v, PREFIX.length + k.length, len, (byte) '.');
    return v;
  }

  @Override
  public byte[] fetch(String key) throws InterruptedException {
    if (!delay.isZero()) {
      Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000); // the simulated slow source
    }
    return value(key, size);
  }

  /** Non-blocking: the delay is a timer, not a sleeping thread, as a goroutine's sleep costs Go no thread. */
  @Override
  public boolean nonBlocking() {
    return true;
  }

  @Override
  public CompletableFuture<byte[]> fetchAsync(String key) {
    if (delay.isZero()) {
      return CompletableFuture.completedFuture(value(key, size));
    }
    return CompletableFuture.supplyAsync(() -> value(key, size),
        CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS));
  }

  @Override
  public String describe() {
    return "synthetic:" + size + (delay.isZero() ? "" : ",delay=" + Values.formatDuration(delay));
  }
}
