package org.groupcache4j.http.internal.security;

/**
 * Who may do what on a port: reads need the read token (or the write token), writes
 * ({@code PUT}, {@code DELETE}, {@code POST}, {@code PATCH}) the write token; with only one of the
 * two tokens given, that one is needed for everything (a read token) or only writes need one (a
 * write token). Health checks need none. {@link #check} returns null to let a request in, or the
 * refusal to send: {@code 401} with {@code WWW-Authenticate} for a missing or wrong token,
 * {@code 403} for a read token used to write.
 */
public final class RequestAuth {
  /** A refusal: status, the {@code WWW-Authenticate} value, a one-line reason (never the token). */
  public record Refusal(int status, String wwwAuthenticate, String reason) {}

  private static final String REALM = "Bearer realm=\"groupcache4j\"";
  private final BearerTokens read; // may be null
  private final BearerTokens write; // may be null

  public RequestAuth(BearerTokens read, BearerTokens write) {
    this.read = read;
    this.write = write;
  }

  /** Whether any token is asked for at all. */
  public boolean enabled() {
    return read != null || write != null;
  }

  public static boolean isWrite(String method) {
    return switch (method) {
      case "PUT", "DELETE", "POST", "PATCH" -> true;
      default -> false;
    };
  }

  /** Null to let the request in, else why not. */
  public Refusal check(String method, String authorization) {
    boolean writing = isWrite(method);
    BearerTokens needed = writing ? (write != null ? write : read) : read;
    if (needed == null) {
      return null;
    }
    if (BearerTokens.tokenOf(authorization) == null) {
      return new Refusal(401, REALM, "this " + (writing ? "write" : "request") + " needs an Authorization: Bearer token");
    }
    if (needed.accepts(authorization) || (!writing && write != null && write.accepts(authorization))) {
      return null;
    }
    if (writing && read != null && write != null && read.accepts(authorization)) {
      return new Refusal(403, REALM + ", error=\"insufficient_scope\"", "this token may only read; writes need the write token");
    }
    return new Refusal(401, REALM + ", error=\"invalid_token\"", "the bearer token is not valid here");
  }
}
