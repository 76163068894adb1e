package org.groupcache4j.http.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import javax.net.ssl.SSLException;
import org.groupcache4j.http.internal.security.TlsContexts;
import org.groupcache4j.http.internal.security.TlsFileException;
import org.groupcache4j.http.tls.TestCerts.Ca;
import org.groupcache4j.http.tls.TestCerts.Cert;
import org.groupcache4j.http.tls.TestCerts.KeyType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Loading PEM files into TLS contexts, what handshakes they allow, and rotation. */
class TlsContextsTest {
  @TempDir
  static Path dir;

  static Ca ca;
  static Ca rogue;
  static Cert rsa;
  static Cert ec;

  @BeforeAll
  static void certificates() {
    ca = TestCerts.newCa(dir, "test CA");
    rogue = TestCerts.newCa(dir, "rogue CA");
    rsa = ca.issue("rsa-node", KeyType.RSA, "127.0.0.1");
    ec = ca.issue("ec-node", KeyType.EC, "127.0.0.1", "localhost");
  }

  static TlsContexts mtls(Cert c, Path trusted) {
    return mtls(c, trusted, SslProvider.JDK);
  }

  static TlsContexts mtls(Cert c, Path trusted, SslProvider provider) {
    return TlsContexts.load(settings(c.certFile(), c.keyFile(), trusted, true, true), provider);
  }

  static TlsContexts.Settings settings(Path cert, Path key, Path trusted, boolean mutual, boolean verifyHost) {
    return new TlsContexts.Settings(cert, key, trusted, mutual, verifyHost, Duration.ofSeconds(5), Duration.ofMillis(1));
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void mutualTlsWorksWithPkcs8AndTraditionalKeys(KeyType type) throws Exception {
    Cert server = type == KeyType.RSA ? rsa : ec;
    Cert client = ca.issue("client-" + type, type, "127.0.0.2");
    for (Path serverKey : new Path[] {server.keyFile(), server.traditionalKeyFile()}) {
      TlsContexts s = TlsContexts.load(settings(server.certFile(), serverKey, ca.certFile(), true, true), SslProvider.JDK);
      TlsContexts c = TlsContexts.load(settings(client.certFile(), client.traditionalKeyFile(), ca.certFile(), true, true),
          SslProvider.JDK);
      try (TlsEcho echo = new TlsEcho(s, "127.0.0.1"); TlsEcho.Conn conn = echo.connect(c, "127.0.0.1")) {
        assertThat(conn.echo("hello")).isEqualTo("hello");
        assertThat(conn.serverCertificate().getSubjectX500Principal().getName()).isEqualTo("CN=" + server.name());
      }
    }
    assertThat(Files.readString(server.traditionalKeyFile()))
        .startsWith(type == KeyType.RSA ? "-----BEGIN RSA PRIVATE KEY-----" : "-----BEGIN EC PRIVATE KEY-----");
  }

  @Test
  void aChainThroughAnIntermediateVerifiesAgainstTheRoot() throws Exception {
    Cert leaf = ca.intermediate("issuing CA").issue("chained", KeyType.EC, "127.0.0.1");
    assertThat(Files.readString(leaf.certFile()).split("BEGIN CERTIFICATE", -1)).hasSize(3);
    try (TlsEcho echo = new TlsEcho(mtls(leaf, ca.certFile()), "127.0.0.1");
        TlsEcho.Conn conn = echo.connect(mtls(ec, ca.certFile()), "127.0.0.1")) {
      assertThat(conn.echo("x")).isEqualTo("x");
    }
  }

  @ParameterizedTest
  @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
  void refusesPeersOfAnotherCaClientsWithoutCertificatesAndWrongHosts(SslProvider provider) throws Exception {
    try (TlsEcho echo = new TlsEcho(mtls(ec, ca.certFile(), provider), "127.0.0.1")) {
      assertThat(echo.connect(mtls(rsa, ca.certFile(), provider), "127.0.0.1").echo("ok")).isEqualTo("ok");
      Cert stranger = rogue.issue("stranger", KeyType.EC, "127.0.0.1");
      // A client certificate from another CA: the server refuses it (the client trusts the server).
      assertThatThrownBy(() -> echo.connect(TlsContexts.load(settings(stranger.certFile(), stranger.keyFile(),
          ca.certFile(), true, true), provider), "127.0.0.1").echo("x")).isInstanceOf(Exception.class);
      // A client that trusts our CA but has no certificate of its own: refused under mTLS.
      TlsContexts anonymous = TlsContexts.load(settings(null, null, ca.certFile(), false, true), provider);
      assertThatThrownBy(() -> echo.connect(anonymous, "127.0.0.1").echo("x")).isInstanceOf(Exception.class);
      // A server of another CA: the client refuses it.
      try (TlsEcho impostor = new TlsEcho(mtls(stranger, rogue.certFile(), provider), "127.0.0.1")) {
        assertThatThrownBy(() -> impostor.connect(mtls(ec, ca.certFile(), provider), "127.0.0.1"))
            .isInstanceOf(SSLException.class);
      }
    }
    Cert elsewhere = ca.issue("elsewhere", KeyType.EC, "10.9.9.9");
    try (TlsEcho echo = new TlsEcho(mtls(elsewhere, ca.certFile(), provider), "127.0.0.1")) {
      assertThatThrownBy(() -> echo.connect(mtls(ec, ca.certFile(), provider), "127.0.0.1"))
          .isInstanceOf(SSLException.class).hasStackTraceContaining("127.0.0.1");
      TlsContexts unchecked = TlsContexts.load(settings(ec.certFile(), ec.keyFile(), ca.certFile(), true, false),
          provider);
      try (TlsEcho.Conn conn = echo.connect(unchecked, "127.0.0.1")) {
        assertThat(conn.echo("y")).isEqualTo("y");
      }
    }
  }

  @Test
  void badFilesAreRefusedNamingTheFileAndTheProblem() throws Exception {
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(() -> mtls(new Cert(missing, ec.keyFile(), "x"), ca.certFile()))
        .isInstanceOf(TlsFileException.class).hasMessage("certificate file " + missing + ": no such file")
        .extracting(e -> ((TlsFileException) e).role()).isEqualTo(TlsFileException.Role.CERTIFICATE);
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");
    assertThatThrownBy(() -> mtls(ec, garbage)).isInstanceOf(TlsFileException.class)
        .hasMessageContaining("trusted CA certificates file " + garbage + ": no PEM certificate");
    assertThatThrownBy(() -> mtls(new Cert(ec.certFile(), garbage, "x"), ca.certFile()))
        .hasMessageContaining("private key file " + garbage + ": no PEM private key");
    Path encrypted = dir.resolve("encrypted.key");
    TestCerts.openssl(dir, "pkey", "-in", ec.keyFile().toString(), "-aes256", "-passout", "pass:secret",
        "-out", encrypted.toString());
    assertThatThrownBy(() -> mtls(new Cert(ec.certFile(), encrypted, "x"), ca.certFile()))
        .hasMessageContaining("the private key is encrypted");
    assertThatThrownBy(() -> mtls(new Cert(ec.certFile(), rsa.keyFile(), "x"), ca.certFile()))
        .hasMessageContaining("private key file " + rsa.keyFile() + ": this private key does not belong to the certificate");
    Cert expired = ca.issueExpired("expired", KeyType.EC, "127.0.0.1");
    assertThatThrownBy(() -> mtls(expired, ca.certFile()))
        .hasMessageContaining("certificate file " + expired.certFile() + ": the certificate expired on 2020-01-02");
    assertThatThrownBy(() -> TlsContexts.load(settings(null, null, ca.certFile(), true, true)))
        .hasMessageContaining("mutual TLS needs this node's certificate");
    assertThatThrownBy(() -> TlsContexts.load(settings(ec.certFile(), ec.keyFile(), null, true, true)))
        .hasMessageContaining("mutual TLS needs the CA certificates");
  }

  @Test
  void anExpiredServerCertificateIsRefusedByClients() throws Exception {
    Cert expired = ca.issueExpired("expired-server", KeyType.EC, "127.0.0.1");
    // Our loader refuses to serve it, so a bare Netty context serves it here.
    io.netty.handler.ssl.SslContext server = io.netty.handler.ssl.SslContextBuilder
        .forServer(expired.certFile().toFile(), expired.keyFile().toFile()).sslProvider(SslProvider.JDK).build();
    try (TlsEcho echo = new TlsEcho(server::newHandler, "127.0.0.1")) {
      assertThatThrownBy(() -> echo.connect(mtls(ec, ca.certFile()), "127.0.0.1"))
          .isInstanceOf(SSLException.class).hasStackTraceContaining("CertificateExpiredException");
    }
  }

  @Test
  void rotatedFilesServeNewConnectionsWhileOpenOnesKeepWorking() throws Exception {
    Path live = Files.createDirectories(dir.resolve("live"));
    Path crt = live.resolve("tls.crt");
    Path key = live.resolve("tls.key");
    Cert first = ca.issue("rotating-1", KeyType.EC, "127.0.0.1");
    Cert second = ca.issue("rotating-2", KeyType.RSA, "127.0.0.1");
    Files.copy(first.certFile(), crt);
    Files.copy(first.keyFile(), key);
    TlsContexts server = TlsContexts.load(settings(crt, key, ca.certFile(), true, true), SslProvider.JDK);
    TlsContexts client = mtls(ec, ca.certFile());
    try (TlsEcho echo = new TlsEcho(server, "127.0.0.1"); TlsEcho.Conn old = echo.connect(client, "127.0.0.1")) {
      assertThat(old.serverCertificate().getSubjectX500Principal().getName()).isEqualTo("CN=rotating-1");
      // Half a rotation (new certificate, old key) is not used.
      replace(second.certFile(), crt);
      assertThat(server.reloadIfChanged()).isFalse();
      try (TlsEcho.Conn c = echo.connect(client, "127.0.0.1")) {
        assertThat(c.serverCertificate().getSubjectX500Principal().getName()).isEqualTo("CN=rotating-1");
      }
      replace(second.keyFile(), key);
      assertThat(server.reloadIfChanged()).isTrue();
      try (TlsEcho.Conn c = echo.connect(client, "127.0.0.1")) {
        assertThat(c.serverCertificate().getSubjectX500Principal().getName()).isEqualTo("CN=rotating-2");
      }
      assertThat(old.echo("still here")).isEqualTo("still here");
    }
  }

  private static void replace(Path from, Path to) throws Exception {
    Path tmp = to.resolveSibling(to.getFileName() + ".tmp");
    Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
    // A different size or a later time: make sure the change is visible even within one mtime tick.
    Files.setLastModifiedTime(tmp, java.nio.file.attribute.FileTime.fromMillis(
        Files.getLastModifiedTime(to).toMillis() + 2000));
    Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
