package org.groupcache4j.http.internal.protocol;

import io.netty.util.AsciiString;

/**
 * The headers of the peer protocol: the content types of its bodies, and the headers our nodes
 * add, which golang/groupcache ignores (to a Go client every answer but a 200 is a failed fetch).
 * <ul>
 *   <li>{@link #ERROR} on an error answer that the owner's loader produced, so that our clients
 *       pass the owner's error back instead of loading the key again ({@link PeerErrors});</li>
 *   <li>{@link #NODE} on every answer of our peer endpoint: this node takes writes.
 *       golang/groupcache answers any method as a GET (a DELETE would load the key there), so in a
 *       golang or balanced ring our client sends writes only to a peer whose answers carry it. Our
 *       client's writes carry it too: a set without it came from a node of another lineage;</li>
 *   <li>{@link #EXPIRE} on a not-found answer that the owner caches: how long the asker may keep it;</li>
 *   <li>{@link #RING} on requests and answers: the sender's ring fingerprint ({@link RingCheck});</li>
 *   <li>{@link #INCARNATION} and {@link #STATE} on every answer: the node's incarnation (16 hex
 *       digits, drawn at start) and whether it owns keys now ({@code ready}, {@code catching-up},
 *       {@code draining}); {@link NodeIdentity} reads and writes them;</li>
 *   <li>{@link #RELAY_TO} on a request a node is asked to forward to another peer, and
 *       {@link #RELAY_FAILED} on its answer when it could not.</li>
 * </ul>
 */
public final class PeerHeaders {
  /** The type of a {@code GetResponse} or {@code SetRequest} body. */
  public static final AsciiString CONTENT_TYPE_PROTOBUF = AsciiString.cached("application/x-protobuf");
  /** The type of a {@code _remove-keys} body. */
  public static final AsciiString CONTENT_TYPE_JSON = AsciiString.cached("application/json");

  /** Header of an error answer that comes from the owner's loader; its value is one of the kinds below. */
  public static final AsciiString ERROR = AsciiString.cached("x-groupcache4j-error");
  public static final String LOAD_FAILED = "load-failed";
  public static final String NOT_FOUND = "not-found";
  public static final String LOAD_TIMEOUT = "load-timeout";

  /** Marks every answer of our peer endpoint (this node takes writes), and every write our client sends. */
  public static final AsciiString NODE = AsciiString.cached("x-groupcache4j-node");
  public static final AsciiString NODE_WRITES = AsciiString.cached("writes");

  /** On a cached not-found answer: its expiry, Unix nanoseconds. */
  public static final AsciiString EXPIRE = AsciiString.cached("x-groupcache4j-expire");

  /** The sender's ring fingerprint, on requests and answers. */
  public static final AsciiString RING = AsciiString.cached("x-groupcache4j-ring");

  /** The answering node's incarnation, 16 lower-case hex digits. */
  public static final AsciiString INCARNATION = AsciiString.cached("x-groupcache4j-incarnation");

  /** The answering node's ownership state: ready, catching-up, draining. */
  public static final AsciiString STATE = AsciiString.cached("x-groupcache4j-state");

  /** On a request: forward it to this peer URL and pass its answer back. */
  /** A write's id, on our nodes' writes. */
  public static final AsciiString WRITE = AsciiString.cached("x-groupcache4j-write");

  /** The writes a fetch or peek waits for at the answerer: ids, comma-separated. */
  public static final AsciiString AFTER = AsciiString.cached("x-groupcache4j-after");

  public static final AsciiString RELAY_TO = AsciiString.cached("x-groupcache4j-relay-to");

  /** On a relay's 502: why it could not forward the request. */
  public static final AsciiString RELAY_FAILED = AsciiString.cached("x-groupcache4j-relay-failed");

  private PeerHeaders() {}
}
