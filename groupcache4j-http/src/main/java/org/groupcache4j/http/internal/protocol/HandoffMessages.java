package org.groupcache4j.http.internal.protocol;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import io.netty.buffer.ByteBuf;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.groupcache4j.http.internal.protocol.pb.GroupcachePb;
import org.groupcache4j.internal.ByteViews;
import org.groupcache4j.peer.HandoffClient;
import org.groupcache4j.peer.HandoffEntry;
import org.groupcache4j.peer.PeerValue;
import org.groupcache4j.peer.TakeBackAnswer;

/**
 * The messages of a handoff between our nodes ({@code POST {basePath}_handoff}): a
 * {@code HandoffRequest} (the sender, its window, its entries; none for the notice) and the
 * {@code HandoffReply} (entries kept and dropped); and of a take-back ({@code POST
 * {basePath}_take-back}): a {@code TakeBackRequest}, answered with a {@code HandoffRequest}; as
 * {@code groupcache.proto} defines them.
 */
public final class HandoffMessages {
  private HandoffMessages() {}

  /** A request read: who sends, for how long, the entries, and (the answer to a take-back) the keys in demand. */
  public record Request(String sender, Duration window, List<HandoffEntry> entries, List<String> keysInDemand) {}

  public static byte[] encodeRequest(String sender, Duration window, List<HandoffEntry> entries) {
    return encodeRequest(sender, window, entries, List.of());
  }

  /** The answer to a take-back: a {@code HandoffRequest} with no sender, the entries and the keys in demand. */
  public static byte[] encodeTakeBackAnswer(TakeBackAnswer answer) {
    return encodeRequest("", Duration.ZERO, answer.entries(), answer.keysInDemand());
  }

  private static byte[] encodeRequest(String sender, Duration window, List<HandoffEntry> entries,
      List<String> keysInDemand) {
    GroupcachePb.HandoffRequest.Builder b = GroupcachePb.HandoffRequest.newBuilder().setSender(sender)
        .setWindowMillis(window.toMillis()).addAllKeysInDemand(keysInDemand);
    for (HandoffEntry e : entries) {
      GroupcachePb.HandoffEntry.Builder eb = GroupcachePb.HandoffEntry.newBuilder().setGroup(e.group()).setKey(e.key());
      PeerValue v = e.value();
      if (v.found()) {
        eb.setValue(UnsafeByteOperations.unsafeWrap(ByteViews.arrayOf(v.value()), ByteViews.offsetIn(v.value()),
            v.value().length())); // read only, no copy
      } else if (v.notFoundDetail() != null) {
        eb.setNotFoundDetail(v.notFoundDetail());
      }
      if (v.expireUnixNanos() != 0) {
        eb.setExpire(v.expireUnixNanos());
      }
      b.addEntries(eb);
    }
    return b.build().toByteArray();
  }

  /**
   * Reads a request.
   *
   * @throws IllegalArgumentException if it is not a {@code HandoffRequest} with a sender
   */
  public static Request decodeRequest(ByteBuf body) {
    GroupcachePb.HandoffRequest r;
    try {
      r = GroupcachePb.HandoffRequest.parseFrom(body.nioBuffer());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("the body is not a HandoffRequest: " + e.getMessage(), e);
    }
    List<HandoffEntry> entries = new ArrayList<>(r.getEntriesCount());
    for (GroupcachePb.HandoffEntry e : r.getEntriesList()) {
      long expire = Math.max(0, e.getExpire());
      PeerValue v = e.hasValue() ? PeerValue.of(ByteViews.wrap(bytes(e.getValue())), expire)
          : PeerValue.notFound(e.hasNotFoundDetail() ? e.getNotFoundDetail() : null, expire);
      entries.add(new HandoffEntry(e.getGroup(), e.getKey(), v));
    }
    return new Request(r.getSender(), Duration.ofMillis(Math.max(0, r.getWindowMillis())), entries,
        r.getKeysInDemandList());
  }

  /** A take-back request read: who asks, for which group, up to how many bytes. */
  public record TakeBack(String requester, String group, long maxBytes) {}

  public static byte[] encodeTakeBack(String requester, String group, long maxBytes) {
    return GroupcachePb.TakeBackRequest.newBuilder().setRequester(requester).setGroup(group).setMaxBytes(maxBytes)
        .build().toByteArray();
  }

  /**
   * Reads a take-back request.
   *
   * @throws IllegalArgumentException if it is not a {@code TakeBackRequest} with a requester and a group
   */
  public static TakeBack decodeTakeBack(ByteBuf body) {
    GroupcachePb.TakeBackRequest r;
    try {
      r = GroupcachePb.TakeBackRequest.parseFrom(body.nioBuffer());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("the body is not a TakeBackRequest: " + e.getMessage(), e);
    }
    return new TakeBack(r.getRequester(), r.getGroup(), Math.max(0, r.getMaxBytes()));
  }

  private static byte[] bytes(ByteString s) {
    return s.toByteArray();
  }

  public static byte[] encodeReply(HandoffClient.Reply reply) {
    return GroupcachePb.HandoffReply.newBuilder().setKept(reply.kept()).setDropped(reply.dropped()).build()
        .toByteArray();
  }

  /**
   * Reads a reply.
   *
   * @throws InvalidProtocolBufferException if it is not a {@code HandoffReply}
   */
  public static HandoffClient.Reply decodeReply(byte[] body) throws InvalidProtocolBufferException {
    GroupcachePb.HandoffReply r = GroupcachePb.HandoffReply.parseFrom(body);
    return new HandoffClient.Reply(r.getKept(), r.getDropped());
  }
}
