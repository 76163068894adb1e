package org.groupcache4j.server.internal.api;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Request-target parsing for the client API, without allocation beyond the strings it returns. */
final class Urls {
  private Urls() {}

  /** Index of the end of the path that starts at {@code from}: the first '?' or '#', or the end. */
  static int pathEnd(String uri, int from) {
    for (int i = from; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c == '?' || c == '#') {
        return i;
      }
    }
    return uri.length();
  }

  /**
   * The raw (still encoded) value of the first query parameter {@code name} of {@code uri}, whose
   * path ends at {@code pathEnd}; {@code ""} for {@code name} without a value; null if absent.
   */
  static String queryParam(String uri, int pathEnd, String name) {
    if (pathEnd >= uri.length() || uri.charAt(pathEnd) != '?') {
      return null;
    }
    int end = uri.indexOf('#', pathEnd);
    if (end < 0) {
      end = uri.length();
    }
    int i = pathEnd + 1;
    while (i <= end) {
      int amp = uri.indexOf('&', i);
      if (amp < 0 || amp > end) {
        amp = end;
      }
      int eq = uri.indexOf('=', i);
      int nameEnd = eq >= 0 && eq < amp ? eq : amp;
      if (nameEnd - i == name.length() && uri.startsWith(name, i)) {
        return nameEnd == amp ? "" : uri.substring(nameEnd + 1, amp);
      }
      i = amp + 1;
    }
    return null;
  }

  /**
   * Percent-decodes {@code s} as UTF-8; with {@code plusIsSpace} (query strings, as browsers and
   * Go's {@code Query().Get} do) '+' is a space, in paths it stays '+'. Null if a '%' is not
   * followed by two hex digits or the bytes are not UTF-8.
   */
  static String decode(String s, boolean plusIsSpace) {
    boolean plain = true;
    for (int i = 0; i < s.length() && plain; i++) {
      char c = s.charAt(i);
      plain = c != '%' && !(plusIsSpace && c == '+');
    }
    if (plain) {
      return s;
    }
    byte[] buf = new byte[s.length() * 3];
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          return null;
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        buf[n++] = (byte) (hi << 4 | lo);
        i += 2;
      } else if (c == '+' && plusIsSpace) {
        buf[n++] = ' ';
      } else if (c < 0x80) {
        buf[n++] = (byte) c;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
          b = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
          i++;
        }
        System.arraycopy(b, 0, buf, n, b.length);
        n += b.length;
      }
    }
    try {
      CharBuffer out = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(buf, 0, n));
      return out.toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** {@code s} as it may be quoted in a one-line message: control characters replaced, cut at 100 chars. */
  static String printable(String s) {
    StringBuilder sb = new StringBuilder(Math.min(s.length(), 100) + 1);
    for (int i = 0; i < s.length() && sb.length() < 100; i++) {
      char c = s.charAt(i);
      sb.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    if (s.length() > 100) {
      sb.append('…');
    }
    return sb.toString();
  }
}
