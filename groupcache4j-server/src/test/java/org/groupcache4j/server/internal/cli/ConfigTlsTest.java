package org.groupcache4j.server.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.groupcache4j.http.PeerTls;
import org.groupcache4j.http.tls.TestCerts.KeyType;
import org.groupcache4j.http.tls.TestCerts;
import org.groupcache4j.server.internal.Node;
import org.groupcache4j.server.internal.NodeConfig;
import org.groupcache4j.testing.FreePorts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * TLS and token settings in a {@code serve --config} file: nodes started from their files alone
 * (https peers, mutual TLS, peer and API tokens, every file named relative to the config file),
 * mistakes that name the file, line and key, and flags that win over the file.
 */
class ConfigTlsTest {
  static final String READ = ServeTlsTest.READ;

  @TempDir
  static Path dir;
  /** The config files' directory; certificates and tokens are in its {@code secrets/}. */
  static Path conf;
  static TestCerts.Ca ca;
  static final List<TestCerts.Cert> certs = new ArrayList<>();

  @BeforeAll
  static void files() throws Exception {
    conf = dir.resolve("conf");
    Path secrets = conf.resolve("secrets");
    ca = TestCerts.newCa(secrets, "config CA");
    certs.add(ca.issue("node0", KeyType.EC, "127.0.0.1"));
    certs.add(ca.issue("node1", KeyType.RSA, "127.0.0.1"));
    Files.writeString(secrets.resolve("read.token"), READ + "\n");
    Files.writeString(secrets.resolve("write.token"), ServeTlsTest.WRITE + "\n");
    Files.writeString(secrets.resolve("peer.token"), ServeTlsTest.PEER + "\n");
    Files.writeString(secrets.resolve("empty.token"), "\n");
    Files.writeString(secrets.resolve("garbage.pem"), "hello\n");
  }

  /** {@code path} as a config file in {@code conf} names it. */
  static String rel(Path path) {
    return conf.relativize(path).toString();
  }

  /** A node's file with every security setting, each file relative to {@code conf}. */
  static String secure(String self, List<String> peers, TestCerts.Cert cert) {
    return "self: " + self + "\n"
        + "api: 127.0.0.1:0\n"
        + "api-threads: 1\n"
        + "tls-cert: " + rel(cert.certFile()) + "\n"
        + "tls-key: " + rel(cert.keyFile()) + "\n"
        + "tls-ca: " + rel(ca.certFile()) + "\n"
        + "peer-mtls: true\n"
        + "api-tls: true\n"
        + "api-token-file: secrets/read.token\n"
        + "api-write-token-file: secrets/write.token\n"
        + "peer-token-file: secrets/peer.token\n"
        + "peers:\n  list: [" + String.join(", ", peers) + "]\n"
        + "groups:\n  scores: {origin: \"synthetic:100\"}\n";
  }

  static Path write(Path file, String yaml) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, yaml);
  }

  @Test
  void nodesStartedFromConfigFilesServeHttpsPeersWithMutualTlsAndAskForTheApiToken() throws Exception {
    List<String> peers = List.of("https://127.0.0.1:" + FreePorts.port(), "https://127.0.0.1:" + FreePorts.port());
    List<Node> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        Path f = write(conf.resolve("node" + i + ".yaml"), secure(peers.get(i), peers, certs.get(i)));
        NodeConfig c = ServeCommand.configOf("--config", f.toString(), "--warm-up", "0");
        assertThat(c.security().peerTokenFile()).as("peer-token-file").isNotNull();
        nodes.add(Node.start(c));
      }
      HttpClient https = ServeTlsTest.trusting(ca.certFile());
      int keys = 20;
      for (int k = 0; k < keys; k++) {
        for (Node n : nodes) {
          HttpResponse<String> r = ServeTlsTest.send(https, "GET", api(n) + "/api?key=cfg" + k, READ);
          assertThat(r.statusCode()).as("key %d: %s", k, r.body()).isEqualTo(200);
          assertThat(r.body()).startsWith("value-of-cfg" + k);
        }
      }
      long loads = 0;
      for (Node n : nodes) {
        Map<String, Object> stats = JSON.std.mapFrom(ServeTlsTest.send(https, "GET", api(n) + "/stats", READ).body());
        Map<?, ?> group = (Map<?, ?>) ((Map<?, ?>) stats.get("groups")).get("scores");
        loads += ((Number) ((Map<?, ?>) group.get("origin")).get("loads")).longValue();
      }
      assertThat(loads).as("origin loads: each key once, fetched by the other node from its owner over TLS").isEqualTo(keys);

      HttpResponse<String> none = ServeTlsTest.send(https, "GET", api(nodes.get(0)) + "/api?key=cfg0", null);
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
      assertThat(ServeTlsTest.send(https, "GET", api(nodes.get(0)) + "/healthz", null).statusCode()).isEqualTo(200);
      assertThat(ServeTlsTest.send(https, "PUT", api(nodes.get(0)) + "/api/scores/cfg0", READ).statusCode())
          .as("the read token writing (api-write-token-file)").isEqualTo(403);
      assertThatThrownBy(() -> ServeTlsTest.send(https, "GET", peers.get(0) + "/_groupcache/scores/cfg0", ServeTlsTest.PEER))
          .as("a client without a certificate on the peer port (peer-mtls)").isInstanceOf(IOException.class);
    } finally {
      nodes.forEach(Node::close);
    }
  }

  @Test
  void filesAreNamedRelativeToTheConfigFilesDirectory() throws Exception {
    Path sub = conf.resolve("sub");
    String self = "https://127.0.0.1:" + FreePorts.port();
    TestCerts.Cert c = certs.get(0);
    Path f = write(sub.resolve("node.yaml"), "self: " + self + "\napi: 127.0.0.1:0\n"
        + "tls-cert: ../" + rel(c.certFile()) + "\ntls-key: ../" + rel(c.keyFile()) + "\n"
        + "tls-ca: " + ca.certFile() + "\n" // absolute: as it is
        + "api-token-file: ../secrets/read.token\n"
        + "groups:\n  scores: {origin: demo}\n");
    PeerTls tls = ServeCommand.configOf("--config", f.toString()).security().tls();
    assertThat(tls.certificateFile().normalize()).isEqualTo(c.certFile().toAbsolutePath());
    assertThat(tls.keyFile().normalize()).isEqualTo(c.keyFile().toAbsolutePath());
    assertThat(tls.trustedCertificatesFile()).isEqualTo(ca.certFile());

    Path wrongDir = write(sub.resolve("wrong.yaml"), "api: 127.0.0.1:0\napi-token-file: secrets/read.token\n"
        + "groups:\n  scores: {origin: demo}\n");
    assertThatThrownBy(() -> ServeCommand.configOf("--config", wrongDir.toString()))
        .as("secrets/ is next to conf/, not next to conf/sub/")
        .hasMessageContaining(wrongDir + ", line 2, api-token-file")
        .hasMessageContaining(sub.toAbsolutePath().resolve("secrets/read.token") + ": no such file");
  }

  @Test
  void mistakesInTheFileStopTheNodeNamingTheFileTheLineAndTheKey() throws Exception {
    String self = "self: https://127.0.0.1:" + FreePorts.port() + "\n";
    TestCerts.Cert c = certs.get(0);
    String cert = "tls-cert: " + rel(c.certFile()) + "\n";
    String key = "tls-key: " + rel(c.keyFile()) + "\n";
    String groups = "groups:\n  scores: {origin: demo}\n";
    assertStops(self + "tls-cert: secrets/missing.pem\n" + key + groups, "line 2, tls-cert",
        "'" + conf.toAbsolutePath().resolve("secrets/missing.pem") + "'", "no such file");
    assertStops(self + cert + "tls-key: " + rel(certs.get(1).keyFile()) + "\n" + groups, "line 3, tls-key",
        "does not belong to the certificate");
    assertStops(self + cert + key + "tls-ca: secrets/garbage.pem\n" + groups, "line 4, tls-ca", "no PEM certificate");
    assertStops(self + cert + groups, "line 2, tls-cert", "give --tls-cert and --tls-key together",
        "(tls-cert and tls-key in a config file)");
    assertStops(self + "tls-cert: \"\"\n" + key + groups, "line 2, tls-cert", "name the certificate file");
    assertStops(self + groups, "line 1, self", "needs --tls-cert and --tls-key");
    assertStops(self + cert + key + "peer-mtls: maybe\n" + groups, "line 4, peer-mtls", "use true or false");
    assertStops(self + cert + key + "peer-mtls: true\n" + groups, "line 4, peer-mtls: needs --tls-ca (tls-ca in a config file)");
    assertStops("peer-mtls: true\n" + groups, "line 1, peer-mtls: needs an https:// --self");
    assertStops(self + cert + key + "api-tls: true\n" + groups, "line 4, api-tls: applies to the client API: give --api too");
    assertStops("api: 127.0.0.1:0\napi-tls: true\n" + groups, "line 2, api-tls: needs --tls-cert and --tls-key");
    assertStops("api: 127.0.0.1:0\napi-token-file: secrets/empty.token\n" + groups, "line 2, api-token-file",
        "it is empty");
    assertStops("peer-token-file: [a, b]\n" + groups, "line 1, peer-token-file: a list, but it takes one value");
  }

  @Test
  void flagsWinOverTheFile() throws Exception {
    String self = "https://127.0.0.1:" + FreePorts.port();
    TestCerts.Cert good = certs.get(1);
    Path f = write(conf.resolve("overridden.yaml"), "self: " + self + "\napi: 127.0.0.1:0\n"
        + "tls-cert: secrets/missing.pem\ntls-key: secrets/missing.key\ntls-ca: secrets/garbage.pem\n"
        + "peer-mtls: true\napi-tls: true\napi-token-file: secrets/empty.token\n"
        + "groups:\n  scores: {origin: demo}\n");
    Path ok = write(conf.resolve("ok.yaml"), secure(self, List.of(self), certs.get(0)));

    NodeConfig c = ServeCommand.configOf("--config", f.toString(), "--tls-cert", good.certFile().toString(),
        "--tls-key", good.keyFile().toString(), "--tls-ca", ca.certFile().toString(), "--no-peer-mtls", "--no-api-tls",
        "--api-token-file", conf.resolve("secrets/read.token").toString());
    assertThat(c.security().tls().certificateFile()).isEqualTo(good.certFile());
    assertThat(c.security().tls().keyFile()).isEqualTo(good.keyFile());
    assertThat(c.security().tls().mutual()).as("--no-peer-mtls over peer-mtls: true").isFalse();
    assertThat(c.security().apiTls()).as("--no-api-tls over api-tls: true").isNull();
    assertThat(c.security().apiReadToken()).isNotNull();

    Path plain = write(conf.resolve("plain.yaml"), secure(self, List.of(self), certs.get(0))
        .replace("peer-mtls: true", "peer-mtls: false").replace("api-tls: true", "api-tls: false"));
    NodeConfig fromFile = ServeCommand.configOf("--config", plain.toString());
    assertThat(fromFile.security().tls().mutual()).isFalse();
    assertThat(fromFile.security().apiTls()).isNull();
    NodeConfig on = ServeCommand.configOf("--config", plain.toString(), "--peer-mtls", "--api-tls");
    assertThat(on.security().tls().mutual()).as("--peer-mtls over peer-mtls: false").isTrue();
    assertThat(on.security().apiTls()).as("--api-tls over api-tls: false").isNotNull();
    NodeConfig off = ServeCommand.configOf("--config", ok.toString(), "--no-api-tls", "--no-peer-mtls");
    assertThat(off.security().apiTls()).isNull();
    assertThat(off.security().tls().mutual()).isFalse();

    assertThatThrownBy(() -> ServeCommand.configOf("--config", ok.toString(), "--tls-ca",
        conf.resolve("secrets/garbage.pem").toString()))
        .as("a bad flag over a good file names the flag")
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageStartingWith("Invalid value for option '--tls-ca'").hasMessageContaining("no PEM certificate");
  }

  private static String api(Node n) {
    return "https://127.0.0.1:" + n.apiAddresses().get(0).getPort();
  }

  private static void assertStops(String yaml, String... parts) throws Exception {
    Path f = Files.createTempFile(conf, "node", ".yaml");
    Files.writeString(f, yaml);
    CliTest.Run r = CliTest.run("serve", "--config", f.toString());
    assertThat(r.code()).as("%s\n%s", yaml, r.err()).isEqualTo(Cli.USAGE);
    assertThat(r.err().lines().findFirst().orElse("")).as(yaml).contains(f + ", line ").contains(parts);
  }
}
