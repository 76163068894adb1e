package org.groupcache4j.http.internal.protocol;

import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import org.groupcache4j.peer.OwnershipState;
import org.groupcache4j.peer.PeerRequestHandler;

/**
 * A node's incarnation and ownership state as its answers carry them ({@link PeerHeaders#INCARNATION},
 * {@link PeerHeaders#STATE}): written by the peer endpoint from the node's handler (the header
 * lines made once per state, so an answer adds bytes and allocates nothing), read by the client
 * from every answer and told to the node ({@link PeerRequestHandler#peerSaid}).
 */
public final class NodeIdentity {
  private final PeerRequestHandler node;
  private final String incarnation; // 16 hex digits
  private final byte[][] lines; // by state ordinal: both header lines
  private final String[] states;

  private NodeIdentity(PeerRequestHandler node) {
    this.node = node;
    this.incarnation = hex(node.incarnation());
    OwnershipState[] all = OwnershipState.values();
    this.lines = new byte[all.length][];
    this.states = new String[all.length];
    for (OwnershipState s : all) {
      states[s.ordinal()] = s.wireName();
      lines[s.ordinal()] = (PeerHeaders.INCARNATION + ": " + incarnation + "\r\n" + PeerHeaders.STATE + ": " + s.wireName()
          + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }
  }

  /** The identity of the node {@code node} answers for, or {@code null} if it has none (a handler that is no node of ours). */
  public static NodeIdentity of(PeerRequestHandler node) {
    return node == null || node.incarnation() == 0 ? null : new NodeIdentity(node);
  }

  /** The two header lines of an answer now (the node's state is asked each time). */
  public byte[] headLines() {
    return lines[node.ownershipState().ordinal()];
  }

  /** The incarnation, 16 hex digits. */
  public String incarnation() {
    return incarnation;
  }

  /** The state's name on the wire now. */
  public String state() {
    return states[node.ownershipState().ordinal()];
  }

  /** {@code n} as 16 lower-case hex digits. */
  public static String hex(long n) {
    String h = Long.toHexString(n);
    return "0000000000000000".substring(h.length()) + h;
  }

  /**
   * Tells {@code node} what an answer of {@code peer} with {@code headers} says of the peer: its
   * incarnation and state when it is one of ours that says them; none (a golang/groupcache peer:
   * ready, no incarnation) when it is not ours. An answer of ours without them (a relay that could
   * not reach the peer, an older node) says nothing. Allocates nothing but what the decoder did.
   */
  public static void heard(PeerRequestHandler node, String peer, HttpHeaders headers, boolean ours) {
    if (node == null) {
      return;
    }
    if (!ours) {
      node.peerSaid(peer, 0, null);
      return;
    }
    String inc = headers.get(PeerHeaders.INCARNATION);
    if (inc == null) {
      return;
    }
    long incarnation;
    try {
      incarnation = Long.parseUnsignedLong(inc.trim(), 16);
    } catch (NumberFormatException e) {
      return;
    }
    node.peerSaid(peer, incarnation, OwnershipState.fromWireName(headers.get(PeerHeaders.STATE)));
  }
}
