package org.groupcache4j.http.internal.security;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.PrivateKey;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * The TLS contexts of one node, made from PEM files with Netty's {@link SslContextBuilder}, and
 * made again when the files change.
 *
 * <p><b>Rotation.</b> Whenever a connection is about to be opened or accepted and at least
 * {@code reloadInterval} passed since the last look, the files' modification times, sizes and
 * real paths (cert-manager swaps a symlink) are compared with those of the loaded ones. When they
 * differ the files are read again; if they make a valid pair (the key signs what the certificate
 * verifies, the certificate is within its validity) the new contexts serve every later
 * connection, while connections already open keep the session they have. A half-written
 * rotation (a new certificate, the old key) is not used: the old contexts stay and a warning says
 * why, until the files agree.
 *
 * <p><b>Engine.</b> OpenSSL (netty-tcnative BoringSSL) when its native library loads on this
 * machine, the JDK's engine otherwise or when {@code -Dgroupcache4j.tls.provider=jdk}; both are
 * used through the same {@link SslContext}. Client contexts keep one TLS session cache per
 * context, so a reconnect to a peer resumes its session instead of a full handshake.
 */
public final class TlsContexts {
  private static final System.Logger LOG = System.getLogger("org.groupcache4j.http");

  /** What to load and how to check peers. {@code trusted} null: the JDK's trust store. */
  public record Settings(Path certificate, Path key, Path trusted, boolean mutual, boolean verifyHostname,
      Duration handshakeTimeout, Duration reloadInterval) {
    public Settings {
      Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
      Objects.requireNonNull(reloadInterval, "reloadInterval");
      if ((certificate == null) != (key == null)) {
        throw new IllegalArgumentException("give both a certificate file and its private key file, or neither");
      }
      if (mutual && certificate == null) {
        throw new IllegalArgumentException("mutual TLS needs this node's certificate and key (it presents them to peers)");
      }
      if (mutual && trusted == null) {
        throw new IllegalArgumentException("mutual TLS needs the CA certificates that peers' certificates must chain to; "
            + "the JDK's public trust store would let any publicly certified client in");
      }
    }
  }

  private record Loaded(List<Stamp> stamps, SslContext server, SslContext client, X509Certificate leaf) {}

  private record Stamp(Path file, String real, long modified, long size) {}

  private final Settings settings;
  private final SslProvider provider;
  private final LookAgain lookAgain;
  private volatile Loaded current;
  private volatile List<Stamp> lastRejected; // a changed set of files that did not load, so it is reported once

  private TlsContexts(Settings settings, SslProvider provider) {
    this.settings = settings;
    this.provider = provider;
    this.current = load(stamps());
    this.lookAgain = new LookAgain(settings.reloadInterval());
  }

  /**
   * Reads and checks the files now.
   *
   * @throws TlsFileException naming the file at fault and the problem
   * @throws IllegalArgumentException if the settings do not fit together
   */
  public static TlsContexts load(Settings settings) {
    return new TlsContexts(settings, chooseProvider());
  }

  /** Like {@link #load}, with the engine given ({@code JDK} or {@code OPENSSL}). */
  public static TlsContexts load(Settings settings, SslProvider provider) {
    return new TlsContexts(settings, provider);
  }

  /** The engine: OpenSSL where it loads, unless {@code -Dgroupcache4j.tls.provider=jdk}. */
  static SslProvider chooseProvider() {
    String asked = System.getProperty("groupcache4j.tls.provider", "").toLowerCase(Locale.ROOT);
    if (asked.equals("jdk")) {
      return SslProvider.JDK;
    }
    try {
      if (OpenSsl.isAvailable()) {
        return SslProvider.OPENSSL;
      }
    } catch (Throwable t) { // no tcnative on the class path at all
      // fall through
    }
    if (asked.equals("openssl")) {
      LOG.log(Level.WARNING, "-Dgroupcache4j.tls.provider=openssl but netty-tcnative does not load here; using the JDK's TLS");
    }
    return SslProvider.JDK;
  }

  public Settings settings() {
    return settings;
  }

  public SslProvider provider() {
    return provider;
  }

  /** Whether this node has a certificate to serve with. */
  public boolean canServe() {
    return settings.certificate() != null;
  }

  /** The server context for a new connection (files looked at again first if due). */
  public SslContext server() {
    if (!canServe()) {
      throw new IllegalStateException("no certificate and key were given, so this node cannot serve TLS");
    }
    return fresh().server();
  }

  /** The client context for a new connection (files looked at again first if due). */
  public SslContext client() {
    return fresh().client();
  }

  /** A server-side handler for a new accepted connection, with the handshake timeout set. */
  public SslHandler newServerHandler(ByteBufAllocator alloc) {
    SslHandler h = server().newHandler(alloc);
    h.setHandshakeTimeoutMillis(settings.handshakeTimeout().toMillis());
    return h;
  }

  /**
   * A client-side handler for a connection to {@code host:port}: SNI for host names, the host or
   * IP checked against the certificate unless verification is off, a session resumed when one to
   * that peer is cached.
   */
  public SslHandler newClientHandler(ByteBufAllocator alloc, String host, int port) {
    SslHandler h = client().newHandler(alloc, host, port);
    h.setHandshakeTimeoutMillis(settings.handshakeTimeout().toMillis());
    return h;
  }

  /** The leaf certificate being served now (null without one). */
  public X509Certificate certificate() {
    return current.leaf();
  }

  private Loaded fresh() {
    if (lookAgain.due()) {
      reloadIfChanged();
    }
    return current;
  }

  /** Looks at the files now and loads them if they changed; returns whether new contexts are in use. */
  public synchronized boolean reloadIfChanged() {
    List<Stamp> stamps;
    try {
      stamps = stamps();
    } catch (TlsFileException e) {
      report(null, e.getMessage());
      return false;
    }
    if (stamps.equals(current.stamps()) || stamps.equals(lastRejected)) {
      return false;
    }
    try {
      Loaded next = load(stamps);
      current = next;
      lastRejected = null;
      LOG.log(Level.INFO, "TLS files changed: new connections now use "
          + (next.leaf() == null ? "the new trusted certificates" : describe(next.leaf())));
      return true;
    } catch (RuntimeException e) {
      lastRejected = stamps;
      report(stamps, e.getMessage());
      return false;
    }
  }

  private void report(List<Stamp> stamps, String why) {
    LOG.log(Level.WARNING, "TLS files changed but cannot be used (" + why + "); connections keep using "
        + (current.leaf() == null ? "the previous files" : describe(current.leaf())) + " until they are fixed");
  }

  private static String describe(X509Certificate c) {
    return "the certificate " + c.getSubjectX500Principal().getName() + " (serial " + c.getSerialNumber().toString(16)
        + ", valid until " + c.getNotAfter().toInstant() + ")";
  }

  private List<Stamp> stamps() {
    List<Stamp> out = new ArrayList<>(3);
    for (Path p : new Path[] {settings.certificate(), settings.key(), settings.trusted()}) {
      if (p == null) {
        continue;
      }
      TlsFileException.Role role = p == settings.certificate() ? TlsFileException.Role.CERTIFICATE
          : p == settings.key() ? TlsFileException.Role.KEY : TlsFileException.Role.TRUSTED;
      try {
        Path real = p.toRealPath();
        BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
        out.add(new Stamp(p, real.toString(), a.lastModifiedTime().toMillis(), a.size()));
      } catch (java.nio.file.NoSuchFileException e) {
        throw new TlsFileException(role, p, "no such file");
      } catch (IOException e) {
        throw new TlsFileException(role, p, "cannot read it: " + e.getMessage());
      }
    }
    return out;
  }

  private Loaded load(List<Stamp> stamps) {
    Settings s = settings;
    List<X509Certificate> trusted = s.trusted() == null ? null : PemFiles.certificates(TlsFileException.Role.TRUSTED, s.trusted());
    X509Certificate[] chain = null;
    PrivateKey key = null;
    if (s.certificate() != null) {
      chain = PemFiles.certificates(TlsFileException.Role.CERTIFICATE, s.certificate()).toArray(new X509Certificate[0]);
      key = PemFiles.privateKey(TlsFileException.Role.KEY, s.key());
      try {
        chain[0].checkValidity();
      } catch (CertificateExpiredException e) {
        throw new TlsFileException(TlsFileException.Role.CERTIFICATE, s.certificate(),
            "the certificate expired on " + chain[0].getNotAfter().toInstant());
      } catch (CertificateNotYetValidException e) {
        throw new TlsFileException(TlsFileException.Role.CERTIFICATE, s.certificate(),
            "the certificate is not valid before " + chain[0].getNotBefore().toInstant());
      }
      if (!PemFiles.matches(key, chain[0])) {
        throw new TlsFileException(TlsFileException.Role.KEY, s.key(),
            "this private key does not belong to the certificate in " + s.certificate() + " ("
                + chain[0].getSubjectX500Principal().getName() + ")");
      }
    }
    try {
      SslContext server = null;
      if (chain != null) {
        SslContextBuilder b = SslContextBuilder.forServer(key, chain).sslProvider(provider);
        if (trusted != null) {
          b.trustManager(trusted);
        }
        b.clientAuth(s.mutual() ? ClientAuth.REQUIRE : ClientAuth.NONE);
        server = b.build();
      }
      SslContextBuilder c = SslContextBuilder.forClient().sslProvider(provider);
      if (trusted != null) {
        c.trustManager(trusted);
      }
      if (s.mutual()) {
        c.keyManager(key, chain);
      }
      if (s.verifyHostname()) {
        c.endpointIdentificationAlgorithm("HTTPS");
      }
      return new Loaded(List.copyOf(stamps), server, c.build(), chain == null ? null : chain[0]);
    } catch (SSLException | RuntimeException e) {
      throw new IllegalArgumentException("cannot make a TLS context from " + s.certificate() + " and " + s.key()
          + ": " + e.getMessage(), e);
    }
  }
}
