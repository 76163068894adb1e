package org.groupcache4j.http.internal.protocol;

import com.fasterxml.jackson.jr.ob.JSON;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.groupcache4j.ByteView;
import org.groupcache4j.http.internal.protocol.pb.GroupcachePb;
import org.groupcache4j.http.internal.protocol.pb.GroupcachePb.GetResponse;
import org.groupcache4j.http.internal.protocol.pb.GroupcachePb.SetRequest;
import org.groupcache4j.internal.ByteViews;
import org.groupcache4j.internal.Text;
import org.groupcache4j.peer.HintAck;
import org.groupcache4j.peer.HintDelivery;
import org.groupcache4j.peer.HintOp;
import org.groupcache4j.peer.PeerValue;

/**
 * The bodies of the peer protocol, each encoded and decoded here and nowhere else; the reference
 * of their bytes is {@code src/main/proto/groupcache.proto}, whose generated classes give the
 * field numbers used below.
 * <ul>
 *   <li>{@code GetResponse {bytes value = 1; double minute_qps = 2; int64 expire = 3}}, the body
 *       of a 200: golang/groupcache writes the value alone; groupcache-go v3 and mailgun/groupcache
 *       v2 add {@code expire} (Unix nanoseconds, 0 = none), as our nodes do when a value expires.
 *       Read leniently: unknown fields are skipped.</li>
 *   <li>{@code SetRequest {group = 1, key = 2, value = 3, expire = 4}}, the body of a {@code PUT}
 *       (groupcache-go v3, mailgun/groupcache v2).</li>
 *   <li>{@code {"group":"g","keys":["a","b"]}}, the JSON body of groupcache-go v3's
 *       {@code POST {base}{group}/_remove-keys/}.</li>
 *   <li>Between our nodes only: {@code PeekRequest} and {@code PeekResponse}, {@code HintDelivery},
 *       {@code HintPull} and {@code HintAck} (the proto file says when each is sent).</li>
 * </ul>
 *
 * <p><b>GetResponse without copies.</b> A peer endpoint answers every fetch with one, so it is
 * written by hand, two tags and two varints ({@link #writeGetResponse}), straight into the buffer
 * that also holds the answer's head: the value is copied once, from the store's array into that
 * buffer, and nothing else is allocated (no message object, no intermediate array), which the
 * generated {@code GetResponse} could not do. Tests hold these bytes equal to the generated
 * message's and to golang/groupcache's. Reading copies the value once, into the array its
 * {@code ByteView} owns: in place when the body is the value field alone (what golang/groupcache
 * sends, and our nodes for a value that never expires), else field by field with protobuf's own
 * reader ({@code GetResponse.parseFrom} would copy it twice).
 */
public final class PeerMessages {
  // A tag is the field number and the wire type (protobuf's encoding); each fits in one byte.
  private static final int VALUE_TAG = (GetResponse.VALUE_FIELD_NUMBER << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int EXPIRE_TAG = (GetResponse.EXPIRE_FIELD_NUMBER << 3) | WireFormat.WIRETYPE_VARINT;
  private static final byte[] EMPTY = new byte[0];

  private PeerMessages() {}

  /** A {@code SetRequest} as received. */
  public record SetRequestBody(String group, String key, ByteView value, long expireUnixNanos) {}

  /** A {@code _remove-keys} body as received; {@code group} is null when the body names none. */
  public record RemoveKeysBody(String group, List<String> keys) {}

  /** The size of {@code GetResponse{value, expire}} for a value of {@code valueLength} bytes (expire left out when 0). */
  public static int getResponseSize(int valueLength, long expireUnixNanos) {
    int size = 1 + CodedOutputStream.computeUInt32SizeNoTag(valueLength) + valueLength;
    return expireUnixNanos == 0 ? size : size + 1 + CodedOutputStream.computeUInt64SizeNoTag(expireUnixNanos);
  }

  /**
   * Writes {@code GetResponse{value, expire}} (expire left out when 0) at the writer index of
   * {@code out}, which must have {@link #getResponseSize} bytes of room; allocates nothing.
   * {@code value}'s bytes (a range of the array it views, which may be larger) are read, never
   * changed.
   */
  public static void writeGetResponse(ByteBuf out, ByteView value, long expireUnixNanos) {
    int length = value.length();
    out.writeByte(VALUE_TAG);
    writeVarint(out, length);
    out.writeBytes(ByteViews.arrayOf(value), ByteViews.offsetIn(value), length);
    if (expireUnixNanos != 0) {
      out.writeByte(EXPIRE_TAG);
      writeVarint(out, expireUnixNanos);
    }
  }

  /** {@code GetResponse{value, expire}} (expire left out when 0) in a new buffer of exactly its size. */
  public static ByteBuf encodeGetResponse(ByteBufAllocator alloc, ByteView value, long expireUnixNanos) {
    int n = getResponseSize(value.length(), expireUnixNanos);
    ByteBuf buf = alloc.buffer(n, n);
    writeGetResponse(buf, value, expireUnixNanos);
    return buf;
  }

  /**
   * Reads a {@code GetResponse}: its value (empty when absent) and expiry (0 when absent or not
   * after 1970); unknown fields, such as {@code minute_qps}, are skipped.
   *
   * @throws InvalidProtocolBufferException if the body is not a {@code GetResponse}
   */
  public static PeerValue decodeGetResponse(ByteBuf body) throws InvalidProtocolBufferException {
    byte[] alone = valueAlone(body);
    if (alone != null) {
      return PeerValue.of(ByteViews.wrap(alone), 0);
    }
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
          break; // an end-group tag: not a GetResponse, but nothing to read after it
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidProtocolBufferException(e);
    }
    return PeerValue.of(ByteViews.wrap(value), Math.max(0, expire));
  }

  /** The value, copied out, when {@code body} is the value field and nothing else; else null. */
  private static byte[] valueAlone(ByteBuf body) {
    int start = body.readerIndex();
    int end = body.writerIndex();
    if (end - start < 2 || body.getByte(start) != VALUE_TAG) {
      return null;
    }
    int at = start + 1;
    long len = 0;
    for (int shift = 0; at < end && shift < 35; shift += 7) {
      byte b = body.getByte(at++);
      len |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        if (at + len != end) {
          return null; // more fields follow (an expiry, minute_qps)
        }
        byte[] value = new byte[(int) len];
        body.getBytes(at, value);
        return value;
      }
    }
    return null;
  }

  private static void writeVarint(ByteBuf out, long n) {
    while ((n & ~0x7fL) != 0) {
      out.writeByte((int) ((n & 0x7f) | 0x80));
      n >>>= 7;
    }
    out.writeByte((int) n);
  }

  /** The body of a {@code PUT}: {@code SetRequest{group, key, value, expire}} (expire left out when 0). */
  public static byte[] encodeSetRequest(String group, String key, ByteView value, long expireUnixNanos) {
    SetRequest.Builder b = SetRequest.newBuilder().setGroup(group).setKey(key)
        .setValue(UnsafeByteOperations.unsafeWrap(ByteViews.arrayOf(value), ByteViews.offsetIn(value), value.length())); // read only, no copy
    if (expireUnixNanos != 0) {
      b.setExpire(expireUnixNanos);
    }
    return b.build().toByteArray();
  }

  /**
   * Reads the body of a {@code PUT}.
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
    return new SetRequestBody(r.getGroup(), r.getKey(), ByteViews.wrap(r.getValue().toByteArray()),
        Math.max(0, r.getExpire()));
  }

  /** The body of a {@code _remove-keys} POST, as groupcache-go writes it. */
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
   * Reads the body of a {@code _remove-keys} POST.
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

  // ---- between our nodes only

  /** A {@code PeekRequest} as received. */
  public record PeekRequestBody(String group, String key) {}

  /** A {@code HintPull} as received. */
  public record HintPullBody(String from, long incarnation) {}

  public static byte[] encodePeekRequest(String group, String key) {
    return GroupcachePb.PeekRequest.newBuilder().setGroup(group).setKey(key).build().toByteArray();
  }

  /** @throws IllegalArgumentException if the body is not a {@code PeekRequest} */
  public static PeekRequestBody decodePeekRequest(ByteBuf body) {
    try {
      GroupcachePb.PeekRequest r = GroupcachePb.PeekRequest.parseFrom(body.nioBuffer());
      return new PeekRequestBody(r.getGroup(), r.getKey());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("the body is not a PeekRequest: " + e.getMessage());
    }
  }

  /** The answer to a peek: the entry found, or not found ({@code entry} null). */
  public static byte[] encodePeekResponse(PeerValue entry) {
    GroupcachePb.PeekResponse.Builder b = GroupcachePb.PeekResponse.newBuilder().setFound(entry != null);
    if (entry != null) {
      if (entry.found()) {
        ByteView v = entry.value();
        b.setValue(UnsafeByteOperations.unsafeWrap(ByteViews.arrayOf(v), ByteViews.offsetIn(v), v.length())); // read only
      } else {
        b.setNotFound(true);
        if (entry.notFoundDetail() != null) {
          b.setNotFoundDetail(entry.notFoundDetail());
        }
      }
      if (entry.expireUnixNanos() != 0) {
        b.setExpire(entry.expireUnixNanos());
      }
    }
    return b.build().toByteArray();
  }

  /**
   * Reads the answer to a peek: the entry, or {@code null} when the peer does not hold it.
   *
   * @throws InvalidProtocolBufferException if the body is not a {@code PeekResponse}
   */
  public static PeerValue decodePeekResponse(ByteBuf body) throws InvalidProtocolBufferException {
    GroupcachePb.PeekResponse r = GroupcachePb.PeekResponse.parseFrom(body.nioBuffer());
    if (!r.getFound()) {
      return null;
    }
    long expire = Math.max(0, r.getExpire());
    if (r.getNotFound()) {
      return PeerValue.notFound(r.hasNotFoundDetail() ? r.getNotFoundDetail() : null, expire);
    }
    return PeerValue.of(ByteViews.wrap(r.getValue().toByteArray()), expire);
  }

  public static byte[] encodeHintDelivery(HintDelivery d) {
    GroupcachePb.HintDelivery.Builder b = GroupcachePb.HintDelivery.newBuilder().setFrom(d.from())
        .setFromIncarnation(d.fromIncarnation()).setForIncarnation(d.forIncarnation())
        .setUnreachableSinceMillis(d.unreachableSinceMillis()).setThrough(d.through());
    for (HintOp op : d.ops()) {
      GroupcachePb.HintOp.Builder o = GroupcachePb.HintOp.newBuilder();
      if (op.group() != null) {
        o.setGroup(op.group());
      }
      if (op.key() != null) {
        o.setKey(op.key());
      }
      if (op.ageMillis() != 0) {
        o.setAgeMillis(op.ageMillis());
      }
      b.addOps(o);
    }
    return b.build().toByteArray();
  }

  /** @throws IllegalArgumentException if the body is not a {@code HintDelivery} */
  public static HintDelivery decodeHintDelivery(ByteBuf body) {
    GroupcachePb.HintDelivery r;
    try {
      r = GroupcachePb.HintDelivery.parseFrom(body.nioBuffer());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("the body is not a HintDelivery: " + e.getMessage());
    }
    List<HintOp> ops = new ArrayList<>(r.getOpsCount());
    for (GroupcachePb.HintOp o : r.getOpsList()) {
      if (!o.hasGroup() && o.hasKey()) {
        throw new IllegalArgumentException("a hint names a key without its group");
      }
      if (o.getAgeMillis() < 0) {
        throw new IllegalArgumentException("a hint's age is negative (" + o.getAgeMillis() + " ms)");
      }
      ops.add(new HintOp(o.hasGroup() ? o.getGroup() : null, o.hasKey() ? o.getKey() : null, o.getAgeMillis()));
    }
    return new HintDelivery(r.getFrom(), r.getFromIncarnation(), r.getForIncarnation(), r.getUnreachableSinceMillis(),
        ops, r.getThrough());
  }

  public static byte[] encodeHintPull(String from, long incarnation) {
    return GroupcachePb.HintPull.newBuilder().setFrom(from).setIncarnation(incarnation).build().toByteArray();
  }

  /** @throws IllegalArgumentException if the body is not a {@code HintPull} */
  public static HintPullBody decodeHintPull(ByteBuf body) {
    try {
      GroupcachePb.HintPull r = GroupcachePb.HintPull.parseFrom(body.nioBuffer());
      return new HintPullBody(r.getFrom(), r.getIncarnation());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("the body is not a HintPull: " + e.getMessage());
    }
  }

  public static byte[] encodeHintAck(HintAck a) {
    return GroupcachePb.HintAck.newBuilder().setFrom(a.from()).setIncarnation(a.incarnation()).setThrough(a.through())
        .build().toByteArray();
  }

  /** @throws IllegalArgumentException if the body is not a {@code HintAck} */
  public static HintAck decodeHintAck(ByteBuf body) {
    try {
      GroupcachePb.HintAck r = GroupcachePb.HintAck.parseFrom(body.nioBuffer());
      return new HintAck(r.getFrom(), r.getIncarnation(), r.getThrough());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("the body is not a HintAck: " + e.getMessage());
    }
  }
}
