package org.groupcache4j.server.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.groupcache4j.http.tls.TestCerts.KeyType;
import org.groupcache4j.http.tls.TestCerts;
import org.groupcache4j.testing.FreePorts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** https peer URLs on the command line, and TLS and token flags whose files are bad: usage errors naming the flag. */
class TlsFlagsTest {
  @TempDir
  static Path dir;
  static TestCerts.Ca ca;
  static TestCerts.Cert node;

  @BeforeAll
  static void certificates() {
    ca = TestCerts.newCa(dir, "test CA");
    node = ca.issue("node", KeyType.EC, "127.0.0.1");
  }

  @Test
  void theRingHashesHttpsUrlsExactlyAsGolangGroupcache() {
    // Owners from golang/groupcache's consistenthash (ring-owners.tsv): the scheme changes them.
    CliTest.Run https = CliTest.run("ring", "--peers", "https://127.0.0.1:8001,https://127.0.0.1:8002,https://127.0.0.1:8003",
        "Tom", "Jack");
    assertThat(https.code()).as(https.err()).isZero();
    assertThat(https.out()).isEqualTo("Tom\thttps://127.0.0.1:8002\nJack\thttps://127.0.0.1:8001\n");
    CliTest.Run mixed = CliTest.run("ring", "--peers", "http://127.0.0.1:8001,https://127.0.0.1:8002,https://10.0.0.3:8443",
        "Tom");
    assertThat(mixed.out()).startsWith("Tom\t");
  }

  @Test
  void badTlsAndTokenFilesStopTheNodeNamingTheFlag() throws Exception {
    String self = "https://127.0.0.1:" + FreePorts.port();
    assertUsage(CliTest.run("serve", "--self", self), "--self", "needs --tls-cert and --tls-key");
    Path missing = dir.resolve("missing.pem");
    assertUsage(CliTest.run("serve", "--self", self, "--tls-cert", missing.toString(), "--tls-key", node.keyFile().toString()),
        "--tls-cert", "no such file");
    assertUsage(CliTest.run("serve", "--self", self, "--tls-cert", node.certFile().toString()), "--tls-cert",
        "together");
    TestCerts.Cert other = ca.issue("other", KeyType.RSA, "127.0.0.1");
    assertUsage(CliTest.run("serve", "--self", self, "--tls-cert", node.certFile().toString(),
        "--tls-key", other.keyFile().toString()), "--tls-key", "does not belong to the certificate");
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello\n");
    assertUsage(CliTest.run("serve", "--self", self, "--tls-cert", node.certFile().toString(),
        "--tls-key", node.keyFile().toString(), "--tls-ca", garbage.toString()), "--tls-ca", "no PEM certificate");
    TestCerts.Cert expired = ca.issueExpired("expired", KeyType.EC, "127.0.0.1");
    assertUsage(CliTest.run("serve", "--self", self, "--tls-cert", expired.certFile().toString(),
        "--tls-key", expired.keyFile().toString()), "--tls-cert", "expired on 2020-01-02");
    assertUsage(CliTest.run("serve", "--self", self, "--tls-cert", node.certFile().toString(),
        "--tls-key", node.keyFile().toString(), "--peer-mtls"), "--peer-mtls", "needs --tls-ca");
    assertUsage(CliTest.run("serve", "--api-tls", "--tls-cert", node.certFile().toString(),
        "--tls-key", node.keyFile().toString()), "--api-tls", "give --api too");
    Path empty = Files.writeString(dir.resolve("empty-token"), "\n");
    assertUsage(CliTest.run("serve", "--api", "127.0.0.1:" + FreePorts.port(), "--api-token-file", empty.toString()),
        "--api-token-file", "it is empty");
    Path secret = Files.writeString(dir.resolve("secret-token"), "s3cr3t s3cr3t\n");
    CliTest.Run r = CliTest.run("serve", "--peer-token-file", secret.toString());
    assertUsage(r, "--peer-token-file", "not one a bearer token may have");
    assertThat(r.err()).doesNotContain("s3cr3t");
  }

  private static void assertUsage(CliTest.Run r, String flag, String why) {
    assertThat(r.code()).as(r.err()).isEqualTo(Cli.USAGE);
    String first = r.err().lines().findFirst().orElse("");
    assertThat(first).contains(flag).contains(why);
  }

}
