package org.groupcache4j.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DNS discovery against a real DNS server (dnsmasq) whose records change between lookups. */
class DnsPeerDiscoveryTest {
  private static Dnsmasq dns;

  @BeforeAll
  static void startDns() throws Exception {
    dns = Dnsmasq.start();
  }

  @AfterAll
  static void stopDns() throws Exception {
    if (dns != null) {
      dns.close();
    }
  }

  @Test
  void everyAddressRecordIsAPeerOnThePortOfTheUrlSorted() throws Exception {
    String name = Dnsmasq.name("cache");
    dns.setRecords(Map.of(name, List.of("10.0.0.3", "10.0.0.1", "fd00::2", "10.0.0.2")));
    PeerDiscovery d = PeerDiscovery.dns("http://" + name + ":8001", dns.address());

    assertThat(d.lookup()).containsExactly("http://10.0.0.1:8001", "http://10.0.0.2:8001", "http://10.0.0.3:8001",
        "http://[fd00::2]:8001");
    assertThat(d.describe()).contains(name).contains(":8001").contains(dns.address().getPort() + "");
  }

  @Test
  void followsRecordsThatChange() throws Exception {
    String name = Dnsmasq.name("changing");
    PeerDiscovery d = PeerDiscovery.dns("https://" + name + ":443", dns.address());
    dns.setRecords(Map.of(name, List.of("10.1.0.1", "10.1.0.2")));
    assertThat(d.lookup()).containsExactly("https://10.1.0.1:443", "https://10.1.0.2:443");

    dns.setRecords(Map.of(name, List.of("10.1.0.2", "10.1.0.3")));
    assertThat(d.lookup()).containsExactly("https://10.1.0.2:443", "https://10.1.0.3:443");
  }

  @Test
  void aNameWithoutRecordsNamesNoPeer() throws Exception {
    dns.setRecords(Map.of());
    assertThat(PeerDiscovery.dns("http://" + Dnsmasq.name("nosuch") + ":8001", dns.address()).lookup()).isEmpty();
  }

  @Test
  void aServerThatDoesNotAnswerIsAFailureThatNamesTheNameAndTheServer() throws Exception {
    InetSocketAddress silent;
    try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      silent = new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
    } // closed: nothing answers there (ICMP port unreachable, or silence)
    PeerDiscovery d = PeerDiscovery.dns("http://" + Dnsmasq.name("x") + ":8001", silent);
    assertThatThrownBy(d::lookup).isInstanceOf(IOException.class)
        .hasMessageContaining(Dnsmasq.name("x")).hasMessageContaining(Integer.toString(silent.getPort()));
  }

  @Test
  void anUrlWithoutPortOrWithAPathIsRefusedWithAnExample() {
    for (String bad : List.of("http://cache.gc4j.test", "http://cache.gc4j.test:8001/x", "ftp://cache:1", "cache:8001")) {
      assertThatThrownBy(() -> PeerDiscovery.dns(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("http://");
    }
  }

  @Test
  void anIpLiteralIsItsOwnAnswer() throws Exception {
    assertThat(PeerDiscovery.dns("http://10.9.8.7:8001").lookup()).containsExactly("http://10.9.8.7:8001");
  }

  @Test
  void aShortNameIsTriedWithTheSearchDomainsAsTheCResolverDoes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path conf = java.nio.file.Files.writeString(dir.resolve("resolv.conf"), """
        nameserver 10.96.0.10
        search default.svc.cluster.local svc.cluster.local cluster.local
        options ndots:5
        """);
    // Kubernetes' ndots:5: a name with fewer dots goes through the search list first.
    assertThat(new DnsPeerDiscovery("http://groupcache:8001", null, conf).candidates()).containsExactly(
        "groupcache.default.svc.cluster.local", "groupcache.svc.cluster.local", "groupcache.cluster.local", "groupcache");
    assertThat(new DnsPeerDiscovery("http://a.b.c.d.e.f:8001", null, conf).candidates()).first().isEqualTo("a.b.c.d.e.f");
    assertThat(new DnsPeerDiscovery("http://groupcache.default.svc.cluster.local.:8001", null, conf).candidates())
        .containsExactly("groupcache.default.svc.cluster.local.");
    java.nio.file.Files.writeString(conf, "search example.org\n");
    assertThat(new DnsPeerDiscovery("http://cache.internal:8001", null, conf).candidates())
        .containsExactly("cache.internal", "cache.internal.example.org");
    assertThat(new DnsPeerDiscovery("http://cache:8001", null, dir.resolve("none")).candidates()).containsExactly("cache");
  }
}
