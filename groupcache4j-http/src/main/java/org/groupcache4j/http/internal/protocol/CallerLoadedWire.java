package org.groupcache4j.http.internal.protocol;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.groupcache4j.ByteView;
import org.groupcache4j.http.internal.protocol.pb.GroupcachePb;
import org.groupcache4j.internal.ByteViews;
import org.groupcache4j.peer.LeaseAnswer;
import org.groupcache4j.peer.PeerValue;

/**
 * The requests only groupcache4j nodes send each other, beside golang/groupcache's protocol: load
 * leases of caller-loaded groups ({@code org.groupcache4j.Leases}), put-if-absent and clear, each a
 * {@code POST} under the group with a message of {@code groupcache.proto}:
 * <pre>
 *   {base}{group}/_lease/{key}          LeaseRequest    -&gt; 200 LeaseAnswer
 *   {base}{group}/_lease-done/{key}     LeaseCompletion -&gt; 200 taken | 409 not taken
 *   {base}{group}/_put-if-absent/{key}  SetRequest      -&gt; 201 stored | 200 GetResponse (the value held)
 *   {base}{group}/_clear                (no body)       -&gt; 200
 * </pre>
 * The client sends them only to a peer whose answers showed it is one of our nodes
 * ({@link PeerHeaders#NODE}), as it does writes.
 */
public final class CallerLoadedWire {
  public static final String LEASE = "_lease/";
  public static final String LEASE_DONE = "_lease-done/";
  public static final String PUT_IF_ABSENT = "_put-if-absent/";
  public static final String CLEAR = "_clear";

  private CallerLoadedWire() {}

  // ---- lease

  public static byte[] encodeLeaseRequest(Duration wait, String asker) {
    GroupcachePb.LeaseRequest.Builder b = GroupcachePb.LeaseRequest.newBuilder().setWaitMillis(wait.toMillis());
    if (asker != null) {
      b.setAsker(asker);
    }
    return b.build().toByteArray();
  }

  /** The request's wait (at most {@code max}) and asker; throws IllegalArgumentException for bytes that are not one. */
  public static GroupcachePb.LeaseRequest decodeLeaseRequest(ByteBuf body) {
    try {
      return GroupcachePb.LeaseRequest.parseFrom(ByteBufUtil.getBytes(body));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("the body is not a LeaseRequest: " + e.getMessage());
    }
  }

  /** A value's bytes (its range of a larger array, for a compact store's view), copied once into the message. */
  private static ByteString bytesOf(ByteView v) {
    return ByteString.copyFrom(ByteViews.arrayOf(v), ByteViews.offsetIn(v), v.length());
  }

  public static byte[] encodeLeaseAnswer(LeaseAnswer a) {
    GroupcachePb.LeaseAnswer.Builder b = GroupcachePb.LeaseAnswer.newBuilder();
    switch (a.kind()) {
      case VALUE -> {
        b.setKind(GroupcachePb.LeaseAnswer.Kind.VALUE).setExpire(a.value().expireUnixNanos());
        if (a.value().found()) {
          b.setValue(bytesOf(a.value().value()));
        } else {
          b.setNotFound(true);
          if (a.value().notFoundDetail() != null) {
            b.setDetail(a.value().notFoundDetail());
          }
        }
      }
      case GRANTED -> b.setKind(GroupcachePb.LeaseAnswer.Kind.GRANTED).setLeaseId(a.leaseId()).setLeaseMillis(a.leaseMillis());
      case FAILED -> b.setKind(GroupcachePb.LeaseAnswer.Kind.FAILED).setDetail(a.failure());
      case WAIT -> b.setKind(GroupcachePb.LeaseAnswer.Kind.WAIT);
    }
    return b.build().toByteArray();
  }

  public static LeaseAnswer decodeLeaseAnswer(byte[] body) throws InvalidProtocolBufferException {
    GroupcachePb.LeaseAnswer m = GroupcachePb.LeaseAnswer.parseFrom(body);
    return switch (m.getKind()) {
      case VALUE -> LeaseAnswer.value(m.getNotFound()
          ? PeerValue.notFound(m.hasDetail() ? m.getDetail() : null, m.getExpire())
          : PeerValue.of(ByteViews.wrap(m.getValue().toByteArray()), m.getExpire()));
      case GRANTED -> {
        if (!m.hasLeaseId()) {
          throw new InvalidProtocolBufferException("a granted lease without its id");
        }
        yield LeaseAnswer.granted(m.getLeaseId(), m.getLeaseMillis());
      }
      case FAILED -> LeaseAnswer.failed(m.hasDetail() ? m.getDetail() : "failed");
      case WAIT -> LeaseAnswer.waitAgain();
    };
  }

  public static byte[] encodeLeaseCompletion(String leaseId, ByteView value, long expireUnixNanos, String failure) {
    GroupcachePb.LeaseCompletion.Builder b = GroupcachePb.LeaseCompletion.newBuilder().setLeaseId(leaseId);
    if (value != null) {
      b.setValue(bytesOf(value)).setExpire(expireUnixNanos);
    } else {
      b.setFailure(failure == null ? "failed" : failure);
    }
    return b.build().toByteArray();
  }

  public static GroupcachePb.LeaseCompletion decodeLeaseCompletion(ByteBuf body) {
    GroupcachePb.LeaseCompletion m;
    try {
      m = GroupcachePb.LeaseCompletion.parseFrom(ByteBufUtil.getBytes(body));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("the body is not a LeaseCompletion: " + e.getMessage());
    }
    if (!m.hasLeaseId() || (!m.hasValue() && !m.hasFailure())) {
      throw new IllegalArgumentException("a LeaseCompletion needs lease_id and a value or a failure");
    }
    return m;
  }

  /** The value of a completion, or null for a failure. */
  public static ByteView value(GroupcachePb.LeaseCompletion m) {
    return m.hasValue() ? ByteViews.wrap(m.getValue().toByteArray()) : null;
  }

  /** A failed future of {@code t}. */
  static <T> CompletableFuture<T> failed(Throwable t) {
    return CompletableFuture.failedFuture(t);
  }
}
