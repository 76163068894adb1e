package org.groupcache4j.discovery;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;

/** Peer URLs as the ring names them: {@code http(s)://HOST:PORT}, no path, no trailing slash. */
final class PeerUrls {
  private PeerUrls() {}

  /** {@code text} unchanged if it is a peer URL (the ring hashes the exact string). */
  static String check(String text) {
    URI u = parse(text);
    if (u.getHost() == null || u.getPort() < 0 || (u.getRawPath() != null && !u.getRawPath().isEmpty())
        || u.getRawQuery() != null || u.getRawFragment() != null || u.getRawUserInfo() != null) {
      throw new IllegalArgumentException("'" + text + "' is not a peer URL; use http://HOST:PORT with no "
          + "path or trailing slash, e.g. http://10.0.0.1:8001");
    }
    return text;
  }

  /** {@code text} parsed, if its scheme is http or https. */
  static URI parse(String text) {
    try {
      URI u = new URI(text);
      if ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) {
        return u;
      }
    } catch (URISyntaxException e) {
      // the message below says what is accepted
    }
    throw new IllegalArgumentException("'" + text + "' is not an http:// or https:// URL, e.g. http://10.0.0.1:8001");
  }

  /** {@code scheme://ADDRESS:port}, an IPv6 address in brackets and in RFC 5952's short form. */
  static String of(String scheme, InetAddress address, int port) {
    String host = address instanceof Inet6Address ? "[" + shortV6(address.getAddress()) + "]" : address.getHostAddress();
    return scheme + "://" + host + ":" + port;
  }

  /** RFC 5952: lower-case hex, no leading zeros, the longest run (2 groups or more) of zero groups as {@code ::}. */
  static String shortV6(byte[] a) {
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }
}
