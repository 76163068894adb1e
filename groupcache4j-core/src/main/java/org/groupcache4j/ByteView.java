package org.groupcache4j;

import java.io.IOException;
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
 */
public final class ByteView {
  private static final ByteView EMPTY = new ByteView(new byte[0]);

  static {
    ByteViews.install(ByteView::new, v -> v.bytes);
  }

  private final byte[] bytes;

  private ByteView(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A value holding a copy of {@code bytes}. */
  public static ByteView copyOf(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    return bytes.length == 0 ? EMPTY : new ByteView(bytes.clone());
  }

  /** A value holding a copy of {@code length} bytes of {@code bytes} from {@code offset}. */
  public static ByteView copyOf(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, Objects.requireNonNull(bytes, "bytes").length);
    return length == 0 ? EMPTY : new ByteView(Arrays.copyOfRange(bytes, offset, offset + length));
  }

  /** A value holding a copy of the remaining bytes of {@code buffer}; the buffer's position is not moved. */
  public static ByteView copyOf(ByteBuffer buffer) {
    byte[] b = new byte[buffer.remaining()];
    buffer.duplicate().get(b);
    return b.length == 0 ? EMPTY : new ByteView(b);
  }

  /** A value holding {@code text} encoded as UTF-8. */
  public static ByteView of(String text) {
    return of(text, StandardCharsets.UTF_8);
  }

  /** A value holding {@code text} encoded with {@code charset}. */
  public static ByteView of(String text, Charset charset) {
    byte[] b = text.getBytes(charset);
    return b.length == 0 ? EMPTY : new ByteView(b);
  }

  /** The empty value. */
  public static ByteView empty() {
    return EMPTY;
  }

  /** Number of bytes in the value. */
  public int length() {
    return bytes.length;
  }

  /** The byte at {@code index}. */
  public byte byteAt(int index) {
    return bytes[index];
  }

  /** A fresh copy of the bytes, the caller's to change. */
  public byte[] toByteArray() {
    return bytes.clone();
  }

  /** A read-only buffer over the bytes (no copy); position 0, limit {@link #length()}. */
  public ByteBuffer asReadOnlyByteBuffer() {
    return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
  }

  /** The bytes decoded with {@code charset}. */
  public String toString(Charset charset) {
    return new String(bytes, charset);
  }

  /** Writes all bytes to {@code out}. */
  public void writeTo(OutputStream out) throws IOException {
    out.write(bytes);
  }

  /** Whether the content equals the UTF-8 encoding of {@code text}. */
  public boolean contentEquals(String text) {
    return Arrays.equals(bytes, text.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public boolean equals(Object o) {
    return o == this || (o instanceof ByteView other && Arrays.equals(bytes, other.bytes));
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** The bytes decoded as UTF-8, as groupcache's {@code ByteView.String()} does. */
  @Override
  public String toString() {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
