package org.groupcache4j.codecs;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.util.Objects;
import org.groupcache4j.ByteView;
import org.groupcache4j.ValueCodec;
import org.groupcache4j.ValueCodecException;

/**
 * Protocol Buffers messages of one type, read with that type's parser (one codec per group):
 * the bytes never name a type, so nothing but the declared message is ever built.
 *
 * <pre>{@code
 * ValueCodec<Book> books = ProtobufCodec.of(Book.parser());
 * }</pre>
 *
 * <p>The parser reads the value's bytes in place (no copy); a length-delimited field cannot claim
 * more bytes than the input holds, so what a payload makes the parser allocate is bounded by its
 * length, and nesting is bounded by {@link #recursionLimit} (default 100, protobuf's). Unknown
 * fields are kept, so a value written by a newer schema reads and writes back intact. Bytes that
 * are not a message of the type are a {@link ValueCodecException}. Extensions are not read.
 *
 * @param <T> the message type
 */
public final class ProtobufCodec<T extends MessageLite> implements ValueCodec<T> {
  /** protobuf-java's own default nesting limit. */
  public static final int DEFAULT_RECURSION_LIMIT = 100;

  private final Parser<T> parser;
  private final int recursionLimit;

  private ProtobufCodec(Parser<T> parser, int recursionLimit) {
    this.parser = parser;
    this.recursionLimit = recursionLimit;
  }

  /** A codec for the messages {@code parser} reads (e.g. {@code Book.parser()}). */
  public static <T extends MessageLite> ProtobufCodec<T> of(Parser<T> parser) {
    return new ProtobufCodec<>(Objects.requireNonNull(parser, "parser"), DEFAULT_RECURSION_LIMIT);
  }

  /** This codec with another nesting limit for messages that hold messages. */
  public ProtobufCodec<T> recursionLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("recursionLimit must be >= 1, was " + limit);
    }
    return new ProtobufCodec<>(parser, limit);
  }

  /** The nesting limit. */
  public int recursionLimit() {
    return recursionLimit;
  }

  @Override
  public byte[] encode(T value) {
    return Objects.requireNonNull(value, "value").toByteArray();
  }

  @Override
  public T decode(ByteView bytes) {
    CodedInputStream in = CodedInputStream.newInstance(bytes.asReadOnlyByteBuffer());
    in.setRecursionLimit(recursionLimit);
    in.setSizeLimit(bytes.length());
    try {
      return parser.parseFrom(in, ExtensionRegistryLite.getEmptyRegistry());
    } catch (InvalidProtocolBufferException e) {
      throw new ValueCodecException(bytes.length() + " bytes are not a message this parser reads: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new ValueCodecException(bytes.length() + " bytes are not a message this parser reads: " + e, e);
    }
  }

  @Override
  public String toString() {
    return "ProtobufCodec[" + parser.getClass().getName() + "]";
  }
}
