package org.groupcache4j.http.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Request paths of the peer protocol, {@code {basePath}{group}/{key}}, as golang/groupcache's
 * {@code HTTPPool} writes and reads them.
 *
 * <p>Encoding ({@link #escape}): every UTF-8 byte outside RFC 3986's unreserved set
 * ({@code A-Z a-z 0-9 - . _ ~}) becomes {@code %XX}, so a space is {@code %20} and a {@code +} is
 * {@code %2B}. Go's server percent-decodes the path and leaves {@code +} alone, so it reads exactly
 * our key. (Go's own client uses {@code url.QueryEscape}, which turns a space into {@code +}: Go
 * nodes therefore ask for {@code "a+b"} when they mean {@code "a b"}; that is Go's behaviour and we
 * decode what arrives, as Go's server does.)
 *
 * <p>Decoding ({@link #route}): the path (the request target up to {@code ?} or {@code #}) is
 * percent-decoded, {@code +} kept as {@code +}; the result must be valid UTF-8. The group is the
 * first segment after the base path and the key is everything after the first {@code /} (keys may
 * contain {@code /}, and may be empty).
 */
public final class PeerPaths {
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
  private static final boolean[] UNRESERVED = new boolean[128];

  static {
    for (char c = 'a'; c <= 'z'; c++) {
      UNRESERVED[c] = true;
    }
    for (char c = 'A'; c <= 'Z'; c++) {
      UNRESERVED[c] = true;
    }
    for (char c = '0'; c <= '9'; c++) {
      UNRESERVED[c] = true;
    }
    UNRESERVED['-'] = true;
    UNRESERVED['.'] = true;
    UNRESERVED['_'] = true;
    UNRESERVED['~'] = true;
  }

  private PeerPaths() {}

  /** Percent-encodes {@code s} (as UTF-8) so that only unreserved characters stay as they are. */
  public static String escape(String s) {
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c >= 128 || !UNRESERVED[c]) {
        break;
      }
      i++;
    }
    if (i == n) {
      return s; // nothing to escape: the common case
    }
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[i + (utf8.length - i) * 3];
    System.arraycopy(utf8, 0, out, 0, i); // the prefix is ASCII, one byte per char
    int o = i;
    for (int j = i; j < utf8.length; j++) {
      int b = utf8[j] & 0xff;
      if (b < 128 && UNRESERVED[b]) {
        out[o++] = (byte) b;
      } else {
        out[o++] = '%';
        out[o++] = HEX[b >>> 4];
        out[o++] = HEX[b & 0xf];
      }
    }
    return new String(out, 0, o, StandardCharsets.US_ASCII);
  }

  /** The request path for {@code group} and {@code key} under {@code prefix} (peer path + base path). */
  public static String requestPath(String prefix, String group, String key) {
    String g = escape(group);
    String k = escape(key);
    return new StringBuilder(prefix.length() + g.length() + 1 + k.length())
        .append(prefix).append(g).append('/').append(k).toString();
  }

  /** Where a request goes: not to the peer handler, a bad request, or a group and key. */
  public static final class Route {
    static final Route NOT_OURS = new Route(null, null, null);

    private final String group;
    private final String key;
    private final String error;

    private Route(String group, String key, String error) {
      this.group = group;
      this.key = key;
      this.error = error;
    }

    /** The path is not under the base path: another handler's business. */
    public boolean notOurs() {
      return this == NOT_OURS;
    }

    /** A one-line reason when the path is under the base path but malformed, else {@code null}. */
    public String error() {
      return error;
    }

    public String group() {
      return group;
    }

    public String key() {
      return key;
    }
  }

  /**
   * Routes the request target {@code uri} (origin form {@code /path?query}, or absolute form
   * {@code http://host/path}) for a handler serving {@code basePath}. Characters of {@code uri}
   * up to U+00FF stand for single bytes, as an HTTP decoder hands them over.
   */
  public static Route route(String uri, String basePath) {
    String raw = rawPath(uri);
    if (raw == null) {
      return Route.NOT_OURS;
    }
    String path;
    if (isPlainAscii(raw)) {
      path = raw;
    } else {
      try {
        path = decode(raw);
      } catch (IllegalArgumentException e) {
        return raw.startsWith(basePath) ? new Route(null, null, e.getMessage()) : Route.NOT_OURS;
      }
    }
    if (!path.startsWith(basePath)) {
      return Route.NOT_OURS;
    }
    int slash = path.indexOf('/', basePath.length());
    if (slash < 0) {
      return new Route(null, null, "bad request: the path must be " + basePath + "{group}/{key}");
    }
    return new Route(path.substring(basePath.length(), slash), path.substring(slash + 1), null);
  }

  private static String rawPath(String uri) {
    int start;
    if (uri.startsWith("/")) {
      start = 0;
    } else {
      int scheme = uri.indexOf("://");
      if (scheme <= 0) {
        return null; // "*", authority form, or garbage
      }
      start = uri.indexOf('/', scheme + 3);
      if (start < 0) {
        return "/";
      }
    }
    int end = uri.length();
    for (int i = start; i < end; i++) {
      char c = uri.charAt(i);
      if (c == '?' || c == '#') {
        end = i;
        break;
      }
    }
    return uri.substring(start, end);
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static boolean isPlainAscii(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c == '%' || c >= 128) {
        return false;
      }
    }
    return true;
  }

  /**
   * Percent-decodes {@code raw} ({@code +} stays {@code +}) and reads the bytes as strict UTF-8.
   *
   * @throws IllegalArgumentException with a one-line reason for a bad escape or invalid UTF-8
   */
  public static String decode(String raw) {
    byte[] out = new byte[raw.length() * 3];
    int o = 0;
    for (int i = 0, n = raw.length(); i < n; i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int hi = i + 1 < n ? hex(raw.charAt(i + 1)) : -1;
        int lo = i + 2 < n ? hex(raw.charAt(i + 2)) : -1;
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("bad request: invalid percent-escape \""
              + raw.substring(i, Math.min(n, i + 3)) + "\" at offset " + i + " of the path");
        }
        out[o++] = (byte) ((hi << 4) | lo);
        i += 2;
      } else if (c < 256) {
        out[o++] = (byte) c;
      } else {
        // only from hand-built requests: an HTTP decoder gives one char per byte
        int cp = raw.codePointAt(i);
        for (byte x : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
          out[o++] = x;
        }
        i += Character.charCount(cp) - 1;
      }
    }
    try {
      CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(out, 0, o));
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("bad request: the path is not valid UTF-8 after percent-decoding");
    }
  }
}
