package org.groupcache4j.server.internal.settings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.groupcache4j.http.PeerTls;
import org.groupcache4j.http.internal.security.BearerTokens;
import org.groupcache4j.http.internal.security.TlsContexts;
import org.groupcache4j.http.internal.security.TlsFileException;
import org.groupcache4j.node.settings.NodeSettings;
import org.groupcache4j.node.settings.NodeSpec;
import org.groupcache4j.node.settings.Setting;
import org.groupcache4j.node.settings.SettingException;
import org.groupcache4j.node.settings.SettingResolver;
import org.groupcache4j.server.internal.NodeConfig;
import org.groupcache4j.server.internal.NodeSecurity;

/**
 * The TLS and token files a node's configuration names, read and checked: when the node starts,
 * and by {@code serve --check}. A file that cannot be used is a {@link SettingException} naming
 * its setting as it was given (the flag, or the config file, line and key).
 */
public final class NodeFiles {
  private NodeFiles() {}

  /**
   * Reads the certificate, key and CA of the peer port and client API and the token files of
   * {@code c}; the peer token file is only checked (the peer transport reads it into the one token
   * its server and clients share, so both follow a rotation).
   *
   * @param settings what {@code c} was resolved from, to name a setting in a message
   * @throws SettingException naming the setting whose file cannot be used, and why
   */
  public static NodeSecurity read(NodeConfig c, SettingResolver settings) {
    NodeSpec n = c.node();
    Path cert = n.tlsCertificate();
    Path key = n.tlsKey();
    PeerTls tls = null;
    boolean httpsPeers = n.peers().stream().anyMatch(p -> p.startsWith("https://"));
    if (cert != null || n.tlsCa() != null || httpsPeers) {
      PeerTls.Builder b = PeerTls.builder().mutual(n.peerMtls());
      if (cert != null) {
        b.certificate(cert, key);
      }
      if (n.tlsCa() != null) {
        b.trustedCertificates(n.tlsCa());
      }
      try {
        tls = b.build();
      } catch (TlsFileException e) {
        Setting<Path> setting = switch (e.role()) {
          case CERTIFICATE -> NodeSettings.TLS_CERT;
          case KEY -> NodeSettings.TLS_KEY;
          case TRUSTED -> NodeSettings.TLS_CA;
        };
        throw settings.bad(setting, null, e.problem(), e.file().toString());
      } catch (IllegalArgumentException e) {
        throw settings.usage(NodeSettings.TLS_CERT, null, cert + " / " + settings.subject(NodeSettings.TLS_KEY, null)
            + " " + key + ": " + e.getMessage());
      }
    }
    TlsContexts api = null;
    if (c.apiTls()) { // the files were checked just above
      api = TlsContexts.load(new TlsContexts.Settings(cert, key, null, false, true, Duration.ofSeconds(5),
          Duration.ofSeconds(5)));
    }
    return new NodeSecurity(tls, api,
        token(settings, ServerSettings.API_TOKEN_FILE, c.apiTokenFile(), BearerTokens::fromFile),
        token(settings, ServerSettings.API_WRITE_TOKEN_FILE, c.apiWriteTokenFile(), BearerTokens::fromFile),
        token(settings, NodeSettings.PEER_TOKEN_FILE, n.peerTokenFile(), BearerTokens::check));
  }

  /** {@code read} applied to token file {@code file} of {@code setting}, or null; an unusable file is an error naming the setting. */
  private static <T> T token(SettingResolver settings, Setting<Path> setting, Path file, Function<Path, T> read) {
    if (file == null) {
      return null;
    }
    try {
      return read.apply(file);
    } catch (IllegalArgumentException e) {
      throw settings.invalid(setting, null, e.getMessage());
    }
  }
}
