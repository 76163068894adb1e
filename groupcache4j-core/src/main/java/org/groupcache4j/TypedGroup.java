package org.groupcache4j;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import org.groupcache4j.internal.ByteViews;

/**
 * A {@link Group} seen through a {@link ValueCodec}: values of type {@code T} in, values of type
 * {@code T} out, bytes in the stores and on the wire.
 *
 * <pre>{@code
 * Group raw = cache.newGroup("books", 64 << 20, key -> codec.encode(repository.find(key)));
 * TypedGroup<Book> books = TypedGroup.of(raw, codec);
 * Book b = books.get("42");
 * }</pre>
 *
 * <p>Every read decodes the stored bytes (a hit included): the view keeps no objects of its own,
 * so the group's byte budget is the whole cost of the cache. The reads, writes and their
 * exceptions are the group's; besides those, a value the codec cannot encode is reported as a
 * {@link ValueCodecException} naming the group and the key.
 *
 * <p>Bytes that do not decode (stored by another version of the class, or by another codec) are
 * a miss: they are removed from the cluster ({@link Group#remove}), counted
 * ({@link #decodeFailures()}) and the key is read again, which loads it anew. Only if the bytes
 * read again do not decode either (the loader itself returns them) does the read fail, with a
 * {@link ValueCodecException}. A running cluster thus survives a change of a value's class.
 *
 * @param <T> the type of the values
 */
public final class TypedGroup<T> {
  private final Group group;
  private final ValueCodec<T> codec;
  private final LongAdder decodeFailures = new LongAdder();

  private TypedGroup(Group group, ValueCodec<T> codec) {
    this.group = group;
    this.codec = codec;
  }

  /** {@code group}'s values as {@code T}, through {@code codec}. */
  public static <T> TypedGroup<T> of(Group group, ValueCodec<T> codec) {
    return new TypedGroup<>(Objects.requireNonNull(group, "group"), Objects.requireNonNull(codec, "codec"));
  }

  /** The group underneath. */
  public Group group() {
    return group;
  }

  /** The codec of the values. */
  public ValueCodec<T> codec() {
    return codec;
  }

  /** The group's name. */
  public String name() {
    return group.name();
  }

  /**
   * The value of {@code key}, decoded: see {@link Group#get}.
   *
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if {@code key} is longer than the group's {@code maxKeyBytes}
   * @throws KeyNotFoundException if the loader (here or at the owner) said the key does not exist
   * @throws LoadTimeoutException if the load ran past the load timeout
   * @throws LoadException if the loader threw or returned null (here or at the owner)
   * @throws ValueCodecException if the bytes, loaded again after a first failure to decode them,
   *     are still not a value of the codec's type
   */
  public T get(String key) {
    ByteView v = group.get(key);
    try {
      return decode(key, v);
    } catch (ValueCodecException first) {
      drop(key);
      return decode(key, group.get(key));
    }
  }

  /**
   * {@link #get} without blocking: the future completes with the decoded value, or with one of
   * the exceptions {@code get} throws.
   *
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if {@code key} is too long
   */
  public CompletableFuture<T> getAsync(String key) {
    return group.getAsync(key).thenCompose(v -> {
      try {
        return CompletableFuture.completedFuture(decode(key, v));
      } catch (ValueCodecException first) {
        decodeFailures.increment();
        return group.removeAsync(key).handle((r, e) -> null) // not told: the read again may report the same bytes
            .thenCompose(x -> group.getAsync(key))
            .thenApply(again -> decode(key, again));
      }
    });
  }

  /**
   * Reads through this view whose bytes did not decode and were dropped (each then loaded again);
   * a read whose bytes still did not decode counts once.
   */
  public long decodeFailures() {
    return decodeFailures.sum();
  }

  /** Bytes of {@code key} that do not decode: counted, and removed everywhere so that they load again. */
  private void drop(String key) {
    decodeFailures.increment();
    try {
      group.remove(key);
    } catch (GroupCacheException e) {
      // the owner could not be told: the read again below may find the same bytes and report them
    }
  }

  /**
   * Encodes {@code value} and stores it under {@code key}: see {@link Group#set(String, ByteView)}.
   *
   * @throws NullPointerException if {@code key} or {@code value} is null
   * @throws IllegalArgumentException if {@code key} is too long
   * @throws ValueCodecException if the codec cannot encode the value (nothing was stored)
   * @throws WriteException if the owner could not be told (nothing was stored)
   */
  public WriteResult set(String key, T value) {
    return group.set(key, encode(key, value));
  }

  /** {@link #set(String, Object)} with the value's own time-to-live (positive): see {@link Group#set(String, ByteView, Duration)}. */
  public WriteResult set(String key, T value, Duration ttl) {
    return group.set(key, encode(key, value), ttl);
  }

  /**
   * {@link #set} without blocking; {@code ttl} null means the group's default. A value the codec
   * cannot encode fails the future with {@link ValueCodecException}.
   */
  public CompletableFuture<WriteResult> setAsync(String key, T value, Duration ttl) {
    ByteView bytes;
    try {
      bytes = encode(key, value);
    } catch (ValueCodecException e) {
      return CompletableFuture.failedFuture(e);
    }
    return group.setAsync(key, bytes, ttl);
  }

  /**
   * Removes {@code key} from the cluster: see {@link Group#remove}.
   *
   * @throws WriteException if the owner could not be told
   * @throws IllegalArgumentException if {@code key} is too long
   */
  public WriteResult remove(String key) {
    return group.remove(key);
  }

  /** {@link #remove} without blocking. */
  public CompletableFuture<WriteResult> removeAsync(String key) {
    return group.removeAsync(key);
  }

  /** The bytes of {@code value} for {@code key}, without a copy (the codec hands over its array). */
  ByteView encode(String key, T value) {
    Objects.requireNonNull(value, () -> "value must not be null (group '" + group.name() + "')");
    byte[] bytes;
    try {
      bytes = codec.encode(value);
    } catch (ValueCodecException e) {
      throw e.at(group.name(), key, "encode");
    } catch (RuntimeException e) {
      throw new ValueCodecException(null, null, e.toString(), e).at(group.name(), key, "encode");
    }
    if (bytes == null) {
      throw new ValueCodecException(group.name(), key, "codec " + codec + " returned null for a value of "
          + GroupCacheException.where(group.name(), key, null) + "; a codec returns bytes or throws", null);
    }
    return ByteViews.wrap(bytes);
  }

  T decode(String key, ByteView bytes) {
    try {
      T v = codec.decode(bytes);
      if (v == null) {
        throw new ValueCodecException("codec " + codec + " decoded " + bytes.length() + " bytes to null", null);
      }
      return v;
    } catch (ValueCodecException e) {
      throw e.at(group.name(), key, "decode");
    } catch (RuntimeException e) {
      // A codec must report bad bytes as ValueCodecException; anything else is still a value it cannot read.
      throw new ValueCodecException(null, null, e.toString(), e).at(group.name(), key, "decode");
    }
  }

  @Override
  public String toString() {
    return "TypedGroup[" + group.name() + ", " + codec + "]";
  }
}
