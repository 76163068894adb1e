package org.groupcache4j.http.internal.protocol;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;

/**
 * A peer URL taken apart, for the client (where to connect, the {@code host} header, the path
 * that goes before the base path) and for the server (where to listen for the self URL).
 *
 * <p>The schemes this transport speaks are the keys of {@link #DEFAULT_PORTS}: {@code http} and
 * {@code https}; {@link #secure()} tells the connection pool to put TLS on its connections and
 * the server to serve TLS.
 */
public final class PeerUrl {
  /** The schemes accepted, with the port used when the URL names none. */
  private static final Map<String, Integer> DEFAULT_PORTS = Map.of("http", 80, "https", 443);
  /** What an accepted URL looks like, for error messages. */
  private static final String SPOKEN = "an http:// or https:// URL";

  private final String url;
  private final String scheme;
  private final String host; // without the brackets of an IPv6 literal
  private final int port;
  private final String hostHeader;
  private final String path;

  private PeerUrl(String url, String scheme, String host, int port, String hostHeader, String path) {
    this.url = url;
    this.scheme = scheme;
    this.host = host;
    this.port = port;
    this.hostHeader = hostHeader;
    this.path = path;
  }

  /**
   * Parses {@code url}, e.g. {@code http://10.0.0.2:8001} or {@code http://[::1]:8001/prefix}.
   *
   * @throws IllegalArgumentException saying what is wrong with it, e.g. "peer URL ftp://a is not
   *     an http:// or https:// URL"
   */
  public static PeerUrl parse(String url) {
    if (url == null) {
      throw new IllegalArgumentException("the peer URL is null; expected e.g. http://10.0.0.2:8001");
    }
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("peer URL " + url + " is not a valid URL: " + e.getMessage(), e);
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    Integer defaultPort = DEFAULT_PORTS.get(scheme);
    if (defaultPort == null) {
      throw new IllegalArgumentException("peer URL " + url + " is not " + SPOKEN);
    }
    if (u.getHost() == null) {
      throw new IllegalArgumentException("peer URL " + url + " has no host; expected e.g. " + scheme + "://10.0.0.2:8001");
    }
    String h = u.getHost();
    boolean bracketed = h.startsWith("[") && h.endsWith("]"); // an IPv6 literal
    int port = u.getPort() < 0 ? defaultPort : u.getPort();
    return new PeerUrl(url, scheme, bracketed ? h.substring(1, h.length() - 1) : h, port,
        u.getPort() < 0 ? h : h + ":" + port, u.getRawPath() == null ? "" : u.getRawPath());
  }

  /** The URL as given. */
  public String url() {
    return url;
  }

  /** The scheme, in lower case. */
  public String scheme() {
    return scheme;
  }

  /** Whether connections to this peer use TLS ({@code https}). */
  public boolean secure() {
    return secure(url);
  }

  /**
   * Whether {@code url} names the {@code https} scheme (any case), so its connections, or the
   * server of a node whose self URL it is, use TLS; false for null. The URL need not be one that
   * {@link #parse} accepts (a node given a bind address may have any self URL).
   */
  public static boolean secure(String url) {
    return url != null && url.regionMatches(true, 0, "https://", 0, 8);
  }

  /** The host name or address, IPv6 literals without brackets. */
  public String host() {
    return host;
  }

  /** The port, or the scheme's default port when the URL names none. */
  public int port() {
    return port;
  }

  /** The value of the {@code host} header of requests to this peer: host, and port if the URL names one. */
  public String hostHeader() {
    return hostHeader;
  }

  /** The raw (still percent-encoded) path of the URL, {@code ""} if none; requests go to it + base path. */
  public String path() {
    return path;
  }

  /** Where to connect, resolved at each connect (DNS changes are followed). */
  public InetSocketAddress connectAddress() {
    return InetSocketAddress.createUnresolved(host, port);
  }

  /**
   * Where a node whose self URL is {@code selfUrl} listens: its host and port.
   *
   * @throws IllegalArgumentException if {@code selfUrl} is not a URL this transport can serve,
   *     saying so and how to set the address instead
   */
  public static InetSocketAddress listenAddressOf(String selfUrl) {
    if (selfUrl == null) {
      throw new IllegalArgumentException("the self URL is null; set GroupCache.builder().self(\"http://host:port\")");
    }
    PeerUrl u;
    try {
      u = parse(selfUrl);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot tell where to listen from the self URL '" + selfUrl + "': "
          + e.getMessage() + "; expected http[s]://host[:port], e.g. http://10.0.0.1:8001, or set "
          + "HttpPeerTransport.builder().bindAddress(...)", e);
    }
    return new InetSocketAddress(u.host, u.port);
  }

  @Override
  public String toString() {
    return url;
  }
}
