package org.groupcache4j.http.internal.security;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.groupcache4j.http.internal.security.LookAgain;

/**
 * Bearer tokens kept in a file ({@code Authorization: Bearer <token>}), one per line, read again
 * when the file changes (looked at no more often than every few seconds, when a request needs
 * it), so tokens can be rotated without a restart. Every token in the file is accepted
 * ({@link #accepts}); a client sends the first one ({@link #requestHeaderLine}). The server side
 * and the client side of one node should share one instance, so that both follow the file at the
 * same moment.
 *
 * <p>More than one token is what lets a token be rotated across a cluster with no request
 * refused: add the new token as a second line on every node (each still sends the old one, and
 * now accepts both), then swap the two lines on every node (each sends the new one; every node
 * already accepts it), then remove the old line. For a client API, several lines also give each
 * client its own token, revoked by deleting its line.
 *
 * <p>Comparison is constant-time in the secrets: against every token of the file in turn, with no
 * early exit, it runs over the characters given, XOR-ing each with the token's byte at the same
 * place (or its first byte past its end), and folds the length difference in, as
 * {@link java.security.MessageDigest#isEqual} does; nothing is allocated per request. How long
 * it takes depends only on the length of what the caller sent and the number of tokens, never on
 * a token's content or length. No token ever appears in a message or {@link #toString}.
 */
public final class BearerTokens {
  private static final System.Logger LOG = System.getLogger("org.groupcache4j.http");

  /**
   * @param tokens every accepted token's bytes (ISO-8859-1, visible ASCII only), the one sent first
   * @param headerLine {@code authorization: Bearer <first token>\r\n}, the bytes a client sends
   */
  private record Loaded(byte[][] tokens, byte[] headerLine, long modified, long size) {}

  /**
   * The token files (path, modification time and size) already warned of as short: a node may read
   * one file into several instances (the API's read and write tokens, the peer token), and an
   * operator needs the warning once per file, again only when it changes.
   */
  private static final Set<String> WARNED_SHORT = ConcurrentHashMap.newKeySet();

  private final Path file;
  private final LookAgain lookAgain;
  private volatile Loaded current;

  private BearerTokens(Path file, Duration interval) {
    this.file = file;
    this.current = load(file, true);
    this.lookAgain = new LookAgain(interval);
  }

  /**
   * Reads the tokens in {@code file}: one per line, each of visible ASCII (RFC 6750 token
   * characters); blank lines are skipped. The first is the one a client sends.
   *
   * @throws IllegalArgumentException naming the file and the problem (missing, unreadable, no
   *     token, characters a token cannot have and on which line); never a token
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
    load(Objects.requireNonNull(file, "file"), false); // the instance that uses it warns of a short token, once per file
    return file;
  }

  public Path file() {
    return file;
  }

  /** Whether {@code authorization} (the header's value, may be null) is {@code Bearer <a token of the file>}. */
  public boolean accepts(String authorization) {
    byte[][] tokens = fresh().tokens();
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
    int matches = 0;
    for (byte[] expected : tokens) { // all of them, whichever matches: no early exit
      int len = expected.length; // > 0: load() refuses an empty token
      int diff = n ^ len;
      for (int i = 0; i < n; i++) {
        int j = ((i - len) >>> 31) * i; // i while i < len, else 0: no branch on the token's length
        diff |= authorization.charAt(start + i) ^ expected[j];
      }
      matches |= ((diff - 1) >>> 31) & 1; // 1 when diff == 0 (diff >= 0), without a branch
    }
    return n > 0 && matches == 1;
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
   * file's first token's, built once per file read (a request only copies them). The array is
   * shared: callers must not change it.
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
          Loaded next = load(file, true);
          current = next;
          LOG.log(Level.INFO, "token file " + file + " changed: " + (next.tokens().length == 1 ? "its token is"
              : "its " + next.tokens().length + " tokens are") + " in use (a client sends the first)");
        }
      } catch (IOException | IllegalArgumentException e) {
        LOG.log(Level.WARNING, "token file " + file + " changed but cannot be used (" + e.getMessage()
            + "); the previous tokens stay in use");
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
    String[] lines = text.split("\r?\n", -1);
    boolean severalLines = text.strip().indexOf('\n') >= 0;
    List<byte[]> tokens = new ArrayList<>(lines.length);
    for (int l = 0; l < lines.length; l++) {
      String token = lines[l];
      if (token.isEmpty()) {
        continue;
      }
      String where = "token file " + file + (severalLines ? ", line " + (l + 1) : "");
      for (int i = 0; i < token.length(); i++) {
        char c = token.charAt(i);
        boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
            || "-._~+/=".indexOf(c) >= 0;
        if (!ok) {
          throw new IllegalArgumentException(where + ": character " + (i + 1)
              + " of the token is not one a bearer token may have (letters, digits, -._~+/=); put one token on each line");
        }
      }
      if (warnIfShort && token.length() < 16
          && WARNED_SHORT.add(file.toAbsolutePath().normalize() + "\0" + modified + "\0" + size + "\0" + l)) {
        LOG.log(Level.WARNING, where + ": the token has only " + token.length()
            + " characters; use at least 32 random ones, e.g. openssl rand -hex 32");
      }
      tokens.add(token.getBytes(StandardCharsets.ISO_8859_1));
    }
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException("token file " + file + ": it is empty; put the token on its first line");
    }
    byte[] first = tokens.get(0);
    return new Loaded(tokens.toArray(new byte[0][]),
        ("authorization: Bearer " + new String(first, StandardCharsets.ISO_8859_1) + "\r\n")
            .getBytes(StandardCharsets.ISO_8859_1), modified, size);
  }
}
