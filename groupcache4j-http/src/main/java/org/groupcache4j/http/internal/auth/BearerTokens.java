package org.groupcache4j.http.internal.auth;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Objects;
import org.groupcache4j.http.internal.tls.LookAgain;

/**
 * A bearer token kept in a file ({@code Authorization: Bearer <token>}), read again when the file
 * changes (looked at no more often than every few seconds, when a request needs it), so a token
 * can be rotated without a restart. Comparison is constant-time (SHA-256 of both sides, compared
 * with {@link MessageDigest#isEqual}), so neither the token's content nor its length leaks
 * through timing. The token itself never appears in a message or {@link #toString}.
 */
public final class BearerTokens {
  private static final System.Logger LOG = System.getLogger("org.groupcache4j.http");

  private record Loaded(byte[] digest, String header, long modified, long size) {}

  private final Path file;
  private final LookAgain lookAgain;
  private volatile Loaded current;

  private BearerTokens(Path file, Duration interval) {
    this.file = file;
    this.current = load(file);
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

  public Path file() {
    return file;
  }

  /** Whether {@code authorization} (the header's value, may be null) is {@code Bearer <this token>}. */
  public boolean accepts(String authorization) {
    Loaded l = fresh();
    String token = tokenOf(authorization);
    byte[] given = sha256(token == null ? "" : token);
    boolean equal = MessageDigest.isEqual(given, l.digest());
    return token != null && equal;
  }

  /** The token of {@code Authorization: Bearer <token>} (scheme case-insensitive), or null. */
  public static String tokenOf(String authorization) {
    if (authorization == null || authorization.length() < 7
        || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String t = authorization.substring(7).trim();
    return t.isEmpty() ? null : t;
  }

  /** The header value to send: {@code Bearer <token>}. */
  public String authorizationHeader() {
    return fresh().header();
  }

  @Override
  public String toString() {
    return "BearerTokens[file=" + file + "]";
  }

  private Loaded fresh() {
    if (lookAgain.due()) {
      synchronized (this) {
        try {
          BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
          if (a.lastModifiedTime().toMillis() != current.modified() || a.size() != current.size()) {
            current = load(file);
            LOG.log(Level.INFO, "token file " + file + " changed: the new token is in use");
          }
        } catch (IOException | IllegalArgumentException e) {
          LOG.log(Level.WARNING, "token file " + file + " changed but cannot be used (" + e.getMessage()
              + "); the previous token stays in use");
        }
      }
    }
    return current;
  }

  private static Loaded load(Path file) {
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
    if (token.length() < 16) {
      LOG.log(Level.WARNING, "token file " + file + ": the token has only " + token.length()
          + " characters; use at least 32 random ones, e.g. openssl rand -hex 32");
    }
    return new Loaded(sha256(token), "Bearer " + token, modified, size);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.ISO_8859_1));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
