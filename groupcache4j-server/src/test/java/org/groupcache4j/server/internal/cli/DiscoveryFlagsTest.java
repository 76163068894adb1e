package org.groupcache4j.server.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.groupcache4j.server.internal.NodeConfig;
import org.groupcache4j.testing.FreePorts;
import org.junit.jupiter.api.Test;

/** {@code --peers-file}, {@code --peers-dns} and {@code --check}. */
class DiscoveryFlagsTest {
  private static void assertUsageError(CliTest.Run r, String flag, String... said) {
    assertThat(r.code()).as(r.err()).isEqualTo(Cli.USAGE);
    String first = r.err().lines().findFirst().orElse("");
    assertThat(first).contains(flag);
    for (String s : said) {
      assertThat(first).contains(s);
    }
  }

  @Test
  void peersFileAndPeersDnsBecomeThePeerSource() {
    NodeConfig f = ServeCommand.configOf("--self", "http://10.0.0.1:8001", "--peers-file", "/etc/peers");
    assertThat(f.peerSource().file()).isEqualTo(Path.of("/etc/peers"));
    assertThat(f.peerSource().interval()).isLessThanOrEqualTo(Duration.ofSeconds(1));

    NodeConfig d = ServeCommand.configOf("--self", "http://10.0.0.1:8001", "--peers-dns",
        "http://groupcache.default.svc.cluster.local:8001", "--peers-dns-interval", "2s", "--peers-dns-server", "127.0.0.1:5353");
    assertThat(d.peerSource().dnsUrl()).isEqualTo("http://groupcache.default.svc.cluster.local:8001");
    assertThat(d.peerSource().interval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(d.peerSource().dnsServer()).isEqualTo(new InetSocketAddress("127.0.0.1", 5353));
    assertThat(d.peerSource().discovery().describe()).contains("groupcache.default.svc.cluster.local").contains("5353");

    assertThat(ServeCommand.configOf("--peers-dns", "http://g.example:8001").peerSource().interval())
        .as("default interval").isEqualTo(Duration.ofSeconds(5));
    assertThat(ServeCommand.configOf().peerSource()).as("no source: the fixed list").isNull();
  }

  @Test
  void badDiscoveryFlagsAreUsageErrors() {
    assertUsageError(CliTest.run("serve", "--peers-dns", "groupcache:8001"), "--peers-dns", "http://");
    assertUsageError(CliTest.run("serve", "--peers-dns", "http://groupcache"), "--peers-dns", "NAME:PORT");
    assertUsageError(CliTest.run("serve", "--peers-dns", "http://g:8001", "--peers-dns-interval", "0s"),
        "--peers-dns-interval", "longer than zero");
    assertUsageError(CliTest.run("serve", "--peers-dns", "http://g:8001", "--peers-file", "/p"), "not both");
    assertUsageError(CliTest.run("serve", "--peers-file", "/p", "--peers", "http://127.0.0.1:8001"), "--peers-file",
        "or --peers, not both");
    assertUsageError(CliTest.run("serve", "--peers-dns-server", "127.0.0.1:53"), "--peers-dns-server", "--peers-dns");
    assertUsageError(CliTest.run("serve", "--peers-dns", "http://g:8001", "--peers-dns-server", "nowhere"),
        "--peers-dns-server", "HOST:PORT");
  }

  @Test
  void checkValidatesPrintsAndStartsNothing() throws Exception {
    int port = FreePorts.port();
    CliTest.Run ok = CliTest.run("serve", "--check", "--self", "http://127.0.0.1:" + port, "--api", "127.0.0.1:" + port,
        "--peers-dns", "http://no-such-name.invalid:" + port);
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("valid").contains("http://127.0.0.1:" + port).contains("no-such-name.invalid");
    // It bound nothing: the port is still free.
    new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress()).close();

    assertUsageError(CliTest.run("serve", "--check", "--cache-bytes", "lots"), "--cache-bytes");
  }

}
