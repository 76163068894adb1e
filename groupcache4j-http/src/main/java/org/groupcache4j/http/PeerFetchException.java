package org.groupcache4j.http;

import java.io.IOException;
import org.groupcache4j.internal.Text;

/**
 * A fetch from a peer failed in transport, not in the owner's loader: the peer could not be
 * reached, did not answer in time, broke the connection, answered something that is not the peer
 * protocol, or answered an error that no loader produced (an unknown group, or a plain
 * {@code 500} as golang/groupcache sends for every error). Following the
 * {@link org.groupcache4j.peer.PeerClient} contract, the group then counts a peer error and loads
 * the key itself; the caller of {@code Group.get} sees this exception only in logs and in the
 * causes of a failed local load.
 *
 * <p>An error the owner's loader produced is not a transport failure: it arrives as the owner's
 * {@link org.groupcache4j.LoadException}, {@link org.groupcache4j.LoadTimeoutException} or
 * {@link org.groupcache4j.KeyNotFoundException} instead.
 *
 * <p>The message names the peer, the group and the key, and says what happened;
 * {@link #reason()} tells the kinds of failure apart for code that judges a peer's health (a
 * refused connection says more about the peer than an unknown group does).
 */
public final class PeerFetchException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What kind of transport failure ended the fetch. */
  public enum Reason {
    /** The peer URL cannot be used by this transport (not {@code http://}, no host, malformed). */
    INVALID_URL,
    /** The client was closed: the peer left the peer list, or the node is closing. */
    CLIENT_CLOSED,
    /** Every pooled connection to the peer was busy and too many fetches were waiting already. */
    TOO_MANY_WAITING,
    /** No connection could be opened: refused, unreachable, unresolvable, or the connect timeout passed. */
    CONNECT_FAILED,
    /** The connection was closed or reset before the whole answer arrived. */
    CONNECTION_LOST,
    /** No whole answer within the transport's response timeout (waiting for a connection included). */
    TIMED_OUT,
    /** The answer is not the peer protocol: not HTTP, not a {@code GetResponse}, or larger than allowed. */
    BAD_ANSWER,
    /** An error status that no loader produced: {@code 400}, {@code 404} unknown group, a plain {@code 500}. */
    ERROR_STATUS,
    /** Released on purpose before its answer, e.g. because the peer was judged down; the cause says why. */
    RELEASED,
    /** The peer asked to carry the request to this peer (a relay) could not reach it. */
    RELAY_FAILED
  }

  private final Reason reason;
  private final String peer;
  private final String group;
  private final String key;

  /**
   * @param what what happened, e.g. "cannot connect: Connection refused"; the message adds the
   *     peer, group and key
   */
  public PeerFetchException(Reason reason, String peer, String group, String key, String what, Throwable cause) {
    this(reason, peer, group, key, "fetch", what, cause);
  }

  /**
   * A failure of another request of a key than a fetch.
   *
   * @param request what the request was, e.g. "remove" or "set"; its subject is {@code key}, or what
   *     {@code key} says if it has a space ("3 keys", "every key")
   */
  public PeerFetchException(Reason reason, String peer, String group, String key, String request, String what,
      Throwable cause) {
    super((group.isEmpty() ? key.indexOf(' ') >= 0 ? key // no group: a request of the node's ("handoff of 3 entries")
        : "fetch of the node's " + key + " document" // or a status request
        : request + " of group '" + Text.quotable(group) + "', "
            + (!request.equals("fetch") && key.indexOf(' ') >= 0 ? key : "key '" + Text.quotable(key) + "'"))
        + " from peer " + peer + " failed: " + what, cause);
    this.reason = reason;
    this.peer = peer;
    this.group = group;
    this.key = key;
  }

  /** What kind of failure this is. */
  public Reason reason() {
    return reason;
  }

  /** The peer URL asked, as named in the peer list. */
  public String peer() {
    return peer;
  }

  /** The group asked for. */
  public String group() {
    return group;
  }

  /** The key asked for. */
  public String key() {
    return key;
  }
}
