package org.groupcache4j.server.internal;

import java.nio.file.Path;
import org.groupcache4j.http.PeerTls;
import org.groupcache4j.http.internal.security.BearerTokens;
import org.groupcache4j.http.internal.security.RequestAuth;
import org.groupcache4j.http.internal.security.TlsContexts;

/**
 * TLS and tokens of a node, each already read and checked by the {@code serve} command.
 *
 * @param tls the certificate, key and CA (null: no TLS material; https peers are then checked
 *     against the JDK's trust store and this node cannot serve https)
 * @param apiTls the TLS contexts of the client API (the same certificate and key, no client
 *     certificates asked), or null for plain HTTP
 * @param apiReadToken bearer token the client API asks of every request but {@code ApiServer.OPEN_PATHS} (null: none)
 * @param apiWriteToken bearer token the client API asks of writes (null: the read token, if any)
 * @param peerTokenFile the file of the bearer token the peer port asks for and this node sends to
 *     peers (null: none), already checked; the peer transport reads it into the one
 *     {@link BearerTokens} that both its server and its clients use, so both follow a rotation
 */
public record NodeSecurity(PeerTls tls, TlsContexts apiTls, BearerTokens apiReadToken, BearerTokens apiWriteToken,
    Path peerTokenFile) {
  /** Plain HTTP everywhere, no tokens. */
  public static final NodeSecurity NONE = new NodeSecurity(null, null, null, null, null);

  /** Who may do what on the client API. */
  public RequestAuth apiAuth() {
    return new RequestAuth(apiReadToken, apiWriteToken);
  }
}
