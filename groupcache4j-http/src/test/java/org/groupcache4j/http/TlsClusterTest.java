package org.groupcache4j.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.groupcache4j.http.internal.security.TlsContexts;
import org.groupcache4j.http.tls.TestCerts;
import org.groupcache4j.http.tls.TestCerts.KeyType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes with {@code https://} peer URLs and mutual TLS, on real sockets: every key is loaded
 * once, by its owner, over connections that are kept (a handshake per connection, not per
 * fetch); clients without a certificate, with one of another CA, or speaking plain HTTP are
 * refused while the node keeps serving; a certificate rotated on disk serves new connections.
 */
class TlsClusterTest {
  @TempDir
  static Path dir;
  static TestCerts.Ca ca;
  static TestCerts.Ca rogue;

  @RegisterExtension
  final Closer closer = new Closer();

  @BeforeAll
  static void certificates() {
    ca = TestCerts.newCa(dir, "cluster CA");
    rogue = TestCerts.newCa(dir, "rogue CA");
  }

  static PeerTls mtls(TestCerts.Cert c) {
    return PeerTls.builder().certificate(c.certFile(), c.keyFile()).trustedCertificates(ca.certFile()).mutual(true)
        .reloadInterval(Duration.ofMillis(100)).build();
  }

  TestNode node(PeerTls tls) {
    // Probes judge a peer down after 3 s (not 1 s): a first TLS handshake on a loaded 2-core machine can take a second.
    return closer.open(TestNode.start("https", b -> b.tls(tls).maxConnectionsPerPeer(4),
        c -> c.peerProbeTimeout(Duration.ofSeconds(3)), TestNode::goValue,
        (n, loader) -> n.cache.newGroup(TestNode.GROUP, 64 << 20, loader)));
  }

  List<TestNode> cluster(PeerTls... tls) {
    List<TestNode> nodes = new ArrayList<>();
    for (PeerTls t : tls) {
      nodes.add(node(t));
    }
    // Every node has answered every other's probe (over TLS) before a key is asked.
    TestNodes.setPeers(nodes);
    return nodes;
  }

  @Test
  void everyKeyIsLoadedOnceByItsOwnerOverMutualTlsWithConnectionsKept() throws Exception {
    List<TestNode> nodes = cluster(mtls(ca.issue("n1", KeyType.EC, "127.0.0.1")),
        mtls(ca.issue("n2", KeyType.RSA, "127.0.0.1")), mtls(ca.issue("n3", KeyType.EC, "127.0.0.1")));
    int keys = 120;
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < keys; i++) {
        for (TestNode n : nodes) {
          assertThat(n.group.get("key" + i).toByteArray()).isEqualTo(TestNode.goValue("key" + i));
        }
      }
    }
    for (int i = 0; i < keys; i++) {
      String owner = nodes.get(0).cache.ownerOf("key" + i);
      for (TestNode n : nodes) {
        assertThat(n.loadsOf("key" + i)).as("loads of key%d at %s (owner %s)", i, n, owner)
            .isEqualTo(n.url.equals(owner) ? 1 : 0);
      }
    }
    long fetchesServed = 0;
    for (TestNode n : nodes) {
      assertThat(n.group.stats().peerErrors()).as("peer errors at %s", n).isZero();
      fetchesServed += n.group.stats().serverRequests();
    }
    long handshakes = nodes.stream().mapToLong(n -> n.transport.security().serverHandshakes()).sum();
    // Each node keeps at most 4 connections to each of its 2 peers (probes included): a handshake per
    // connection, not per fetch.
    assertThat(fetchesServed).isGreaterThan(100);
    assertThat(handshakes).as("TLS handshakes for %d fetches", fetchesServed).isPositive().isLessThan(fetchesServed / 4);
  }

  @Test
  void clientsWithoutTheRightCertificateOrTlsAreRefusedAndTheNodeKeepsServing() throws Exception {
    List<TestNode> nodes = cluster(mtls(ca.issue("a", KeyType.EC, "127.0.0.1")), mtls(ca.issue("b", KeyType.EC, "127.0.0.1")));
    TestNode a = nodes.get(0);
    String key = ownedBy(a, nodes.get(1));

    // Plain HTTP to the TLS port: 400 saying to use https.
    try (RawHttp c = new RawHttp(a.port())) {
      RawHttp.Answer plain = c.send("GET /_groupcache/scores/" + key + " HTTP/1.1\r\nhost: a\r\n\r\n").read();
      assertThat(plain.status()).as(plain.text()).isEqualTo(400);
      assertThat(plain.text()).contains("https://");
      assertThat(c.closedByServer()).as("the connection is closed after the 400").isTrue();
    }
    // A node that trusts the CA but has no certificate, and one whose certificate is of another CA.
    PeerTls noCertificate = PeerTls.builder().trustedCertificates(ca.certFile()).build();
    TestCerts.Cert stranger = rogue.issue("stranger", KeyType.EC, "127.0.0.1");
    PeerTls otherCa = PeerTls.builder().certificate(stranger.certFile(), stranger.keyFile())
        .trustedCertificates(ca.certFile()).build();
    for (PeerTls bad : new PeerTls[] {noCertificate, otherCa}) {
      HttpPeerTransport t = closer.open(HttpPeerTransport.builder().tls(bad).eventLoopThreads(1).build());
      Throwable failure = TestFutures.failureOf(t.client(a.url).fetch(TestNode.GROUP, key));
      assertThat(failure).as("fetch with %s", bad).isInstanceOf(PeerFetchException.class);
    }
    assertThat(a.loadsOf(key)).isZero();
    // Still serving its peers.
    assertThat(nodes.get(1).group.get(key).toByteArray()).isEqualTo(TestNode.goValue(key));
    assertThat(a.loadsOf(key)).isEqualTo(1);
  }

  @Test
  void aCertificateRotatedOnDiskServesNewConnectionsWhileOpenOnesKeepWorking() throws Exception {
    Path live = Files.createDirectories(dir.resolve("live"));
    TestCerts.Cert first = ca.issue("rotating-1", KeyType.EC, "127.0.0.1");
    TestCerts.Cert second = ca.issue("rotating-2", KeyType.RSA, "127.0.0.1");
    Path crt = Files.copy(first.certFile(), live.resolve("tls.crt"));
    Path key = Files.copy(first.keyFile(), live.resolve("tls.key"));
    List<TestNode> nodes = cluster(mtls(new TestCerts.Cert(crt, key, "live")), mtls(ca.issue("c", KeyType.EC, "127.0.0.1")));
    TestNode a = nodes.get(0);
    TestNode b = nodes.get(1);
    String before = ownedBy(a, b);
    assertThat(b.group.get(before).toByteArray()).isEqualTo(TestNode.goValue(before));
    assertThat(servedCertificate(a.port()).getSubjectX500Principal().getName()).isEqualTo("CN=rotating-1");

    replace(second.keyFile(), key);
    replace(second.certFile(), crt);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(servedCertificate(a.port()).getSubjectX500Principal().getName()).isEqualTo("CN=rotating-2"));
    // b's pooled connections (made with the first certificate) and new ones both work.
    String after = ownedBy(a, b, before);
    assertThat(b.group.get(after).toByteArray()).isEqualTo(TestNode.goValue(after));
    assertThat(b.group.stats().peerErrors()).isZero();
    assertThat(a.loadsOf(before) + a.loadsOf(after)).isEqualTo(2);
  }

  /** The certificate {@code port} presents to a new connection of a client with a valid certificate. */
  static X509Certificate servedCertificate(int port) throws Exception {
    TestCerts.Cert probe = ca.issue("probe-" + System.nanoTime(), KeyType.EC, "127.0.0.1");
    TlsContexts client = TlsContexts.load(new TlsContexts.Settings(probe.certFile(), probe.keyFile(), ca.certFile(),
        true, true, Duration.ofSeconds(5), Duration.ofSeconds(60)), SslProvider.JDK);
    try (SSLSocket s = (SSLSocket) ((JdkSslContext) client.client()).context().getSocketFactory()
        .createSocket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.startHandshake();
      return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }
  }

  static String ownedBy(TestNode owner, TestNode asker, String... not) {
    for (int i = 0; ; i++) {
      String k = "k" + i;
      if (asker.cache.ownerOf(k).equals(owner.url) && !List.of(not).contains(k)) {
        return k;
      }
    }
  }

  static void replace(Path from, Path to) throws Exception {
    Path tmp = to.resolveSibling(to.getFileName() + ".new");
    Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
    Files.setLastModifiedTime(tmp, FileTime.fromMillis(Files.getLastModifiedTime(to).toMillis() + 2000));
    Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
