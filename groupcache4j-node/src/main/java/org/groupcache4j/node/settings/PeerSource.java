package org.groupcache4j.node.settings;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.groupcache4j.discovery.PeerDiscovery;

/**
 * Where a node's peers come from while it serves, when not from a fixed list
 * ({@link NodeSettings#PEERS}): a file ({@link NodeSettings#PEERS_FILE}) or DNS
 * ({@link NodeSettings#PEERS_DNS}).
 *
 * @param file the peers file, or null
 * @param dnsUrl {@code http://NAME:PORT} whose A/AAAA records are the peers, or null
 * @param dnsServer the name server to ask, or null for those of {@code /etc/resolv.conf}
 * @param interval how often the source is read again
 */
public record PeerSource(Path file, String dnsUrl, InetSocketAddress dnsServer, Duration interval) {
  /** How often a peers file is read: changes are followed within a second or two. */
  public static final Duration FILE_INTERVAL = Duration.ofMillis(500);

  public static PeerSource file(Path file) {
    return new PeerSource(file, null, null, FILE_INTERVAL);
  }

  public static PeerSource dns(String url, InetSocketAddress server, Duration interval) {
    return new PeerSource(null, url, server, interval);
  }

  /**
   * The discovery this source describes.
   *
   * @throws IllegalArgumentException if the DNS URL is not {@code http(s)://NAME:PORT}
   */
  public PeerDiscovery discovery() {
    if (file != null) {
      return PeerDiscovery.file(file);
    }
    return dnsServer == null ? PeerDiscovery.dns(dnsUrl) : PeerDiscovery.dns(dnsUrl, dnsServer);
  }
}
