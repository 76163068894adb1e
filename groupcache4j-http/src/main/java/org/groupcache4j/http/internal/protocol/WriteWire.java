package org.groupcache4j.http.internal.protocol;

import com.fasterxml.jackson.jr.ob.JSON;
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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.groupcache4j.ByteView;
import org.groupcache4j.http.internal.protocol.pb.GroupcachePb.GetResponse;
import org.groupcache4j.http.internal.protocol.pb.GroupcachePb.SetRequest;
import org.groupcache4j.internal.ByteViews;
import org.groupcache4j.internal.Text;
import org.groupcache4j.peer.PeerValue;

/**
 * The parts of the peer protocol that carry freshness, as groupcache-go v3 and mailgun/groupcache
 * v2 put them on the wire, and how our nodes know each other:
 * <ul>
 *   <li>{@code GetResponse.expire} (field 3, int64, Unix nanoseconds, 0 = none), written on every
 *       200 and read by our client; golang/groupcache skips the field;</li>
 *   <li>{@code PUT {base}{group}/{key}} with a protobuf {@code SetRequest {group=1, key=2, value=3,
 *       expire=4}}; {@code DELETE {base}{group}/{key}}; {@code POST {base}{group}/_remove-keys/}
 *       with the JSON body {@code {"group":"g","keys":["a","b"]}};</li>
 *   <li>{@link #NODE_HEADER} on every answer of our peer endpoint. golang/groupcache answers any
 *       method as a GET (a DELETE would load the key there), so our client sends writes only to a
 *       peer whose answers carry it, and names any other peer as one that could not be told;</li>
 *   <li>{@link #EXPIRE_HEADER} on a not-found answer that the owner caches: how long the asker may
 *       keep it.</li>
 * </ul>
 */
public final class WriteWire {
  /** Marks every answer of our peer endpoint: this node takes writes. */
  public static final AsciiString NODE_HEADER = AsciiString.cached("x-groupcache4j-node");
  public static final AsciiString NODE_HEADER_VALUE = AsciiString.cached("writes");
  /** On a cached not-found answer: its expiry, Unix nanoseconds. */
  public static final AsciiString EXPIRE_HEADER = AsciiString.cached("x-groupcache4j-expire");
  public static final AsciiString CONTENT_TYPE_JSON = AsciiString.cached("application/json");

  private static final int VALUE_TAG = (GetResponse.VALUE_FIELD_NUMBER << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int EXPIRE_TAG = (GetResponse.EXPIRE_FIELD_NUMBER << 3) | WireFormat.WIRETYPE_VARINT;
  private static final byte[] EMPTY = new byte[0];

  private WriteWire() {}

  /** A {@code SetRequest} as received. */
  public record SetRequestBody(String group, String key, ByteView value, long expireUnixNanos) {}

  /** A {@code _remove-keys} body as received. */
  public record RemoveKeysBody(String group, List<String> keys) {}

  /** Serializes {@code GetResponse{value, expire}} (expire omitted when 0) into a new buffer. */
  public static ByteBuf encodeResponse(ByteBufAllocator alloc, ByteView value, long expireUnixNanos) {
    GetResponse.Builder b = GetResponse.newBuilder().setValue(UnsafeByteOperations.unsafeWrap(ByteViews.array(value)));
    if (expireUnixNanos != 0) {
      b.setExpire(expireUnixNanos);
    }
    return write(alloc, b.build());
  }

  /**
   * Parses a {@code GetResponse}: its value (empty when absent) and expiry (0 when absent);
   * unknown fields are skipped. The value is copied once, into the array the ByteView owns.
   *
   * @throws InvalidProtocolBufferException if the body is not a {@code GetResponse}
   */
  public static PeerValue decodeResponse(ByteBuf body) throws InvalidProtocolBufferException {
    CodedInputStream in = CodedInputStream.newInstance(body.nioBuffer());
    byte[] value = EMPTY;
    long expire = 0;
    try {
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == VALUE_TAG) {
          value = in.readByteArray();
        } else if (tag == EXPIRE_TAG) {
          expire = in.readInt64();
        } else if (!in.skipField(tag)) {
          break;
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidProtocolBufferException(e);
    }
    return PeerValue.of(ByteViews.wrap(value), Math.max(0, expire));
  }

  /** The body of a {@code PUT}: {@code SetRequest{group, key, value, expire}} (expire omitted when 0). */
  public static byte[] encodeSetRequest(String group, String key, ByteView value, long expireUnixNanos) {
    SetRequest.Builder b = SetRequest.newBuilder().setGroup(group).setKey(key)
        .setValue(UnsafeByteOperations.unsafeWrap(ByteViews.array(value)));
    if (expireUnixNanos != 0) {
      b.setExpire(expireUnixNanos);
    }
    return b.build().toByteArray();
  }

  /**
   * Parses the body of a {@code PUT}.
   *
   * @throws IllegalArgumentException if it is not a {@code SetRequest} with group and key
   */
  public static SetRequestBody decodeSetRequest(ByteBuf body) {
    SetRequest r;
    try {
      r = SetRequest.parseFrom(body.nioBuffer());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("the body is not a groupcache SetRequest: " + e.getMessage());
    }
    return new SetRequestBody(r.getGroup(), r.getKey(), ByteView.copyOf(r.getValue().toByteArray()),
        Math.max(0, r.getExpire()));
  }

  /** The body of a {@code _remove-keys} POST, as groupcache-go sends it. */
  public static byte[] encodeRemoveKeys(String group, List<String> keys) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("group", group);
    m.put("keys", keys);
    try {
      return JSON.std.asBytes(m);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses the body of a {@code _remove-keys} POST.
   *
   * @throws IllegalArgumentException if it is not {@code {"group":"..","keys":["..",..]}}
   */
  public static RemoveKeysBody decodeRemoveKeys(ByteBuf body) {
    Object doc;
    try {
      doc = JSON.std.anyFrom(body.toString(StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("the body is not JSON: " + Text.oneLine(e.getMessage(), 200));
    }
    if (!(doc instanceof Map<?, ?> m) || !(m.get("keys") instanceof List<?> list)
        || (m.get("group") != null && !(m.get("group") instanceof String))) {
      throw new IllegalArgumentException("the body must be {\"group\":\"...\",\"keys\":[\"...\"]}");
    }
    List<String> keys = new ArrayList<>(list.size());
    for (Object k : list) {
      if (!(k instanceof String s)) {
        throw new IllegalArgumentException("every key must be a string, found " + k);
      }
      keys.add(s);
    }
    return new RemoveKeysBody((String) m.get("group"), keys);
  }

  private static ByteBuf write(ByteBufAllocator alloc, com.google.protobuf.MessageLite msg) {
    int n = msg.getSerializedSize();
    ByteBuf buf = alloc.buffer(n, n);
    try {
      CodedOutputStream out = CodedOutputStream.newInstance(buf.nioBuffer(buf.writerIndex(), n));
      msg.writeTo(out);
      out.flush();
      buf.writerIndex(buf.writerIndex() + n);
      return buf;
    } catch (IOException e) {
      buf.release();
      throw new UncheckedIOException("cannot serialize a " + msg.getClass().getSimpleName() + " of " + n + " bytes", e);
    } catch (RuntimeException e) {
      buf.release();
      throw e;
    }
  }
}
