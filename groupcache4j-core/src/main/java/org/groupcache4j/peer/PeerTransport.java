package org.groupcache4j.peer;

/**
 * Carries requests between nodes: serves peers' requests to this node and makes clients for
 * requests to other peers. A {@link org.groupcache4j.GroupCache} owns one transport: it calls
 * {@link #start} once when built, {@link #client} for each peer in its peer list, and
 * {@link #close} when closed.
 */
public interface PeerTransport extends AutoCloseable {
  /**
   * Starts serving peers' requests for the node named {@code selfUrl}, answering them with
   * {@code handler}.
   *
   * @throws java.io.UncheckedIOException if the transport cannot listen
   */
  void start(String selfUrl, PeerRequestHandler handler);

  /** A client for the peer named {@code peerUrl}; the caller closes it when the peer leaves. */
  PeerClient client(String peerUrl);

  /** Stops serving and releases every resource. */
  @Override
  void close();
}
