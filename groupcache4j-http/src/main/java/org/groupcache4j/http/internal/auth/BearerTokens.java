package org.groupcache4j.http.internal.auth;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import org.groupcache4j.http.internal.tls.LookAgain;

/**
 * A bearer token kept in a file ({@code Authorization: Bearer <token>}), read again when the file
 * changes (looked at no more often than every few seconds, when a request needs it), so a token
 * can be rotated without a restart. The server side ({@link #accepts}) and the client side
 * ({@link #requestHeaderLine}) of one node should share one instance, so that both switch to a
 * new token at the same moment.
 *
 * <p>Comparison is constant-time in the secret: it runs over the characters given, XOR-ing each
 * with the token's byte at the same place (or its first byte past its end), and folds the length
 * difference in, as {@link java.security.MessageDigest#isEqual} does; nothing is allocated per
 * request. How long it takes depends only on the length of what the caller sent, never on the
 * token's content or length. The token itself never appears in a message or {@link #toString}.
 */
public final class BearerTokens {
  private static final System.Logger LOG = System.getLogger("org.groupcache4j.http");

  /**
   * @param token the token's bytes (ISO-8859-1, visible ASCII only)
   * @param headerLine {@code authorization: Bearer <token>\r\n}, the bytes a client sends
   */
  private record Loaded(byte[] token, byte[] headerLine, long modified, long size) {}

  private final Path file;
  private final LookAgain lookAgain;
  private volatile Loaded current;

  private BearerTokens(Path file, Duration interval) {
    this.file = file;
    this.current = load(file, true);
    this.lookAgain = new LookAgain(interval);
  }

  /**
   * Reads the token in {@code file}: one line of visible ASCII (RFC 6750 token characters), a
   * trailing newline ignored.
   *
   * @throws IllegalArgumentException naming the file and the problem (missing, unreadable, empty,
   *     more than one line, characters a token cannot have); never the token
   */
  public static BearerTokens fromFile(Path file) {
    return new BearerTokens(Objects.requireNonNull(file, "file"), Duration.ofSeconds(2));
  }

  /** Like {@link #fromFile}, looking at the file for changes at most every {@code interval}. */
  public static BearerTokens fromFile(Path file, Duration interval) {
    return new BearerTokens(Objects.requireNonNull(file, "file"), interval);
  }

  /**
   * Reads and checks the token in {@code file} as {@link #fromFile} does, keeping nothing: for
   * checking a flag before the component that uses the token is built.
   *
   * @return {@code file}
   * @throws IllegalArgumentException as {@link #fromFile}
   */
  public static Path check(Path file) {
    load(Objects.requireNonNull(file, "file"), false); // the instance that uses it warns of a short token
    return file;
  }

  public Path file() {
    return file;
  }

  /** Whether {@code authorization} (the header's value, may be null) is {@code Bearer <this token>}. */
  public boolean accepts(String authorization) {
    byte[] expected = fresh().token();
    if (!isBearer(authorization)) {
      return false;
    }
    int start = 7;
    int end = authorization.length();
    while (start < end && authorization.charAt(start) <= ' ') { // as String.trim()
      start++;
    }
    while (end > start && authorization.charAt(end - 1) <= ' ') {
      end--;
    }
    int n = end - start;
    int len = expected.length; // > 0: load() refuses an empty token
    int diff = n ^ len;
    for (int i = 0; i < n; i++) {
      int j = ((i - len) >>> 31) * i; // i while i < len, else 0: no branch on the token's length
      diff |= authorization.charAt(start + i) ^ expected[j];
    }
    return n > 0 && diff == 0;
  }

  /** The token of {@code Authorization: Bearer <token>} (scheme case-insensitive), or null. */
  public static String tokenOf(String authorization) {
    if (!isBearer(authorization)) {
      return null;
    }
    String t = authorization.substring(7).trim();
    return t.isEmpty() ? null : t;
  }

  /** Whether {@code authorization} starts with the scheme {@code Bearer } (any case). */
  private static boolean isBearer(String authorization) {
    return authorization != null && authorization.length() >= 7
        && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
  }

  /**
   * The header line a client sends, {@code authorization: Bearer <token>\r\n}, as bytes: the
   * current token's, built once per token (a request only copies them). The array is shared:
   * callers must not change it.
   */
  public byte[] requestHeaderLine() {
    return fresh().headerLine();
  }

  @Override
  public String toString() {
    return "BearerTokens[file=" + file + "]";
  }

  /**
   * The current token, after looking at the file when {@link LookAgain#due} says so. No lock:
   * {@code due} lets one caller per interval look, and a reload replaces the whole immutable
   * {@link Loaded} with one volatile write, so a reader sees the old token or the new one.
   */
  private Loaded fresh() {
    if (lookAgain.due()) {
      try {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        Loaded c = current;
        if (a.lastModifiedTime().toMillis() != c.modified() || a.size() != c.size()) {
          current = load(file, true);
          LOG.log(Level.INFO, "token file " + file + " changed: the new token is in use");
        }
      } catch (IOException | IllegalArgumentException e) {
        LOG.log(Level.WARNING, "token file " + file + " changed but cannot be used (" + e.getMessage()
            + "); the previous token stays in use");
      }
    }
    return current;
  }

  private static Loaded load(Path file, boolean warnIfShort) {
    String text;
    long modified;
    long size;
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      modified = a.lastModifiedTime().toMillis();
      size = a.size();
      text = Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("token file " + file + ": no such file");
    } catch (IOException e) {
      throw new IllegalArgumentException("token file " + file + ": cannot read it: " + e.getMessage());
    }
    String token = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
        : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    if (token.isBlank()) {
      throw new IllegalArgumentException("token file " + file + ": it is empty; put the token on its first line");
    }
    if (token.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("token file " + file + ": it has more than one line; put only the token in it");
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || "-._~+/=".indexOf(c) >= 0;
      if (!ok) {
        throw new IllegalArgumentException("token file " + file + ": character " + (i + 1)
            + " of the token is not one a bearer token may have (letters, digits, -._~+/=)");
      }
    }
    if (warnIfShort && token.length() < 16) {
      LOG.log(Level.WARNING, "token file " + file + ": the token has only " + token.length()
          + " characters; use at least 32 random ones, e.g. openssl rand -hex 32");
    }
    return new Loaded(token.getBytes(StandardCharsets.ISO_8859_1),
        ("authorization: Bearer " + token + "\r\n").getBytes(StandardCharsets.ISO_8859_1), modified, size);
  }
}
