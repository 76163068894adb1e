package org.groupcache4j.http.internal.protocol;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.AsciiString;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.groupcache4j.ByteView;
import org.groupcache4j.http.internal.protocol.pb.GroupcachePb.GetResponse;
import org.groupcache4j.internal.ByteViews;

/**
 * Constants and codecs of the peer protocol on the wire: the protobuf body of a 200 answer
 * ({@code groupcachepb.GetResponse}) and the header by which our nodes mark an error that the
 * owner's loader produced, so that our clients pass it back instead of loading the key again.
 * golang/groupcache ignores the header; to a Go client every non-200 answer is a failed fetch.
 */
public final class Wire {
  public static final AsciiString CONTENT_TYPE_PROTOBUF = AsciiString.cached("application/x-protobuf");
  public static final AsciiString CONTENT_TYPE_TEXT = AsciiString.cached("text/plain; charset=utf-8");
  public static final AsciiString NOSNIFF_HEADER = AsciiString.cached("x-content-type-options");
  public static final AsciiString NOSNIFF = AsciiString.cached("nosniff");

  /** Header of an error answer that comes from the owner's loader; its value is one of the kinds below. */
  public static final AsciiString ERROR_HEADER = AsciiString.cached("x-groupcache4j-error");
  public static final String LOAD_FAILED = "load-failed";
  public static final String NOT_FOUND = "not-found";
  public static final String LOAD_TIMEOUT = "load-timeout";

  private Wire() {}

  /** Serializes {@code GetResponse{value}} into a new buffer from {@code alloc} (one copy of the value). */
  public static ByteBuf encodeResponse(ByteBufAllocator alloc, ByteView value) {
    GetResponse r = GetResponse.newBuilder()
        .setValue(UnsafeByteOperations.unsafeWrap(ByteViews.array(value))) // read only, no copy
        .build();
    int n = r.getSerializedSize();
    ByteBuf buf = alloc.buffer(n, n);
    try {
      if (buf.hasArray()) {
        CodedOutputStream out = CodedOutputStream.newInstance(buf.array(), buf.arrayOffset() + buf.writerIndex(), n);
        r.writeTo(out);
        out.checkNoSpaceLeft();
      } else {
        CodedOutputStream out = CodedOutputStream.newInstance(buf.nioBuffer(buf.writerIndex(), n));
        r.writeTo(out);
        out.flush();
      }
      buf.writerIndex(buf.writerIndex() + n);
      return buf;
    } catch (IOException e) {
      buf.release();
      throw new UncheckedIOException("cannot serialize a GetResponse of " + n + " bytes", e);
    } catch (RuntimeException e) {
      buf.release();
      throw e;
    }
  }

  /**
   * Parses a {@code GetResponse} body and returns its value (empty when absent). Unknown fields,
   * such as forks' {@code expire = 3}, are skipped.
   *
   * @throws InvalidProtocolBufferException if the body is not a {@code GetResponse}
   */
  public static ByteView decodeResponse(ByteBuf body) throws InvalidProtocolBufferException {
    // What every groupcache server sends: the value field alone. Read it in place.
    int start = body.readerIndex();
    int end = body.writerIndex();
    if (end - start >= 2 && body.getByte(start) == VALUE_TAG) {
      int at = start + 1;
      long len = 0;
      for (int shift = 0; at < end && shift < 35; shift += 7) {
        byte b = body.getByte(at++);
        len |= (long) (b & 0x7f) << shift;
        if (b >= 0) {
          if (at + len == end) {
            byte[] value = new byte[(int) len];
            body.getBytes(at, value);
            return ByteViews.wrap(value);
          }
          break; // more fields follow (e.g. minute_qps): the general reader below
        }
      }
    }
    // Reads GetResponse field by field with protobuf's own reader, so that the value is copied
    // once, straight into the array the ByteView will own (GetResponse.parseFrom would copy twice).
    CodedInputStream in = CodedInputStream.newInstance(body.nioBuffer());
    byte[] value = EMPTY;
    try {
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == VALUE_TAG) {
          value = in.readByteArray();
        } else if (!in.skipField(tag)) {
          break; // an end-group tag: not a GetResponse, but nothing to read after it
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidProtocolBufferException(e);
    }
    return ByteViews.wrap(value);
  }

  private static final byte[] EMPTY = new byte[0];
  private static final int VALUE_TAG =
      (GetResponse.VALUE_FIELD_NUMBER << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
}
