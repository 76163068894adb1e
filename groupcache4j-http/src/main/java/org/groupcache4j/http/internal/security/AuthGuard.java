package org.groupcache4j.http.internal.security;

import java.util.Set;
import java.util.function.Function;
import org.groupcache4j.http.internal.http1.Exchange;
import org.groupcache4j.http.internal.http1.Response;

/**
 * The bearer-token check of a port as a {@code Routes} guard: run on every request before its
 * route answers (so a client without a token learns no paths or methods), it returns the 401 or
 * 403 to send, with {@code WWW-Authenticate}, or null to let the request in. Paths in
 * {@code open} (e.g. {@code /healthz}, for probes) need no token.
 */
public final class AuthGuard {
  private AuthGuard() {}

  /** The guard for {@code auth}, or null when it asks for no token. */
  public static Function<Exchange, Response> of(RequestAuth auth, Set<String> open) {
    if (!auth.enabled()) {
      return null;
    }
    return ex -> {
      if (open.contains(ex.target().rawPath())) {
        return null;
      }
      RequestAuth.Refusal r = auth.check(ex.method().name(), ex.headers().get("authorization"));
      return r == null ? null : Response.text(r.status(), r.reason())
          .with(Response.Header.of("www-authenticate", r.wwwAuthenticate()));
    };
  }
}
