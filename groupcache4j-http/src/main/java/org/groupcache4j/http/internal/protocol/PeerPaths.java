package org.groupcache4j.http.internal.protocol;

import java.nio.charset.StandardCharsets;
import org.groupcache4j.http.internal.http1.RequestTarget;

/**
 * Request paths of the peer protocol, {@code {basePath}{group}/{key}}: how group and key are
 * escaped into one ({@link #escape}; the client writes the path as bytes) and read from one
 * ({@link #groupAndKey}), as golang/groupcache's {@code HTTPPool} does, and the two paths under the
 * base path that name no key, {@link #REMOVE_KEYS}, {@link #STATUS} and {@link #HANDOFF}.
 *
 * <p>Encoding ({@link #escape}): every UTF-8 byte outside RFC 3986's unreserved set
 * ({@code A-Z a-z 0-9 - . _ ~}) becomes {@code %XX}, so a space is {@code %20} and a {@code +} is
 * {@code %2B}. Go's server percent-decodes the path and leaves {@code +} alone, so it reads exactly
 * our key. (Go's own client uses {@code url.QueryEscape}, which turns a space into {@code +}: Go
 * nodes therefore ask for {@code "a+b"} when they mean {@code "a b"}; that is Go's behaviour and we
 * decode what arrives, as Go's server does.)
 *
 * <p>Decoding: the path is percent-decoded, {@code +} kept as {@code +}, and must be valid UTF-8
 * ({@link RequestTarget#decodePath}). The group is the first segment after the base path and the
 * key is everything after the first {@code /} (keys may contain {@code /}, and may be empty).
 */
public final class PeerPaths {
  /**
   * The key segment of groupcache-go's batch remove: {@code POST {basePath}{group}/_remove-keys/}.
   * A GET of it is a GET of that key.
   */
  public static final String REMOVE_KEYS = "_remove-keys/";

  /**
   * The path, under the base path, of a node's status document ({@code GET {basePath}_stats}). No
   * group is named by it: a path without a {@code /} after the group is malformed in the peer
   * protocol (golang/groupcache answers it 400), so it cannot clash with a key.
   */
  public static final String STATUS = "_stats";

  /**
   * The paths, under the base path, of the requests between our nodes ({@code POST}, protobuf
   * bodies, see {@code groupcache.proto}): a peek, a push of hints, a pull of hints, the
   * acknowledgement of pulled hints. Like {@link #STATUS} they have no {@code /}, so
   * golang/groupcache answers them 400 and loads nothing.
   */
  public static final String PEEK = "_peek";
  public static final String HINTS = "_hints";
  public static final String HINTS_PULL = "_hints-pull";
  public static final String HINTS_ACK = "_hints-ack";

  /**
   * The path, under the base path, of the handoff of a departing node between our nodes
   * ({@code POST {basePath}_handoff} with a {@code HandoffRequest}); like {@link #STATUS}, it names
   * no group, so it cannot clash with a key.
   */
  public static final String HANDOFF = "_handoff";

  /**
   * The path, under the base path, of a take-back between our nodes ({@code POST {basePath}_take-back}
   * with a {@code TakeBackRequest}, answered with a {@code HandoffRequest}); no group in the path.
   */
  public static final String TAKE_BACK = "_take-back";

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

  /** The group and key of a peer request. */
  public record GroupKey(String group, String key) {}

  /**
   * Reads {@code rawPath} (percent-encoded, under {@code basePath}) as golang/groupcache does.
   *
   * @throws IllegalArgumentException with the one-line reason of a 400
   */
  public static GroupKey groupAndKey(String rawPath, String basePath) {
    String path;
    try {
      path = RequestTarget.decodePath(rawPath);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad request: " + e.getMessage() + " of the path", e);
    }
    int slash = path.indexOf('/', basePath.length());
    if (!path.startsWith(basePath) || slash < 0) {
      throw new IllegalArgumentException("bad request: the path must be " + basePath + "{group}/{key}");
    }
    return new GroupKey(path.substring(basePath.length(), slash), path.substring(slash + 1));
  }
}
