package org.groupcache4j.http;

import static org.groupcache4j.http.internal.Checks.positive;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.groupcache4j.http.internal.security.TlsContexts;

/**
 * TLS for the peer transport, from PEM files: this node's certificate chain and key, the CA
 * certificates peers must chain to, and whether peers must present certificates too (mutual TLS).
 * Give it to {@link HttpPeerTransport.Builder#tls}; peers are then named {@code https://host:port}.
 *
 * <pre>{@code
 * PeerTls tls = PeerTls.builder()
 *     .certificate(Path.of("/etc/gc/tls.crt"), Path.of("/etc/gc/tls.key"))
 *     .trustedCertificates(Path.of("/etc/gc/ca.crt"))
 *     .mutual(true)
 *     .build();
 * HttpPeerTransport transport = HttpPeerTransport.builder().tls(tls).build();
 * }</pre>
 *
 * <p>Keys may be RSA or EC (both tested; an EdDSA key is read but not tested in TLS), in PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA
 * PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY}) form, unencrypted; the certificate file may
 * hold a chain (leaf first). Peers' host names or IP addresses are checked against their
 * certificates unless {@link Builder#verifyHostname} is turned off. The files are read again when
 * they change (looked at no more often than {@link Builder#reloadInterval}, when a connection
 * opens): later connections use the new certificate, open ones keep theirs.
 */
public final class PeerTls {
  private final TlsContexts contexts;

  private PeerTls(TlsContexts contexts) {
    this.contexts = contexts;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** This node's certificate chain file, or null. */
  public Path certificateFile() {
    return contexts.settings().certificate();
  }

  /** This node's private key file, or null. */
  public Path keyFile() {
    return contexts.settings().key();
  }

  /** The CA certificates file peers must chain to, or null for the JDK's trust store. */
  public Path trustedCertificatesFile() {
    return contexts.settings().trusted();
  }

  /** Whether peers must present a certificate, and this node presents its own when it fetches. */
  public boolean mutual() {
    return contexts.settings().mutual();
  }

  TlsContexts contexts() {
    return contexts;
  }

  @Override
  public String toString() {
    return "PeerTls[certificate=" + certificateFile() + ", trusted=" + (trustedCertificatesFile() == null
        ? "the JDK trust store" : trustedCertificatesFile()) + ", mutual=" + mutual() + ", engine="
        + contexts.provider() + "]";
  }

  /** Configures a {@link PeerTls}. */
  public static final class Builder {
    private Path certificate;
    private Path key;
    private Path trusted;
    private boolean mutual;
    private boolean verifyHostname = true;
    private Duration handshakeTimeout = Duration.ofSeconds(5);
    private Duration reloadInterval = Duration.ofSeconds(5);

    private Builder() {}

    /** This node's certificate (chain, leaf first) and its private key, PEM. Needed to serve peers over TLS. */
    public Builder certificate(Path certificateChain, Path privateKey) {
      this.certificate = Objects.requireNonNull(certificateChain, "certificateChain");
      this.key = Objects.requireNonNull(privateKey, "privateKey");
      return this;
    }

    /** The CA certificates (PEM bundle) that peers' certificates must chain to. Default: the JDK's trust store. */
    public Builder trustedCertificates(Path caBundle) {
      this.trusted = Objects.requireNonNull(caBundle, "caBundle");
      return this;
    }

    /**
     * Mutual TLS: the peer port requires a client certificate chaining to
     * {@link #trustedCertificates} (which must then be given), and this node presents its own
     * certificate when it fetches. Default false.
     */
    public Builder mutual(boolean mutual) {
      this.mutual = mutual;
      return this;
    }

    /** Whether a peer's host name or IP address must match its certificate. Default true; turn off only for tests. */
    public Builder verifyHostname(boolean verify) {
      this.verifyHostname = verify;
      return this;
    }

    /** How long a TLS handshake may take before the connection is closed (also a client that sends nothing). Default 5 s. */
    public Builder handshakeTimeout(Duration timeout) {
      this.handshakeTimeout = positive(timeout, "handshakeTimeout");
      return this;
    }

    /** How often, at most, the files are looked at for changes. Default 5 s. */
    public Builder reloadInterval(Duration interval) {
      this.reloadInterval = positive(interval, "reloadInterval");
      return this;
    }

    /**
     * Reads and checks the files.
     *
     * @throws IllegalArgumentException naming the file and the problem (missing, unreadable, not
     *     PEM, encrypted key, key not matching the certificate, certificate expired), or when
     *     mutual TLS lacks a certificate or trusted certificates
     */
    public PeerTls build() {
      return new PeerTls(TlsContexts.load(new TlsContexts.Settings(certificate, key, trusted, mutual, verifyHostname,
          handshakeTimeout, reloadInterval)));
    }
  }
}
