package org.groupcache4j;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns values of one Java type into the bytes a {@link Group} stores and sends, and back.
 *
 * <p>Bytes stay the store and wire format; a codec lives at the edge, where the application reads
 * and writes ({@link TypedGroup}). The bytes a codec decodes may come from another node, so a
 * decoder treats them as untrusted input: it instantiates no class outside the type it was
 * declared for (or an explicit allow-list), bounds what it allocates by the input's length, and
 * reports anything else as a {@link ValueCodecException}, never with another exception.
 *
 * <p>The codecs here need nothing beyond the JDK: {@link #bytes()}, {@link #utf8()} and
 * {@link JavaSerializationCodec}; module {@code groupcache4j-codecs} adds JSON (Jackson) and
 * Protocol Buffers. Implementations must be thread-safe.
 *
 * @param <T> the Java type of the values
 */
public interface ValueCodec<T> {
  /**
   * The bytes of {@code value}; the caller owns the array and the codec must not keep it.
   *
   * @throws NullPointerException if {@code value} is null (a group stores no null; see
   *     {@code groupcache4j-spring} for a cache that stores a null as a tag of its own)
   * @throws ValueCodecException if the value cannot be encoded
   */
  byte[] encode(T value);

  /**
   * The value that {@code bytes} hold.
   *
   * @throws ValueCodecException if the bytes are not a value of this codec's type (written by
   *     another codec or another version of the class, cut short, or refused by the codec's bounds)
   */
  T decode(ByteView bytes);

  /** The bytes themselves: each decode returns a fresh copy. */
  static ValueCodec<byte[]> bytes() {
    return BytesCodec.INSTANCE;
  }

  /**
   * Text as UTF-8. Decoding bytes that are not well-formed UTF-8 fails (rather than replacing
   * them with U+FFFD), so a value written by another codec is reported, not misread.
   */
  static ValueCodec<String> utf8() {
    return Utf8Codec.INSTANCE;
  }
}

/** {@link ValueCodec#bytes()}. */
enum BytesCodec implements ValueCodec<byte[]> {
  INSTANCE;

  @Override
  public byte[] encode(byte[] value) {
    return java.util.Objects.requireNonNull(value, "value").clone();
  }

  @Override
  public byte[] decode(ByteView bytes) {
    return bytes.toByteArray();
  }

  @Override
  public String toString() {
    return "ValueCodec.bytes()";
  }
}

/** {@link ValueCodec#utf8()}. */
enum Utf8Codec implements ValueCodec<String> {
  INSTANCE;

  @Override
  public byte[] encode(String value) {
    return java.util.Objects.requireNonNull(value, "value").getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String decode(ByteView bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes.asReadOnlyByteBuffer())
          .toString();
    } catch (CharacterCodingException e) {
      throw new ValueCodecException("a value of " + bytes.length() + " bytes is not well-formed UTF-8 text ("
          + e.getMessage() + "); was it written with another codec?", e);
    }
  }

  @Override
  public String toString() {
    return "ValueCodec.utf8()";
  }
}
