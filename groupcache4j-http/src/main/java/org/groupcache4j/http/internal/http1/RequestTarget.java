package org.groupcache4j.http.internal.http1;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A request target as an HTTP/1 server receives it ({@code /path?query}, or the absolute form
 * {@code http://host/path?query}), split into its raw path and raw query, and the one
 * percent-decoder of the HTTP layer.
 *
 * <p>Decoding is Netty's {@link QueryStringDecoder} in its two modes, then a strict UTF-8 check
 * (Netty would put U+FFFD in place of bad bytes): in a path {@code +} stays {@code +}, as Go's
 * {@code net/url} decodes the {@code URL.Path} that golang/groupcache's {@code HTTPPool} splits into
 * group and key; in a query value {@code +} is a space (browsers, Go's {@code Query().Get}).
 * Characters up to U+00FF stand for single bytes, as Netty's HTTP decoder hands them over.
 */
public final class RequestTarget {
  private final String rawPath; // null: not a path ("*", authority form, garbage)
  private final String rawQuery; // without '?'; null when there is none

  private RequestTarget(String rawPath, String rawQuery) {
    this.rawPath = rawPath;
    this.rawQuery = rawQuery;
  }

  /** Splits {@code uri}; a target that is neither origin nor absolute form has a null {@link #rawPath}. */
  public static RequestTarget parse(String uri) {
    int start;
    if (uri.startsWith("/")) {
      start = 0;
    } else {
      int scheme = uri.indexOf("://");
      if (scheme <= 0) {
        return new RequestTarget(null, null);
      }
      start = uri.indexOf('/', scheme + 3);
      if (start < 0) {
        int q = uri.indexOf('?', scheme + 3);
        return new RequestTarget("/", q < 0 ? null : query(uri, q + 1));
      }
    }
    int n = uri.length();
    for (int i = start; i < n; i++) {
      char c = uri.charAt(i);
      if (c == '?') {
        return new RequestTarget(uri.substring(start, i), query(uri, i + 1));
      }
      if (c == '#') {
        return new RequestTarget(uri.substring(start, i), null);
      }
    }
    return new RequestTarget(start == 0 ? uri : uri.substring(start), null);
  }

  private static String query(String uri, int from) {
    int hash = uri.indexOf('#', from);
    return uri.substring(from, hash < 0 ? uri.length() : hash);
  }

  /** The path, still percent-encoded; null when the target has none. */
  public String rawPath() {
    return rawPath;
  }

  /** The query without {@code ?}, still encoded; null when there is none (a relayed request carries it on as it came). */
  public String rawQuery() {
    return rawQuery;
  }

  /**
   * The raw (still encoded) value of the first query parameter {@code name}: {@code ""} for
   * {@code name} without {@code =}, null when absent.
   */
  public String rawQueryParam(String name) {
    String q = rawQuery;
    if (q == null) {
      return null;
    }
    int end = q.length();
    int i = 0;
    while (i <= end) {
      int amp = q.indexOf('&', i);
      if (amp < 0) {
        amp = end;
      }
      int eq = q.indexOf('=', i);
      int nameEnd = eq >= 0 && eq < amp ? eq : amp;
      if (nameEnd - i == name.length() && q.startsWith(name, i)) {
        return nameEnd == amp ? "" : q.substring(nameEnd + 1, amp);
      }
      i = amp + 1;
    }
    return null;
  }

  /**
   * Percent-decodes a path or a part of one ({@code +} stays {@code +}) as strict UTF-8.
   *
   * @throws IllegalArgumentException with a one-line reason: an invalid percent-escape (and where),
   *     or bytes that are not UTF-8
   */
  public static String decodePath(String raw) {
    return decode(raw, false);
  }

  /** Percent-decodes a query value ({@code +} is a space) as strict UTF-8; throws as {@link #decodePath}. */
  public static String decodeQueryValue(String raw) {
    return decode(raw, true);
  }

  private static String decode(String raw, boolean plusIsSpace) {
    if (isPlain(raw, plusIsSpace)) {
      return raw; // the common case: nothing to decode, nothing to check
    }
    String bytes; // one char per byte
    try {
      bytes = plusIsSpace ? QueryStringDecoder.decodeComponent(raw, StandardCharsets.ISO_8859_1)
          : new QueryStringDecoder(raw.startsWith("/") ? raw : "/" + raw, StandardCharsets.ISO_8859_1).path()
              .substring(raw.startsWith("/") ? 0 : 1);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(badEscape(raw));
    }
    return strictUtf8(bytes);
  }

  private static boolean isPlain(String s, boolean plusIsSpace) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c == '%' || c >= 128 || (plusIsSpace && c == '+')) {
        return false;
      }
    }
    return true;
  }

  private static String badEscape(String raw) {
    int n = raw.length();
    for (int i = raw.indexOf('%'); i >= 0; i = raw.indexOf('%', i + 1)) {
      if (i + 2 >= n || Character.digit(raw.charAt(i + 1), 16) < 0 || Character.digit(raw.charAt(i + 2), 16) < 0) {
        return "invalid percent-escape \"" + raw.substring(i, Math.min(n, i + 3)) + "\" at offset " + i;
      }
    }
    return "invalid percent-escape";
  }

  private static String strictUtf8(String bytes) {
    byte[] b = new byte[bytes.length() * 3];
    int n = 0;
    for (int i = 0; i < bytes.length(); i++) {
      char c = bytes.charAt(i);
      if (c <= 0xff) {
        b[n++] = (byte) c;
      } else { // only from targets built by hand: an HTTP decoder gives one char per byte
        int cp = bytes.codePointAt(i);
        byte[] u = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(u, 0, b, n, u.length);
        n += u.length;
        i += Character.charCount(cp) - 1;
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b, 0, n)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("not valid UTF-8 after percent-decoding");
    }
  }
}
