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
 *   <li>{@link #RING} on requests and answers: the sender's ring fingerprint ({@link RingCheck}).</li>
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

  private PeerHeaders() {}
}
