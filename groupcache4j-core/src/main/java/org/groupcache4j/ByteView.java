package org.groupcache4j;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.groupcache4j.internal.ByteViews;

/**
 * An immutable cached value: a sequence of bytes that no one can change once it is built.
 *
 * <p>Factories copy the bytes they are given, and every accessor hands out either a copy or a
 * read-only view, so a value read from the cache can be shared freely between threads and
 * callers. Equality and hash code are by content.
 *
 * <p>A value read from a cache may be a view of a part of a larger array that the cache filled
 * once and never changes (the default store keeps many entries in one array). Such a view keeps
 * that whole array reachable for as long as it is held; a caller that keeps values for a long
 * time, outside the cache, should keep {@link #compact()} of them.
 */
public final class ByteView {
  private static final ByteView EMPTY = new ByteView(new byte[0], 0, 0);

  static {
    ByteViews.install(new ByteViews.Access() {
      @Override
      public ByteView wrap(byte[] owned, int offset, int length) {
        return new ByteView(owned, offset, length);
      }

      @Override
      public byte[] array(ByteView v) {
        return v.bytes;
      }

      @Override
      public int offset(ByteView v) {
        return v.offset;
      }
    });
  }

  private final byte[] bytes;
  private final int offset;
  private final int length;

  private ByteView(byte[] bytes, int offset, int length) {
    this.bytes = bytes;
    this.offset = offset;
    this.length = length;
  }

  /** A value holding a copy of {@code bytes}. */
  public static ByteView copyOf(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    return bytes.length == 0 ? EMPTY : new ByteView(bytes.clone(), 0, bytes.length);
  }

  /** A value holding a copy of {@code length} bytes of {@code bytes} from {@code offset}. */
  public static ByteView copyOf(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, Objects.requireNonNull(bytes, "bytes").length);
    return length == 0 ? EMPTY : new ByteView(Arrays.copyOfRange(bytes, offset, offset + length), 0, length);
  }

  /** A value holding a copy of the remaining bytes of {@code buffer}; the buffer's position is not moved. */
  public static ByteView copyOf(ByteBuffer buffer) {
    byte[] b = new byte[buffer.remaining()];
    buffer.duplicate().get(b);
    return b.length == 0 ? EMPTY : new ByteView(b, 0, b.length);
  }

  /** A value holding {@code text} encoded as UTF-8. */
  public static ByteView of(String text) {
    return of(text, StandardCharsets.UTF_8);
  }

  /** A value holding {@code text} encoded with {@code charset}. */
  public static ByteView of(String text, Charset charset) {
    byte[] b = text.getBytes(charset);
    return b.length == 0 ? EMPTY : new ByteView(b, 0, b.length);
  }

  /** The empty value. */
  public static ByteView empty() {
    return EMPTY;
  }

  /** Number of bytes in the value. */
  public int length() {
    return length;
  }

  /** The byte at {@code index}. */
  public byte byteAt(int index) {
    return bytes[offset + Objects.checkIndex(index, length)];
  }

  /** A fresh copy of the bytes, the caller's to change. */
  public byte[] toByteArray() {
    return Arrays.copyOfRange(bytes, offset, offset + length);
  }

  /**
   * A value with the same bytes that holds no more memory than it needs: this value if it is not
   * a view of a larger array, else a copy of its bytes. Keep this instead of a value read from a
   * cache that is held for long outside the cache.
   */
  public ByteView compact() {
    return offset == 0 && length == bytes.length ? this : new ByteView(toByteArray(), 0, length);
  }

  /** A read-only buffer over the bytes (no copy); position 0, limit {@link #length()}. */
  public ByteBuffer asReadOnlyByteBuffer() {
    return ByteBuffer.wrap(bytes, offset, length).slice().asReadOnlyBuffer();
  }

  /** A stream that reads the bytes in place (no copy); closing it does nothing. */
  public InputStream newInputStream() {
    return new ByteArrayInputStream(bytes, offset, length);
  }

  /** The bytes decoded with {@code charset}. */
  public String toString(Charset charset) {
    return new String(bytes, offset, length, charset);
  }

  /** Writes all bytes to {@code out}. */
  public void writeTo(OutputStream out) throws IOException {
    out.write(bytes, offset, length);
  }

  /** Whether the content equals the UTF-8 encoding of {@code text}. */
  public boolean contentEquals(String text) {
    byte[] t = text.getBytes(StandardCharsets.UTF_8);
    return Arrays.equals(bytes, offset, offset + length, t, 0, t.length);
  }

  @Override
  public boolean equals(Object o) {
    return o == this || (o instanceof ByteView other
        && Arrays.equals(bytes, offset, offset + length, other.bytes, other.offset, other.offset + other.length));
  }

  @Override
  public int hashCode() {
    int h = 1;
    for (int i = offset, end = offset + length; i < end; i++) {
      h = 31 * h + bytes[i];
    }
    return h;
  }

  /** The bytes decoded as UTF-8, as groupcache's {@code ByteView.String()} does. */
  @Override
  public String toString() {
    return new String(bytes, offset, length, StandardCharsets.UTF_8);
  }
}
