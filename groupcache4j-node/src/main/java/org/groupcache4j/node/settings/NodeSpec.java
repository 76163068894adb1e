package org.groupcache4j.node.settings;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.groupcache4j.ring.RingMode;

/**
 * A node as its settings describe it ({@link NodeSettings#resolve}): who it is, who its peers are,
 * how its ring and peer transport are set up, and which TLS and token files it uses. Files are
 * named, not read: whoever starts the node reads them.
 *
 * @param self this node's peer URL ({@link NodeSettings#SELF})
 * @param peers the fixed peer list, this node included ({@link NodeSettings#PEERS}; {@code self}
 *     alone by default); the first list while a {@code peerSource} is looked up
 * @param peerSource where the peers come from while the node serves, or null for {@code peers}
 * @param peerListen where the peer port listens, or null for the host and port of {@code self}
 * @param basePath the peer protocol's path prefix
 * @param ring how the ring places keys ({@link NodeSettings#RING})
 * @param replicas ring points per peer; 0 for a ring mode without replicas (balanced)
 * @param peerConnectTimeout the deadline of a connection to a peer
 * @param peerConnections connections to each peer, or null for the transport's default
 * @param peerThreads event-loop threads of a peer transport of its own, or null to share another's
 * @param tlsCertificate this node's certificate chain (PEM), or null
 * @param tlsKey its private key (PEM), or null; given exactly when {@code tlsCertificate} is
 * @param tlsCa CA certificates that peers' certificates chain to, or null for the JDK's trust store
 * @param peerMtls whether peers present and ask for client certificates
 * @param peerTokenFile the file of the bearer token(s) of the peer port, or null
 */
public record NodeSpec(
    String self,
    List<String> peers,
    PeerSource peerSource,
    InetSocketAddress peerListen,
    String basePath,
    RingMode ring,
    int replicas,
    Duration peerConnectTimeout,
    Integer peerConnections,
    Integer peerThreads,
    Path tlsCertificate,
    Path tlsKey,
    Path tlsCa,
    boolean peerMtls,
    Path peerTokenFile) {

  public NodeSpec {
    peers = List.copyOf(peers);
  }

  /** Whether this node's peer port serves https ({@code self} is an {@code https://} URL). */
  public boolean httpsSelf() {
    return self.startsWith("https://");
  }
}
