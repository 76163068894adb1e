package org.groupcache4j.discovery;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * A source of the peer list: each {@link #lookup()} answers the peers as they are now. A
 * {@link PeerWatcher} asks it at an interval and applies changes with
 * {@link org.groupcache4j.GroupCache#setPeers}.
 *
 * <pre>{@code
 * PeerWatcher w = PeerWatcher.start(cache, PeerDiscovery.dns("http://groupcache.default.svc.cluster.local:8001"),
 *     Duration.ofSeconds(5));
 * }</pre>
 *
 * <p>Implement it for another registry; a lookup may block (it runs on the watcher's thread).
 */
public interface PeerDiscovery {
  /**
   * The peers now, each a peer URL as the ring names it ({@code http://10.0.0.1:8001}). Every
   * node of a cluster must get the same list in the same order; an empty list means the source
   * names no peer at the moment.
   *
   * @throws IOException if the source cannot be read (the watcher keeps the last list and retries)
   */
  List<String> lookup() throws IOException;

  /** What this source is, for messages: {@code file /etc/groupcache/peers}, {@code DNS ...}. */
  String describe();

  /**
   * A file with one peer URL a line ({@code #} starts a comment, blank lines are skipped), in the
   * order of the file. A file written in place or replaced (renamed over, a symlink swapped, as
   * Kubernetes updates a mounted ConfigMap) is read again as a whole; a lookup that meets the file
   * half-written waits until two reads agree.
   */
  static PeerDiscovery file(Path path) {
    return new FilePeerDiscovery(path);
  }

  /**
   * Every A and AAAA record of the host of {@code url} ({@code http://NAME:PORT}) as a peer
   * {@code http://IP:PORT}, sorted so that every node builds the same ring: how a Kubernetes
   * headless Service names its pods. Asks the name servers of {@code /etc/resolv.conf} directly
   * (the JDK's DNS provider, so no JVM-wide address cache delays a change).
   *
   * @throws IllegalArgumentException if {@code url} is not {@code http(s)://NAME:PORT}
   */
  static PeerDiscovery dns(String url) {
    return new DnsPeerDiscovery(url, null);
  }

  /** Like {@link #dns(String)}, asking the name server at {@code server} instead of the system's. */
  static PeerDiscovery dns(String url, InetSocketAddress server) {
    return new DnsPeerDiscovery(url, java.util.Objects.requireNonNull(server, "server"));
  }
}
