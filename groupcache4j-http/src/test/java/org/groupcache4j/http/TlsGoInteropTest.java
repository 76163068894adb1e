package org.groupcache4j.http;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.groupcache4j.GroupCache;
import org.groupcache4j.http.tls.TestCerts;
import org.groupcache4j.http.tls.TestCerts.KeyType;

/**
 * {@link GoInteropTest}'s mixed cluster with {@code https://} peer URLs and mutual TLS from one
 * CA: the golang/groupcache nodes serve their peer port with {@code -tlsCert -tlsKey}, require
 * client certificates ({@code -mtls -tlsCA}) and present theirs when they fetch; ours does the
 * same with {@link PeerTls}. Every key is still loaded exactly once, by the owner the ring names
 * (the ring hashes the https URLs, as golang/groupcache's does).
 */
class TlsGoInteropTest extends GoInteropTest {
  private TestCerts.Ca ca;

  @Override
  String scheme() {
    return "https";
  }

  private TestCerts.Ca ca() {
    if (ca == null) {
      ca = TestCerts.newCa(dir.resolve("certs"), "interop CA");
    }
    return ca;
  }

  @Override
  TestNode startOurs() {
    return startOurs(cache -> {});
  }

  @Override
  TestNode startOurs(Consumer<GroupCache.Builder> cacheOptions) {
    TestCerts.Cert c = ca().issue("java-node", KeyType.RSA, "127.0.0.1");
    PeerTls tls = PeerTls.builder().certificate(c.certFile(), c.keyFile()).trustedCertificates(ca().certFile())
        .mutual(true).build();
    // A first TLS handshake on a loaded 2-core machine can take a second: judge peers down after 3 s.
    return TestNode.start("https", b -> b.tls(tls), cache -> cacheOptions.accept(
            cache.peerProbeTimeout(Duration.ofSeconds(3))), TestNode::goValue,
        (n, loader) -> n.cache.newGroup(TestNode.GROUP, 64 << 20, loader));
  }

  @Override
  List<String> goFlags(int i) {
    TestCerts.Cert c = ca().issue("go-node-" + i, KeyType.EC, "127.0.0.1");
    return List.of("-tlsCert", c.certFile().toString(), "-tlsKey", c.keyFile().toString(),
        "-tlsCA", ca().certFile().toString(), "-mtls");
  }
}
