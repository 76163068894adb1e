package org.groupcache4j.server.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.groupcache4j.http.RawHttp;
import org.groupcache4j.http.tls.TestCerts;
import org.groupcache4j.http.tls.TestCerts.KeyType;
import org.groupcache4j.server.internal.Node;
import org.groupcache4j.server.testing.LocalCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes started from {@code serve} flags with https:// peers, mutual TLS, a peer token, the
 * client API over HTTPS and read and write tokens: keys are loaded once in the cluster, the API
 * asks for its tokens (but not on /healthz and /), the dashboard gathers every peer over mutual
 * TLS with the peer token, and plain HTTP to a TLS port is told to use https.
 */
class ServeTlsTest {
  static final String READ = "read-token-0123456789abcdef0123456789";
  static final String WRITE = "write-token-0123456789abcdef012345678";
  static final String PEER = "peer-token-0123456789abcdef0123456789a";

  @TempDir
  static Path dir;
  static final List<Node> nodes = new ArrayList<>();
  static final List<String> peers = new ArrayList<>();
  static HttpClient https;

  @BeforeAll
  static void start() throws Exception {
    TestCerts.Ca ca = TestCerts.newCa(dir, "serve CA");
    Path read = Files.writeString(dir.resolve("read.token"), READ + "\n");
    Path write = Files.writeString(dir.resolve("write.token"), WRITE + "\n");
    Path peer = Files.writeString(dir.resolve("peer.token"), PEER + "\n");
    LocalCluster.start(3, "https", (self, all) -> {
      int n = all.indexOf(self);
      TestCerts.Cert c = ca.issue("node" + n, n == 1 ? KeyType.RSA : KeyType.EC, "127.0.0.1");
      return ServeCommand.configOf("--self", self, "--peers", String.join(",", all), "--api", "127.0.0.1:0",
          "--origin", "synthetic:100", "--warm-up", "0", "--tls-cert", c.certFile().toString(),
          "--tls-key", (n == 2 ? c.traditionalKeyFile() : c.keyFile()).toString(), "--tls-ca", ca.certFile().toString(),
          "--peer-mtls", "--api-tls", "--api-token-file", read.toString(), "--api-write-token-file", write.toString(),
          "--peer-token-file", peer.toString(), "--api-threads", "1");
    }, peers, nodes); // formed: the counts and states below assume every peer answers (over mutual TLS) from the start
    https = trusting(ca.certFile());
  }

  /** An HTTPS client that trusts the CA certificate in {@code caFile} (and presents no certificate). */
  static HttpClient trusting(Path caFile) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(caFile)) {
      trust.setCertificateEntry("ca", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    nodes.forEach(Node::close);
  }

  static String api(int node) {
    return "https://127.0.0.1:" + nodes.get(node).apiAddresses().get(0).getPort();
  }

  static HttpResponse<String> send(String method, String url, String token) throws Exception {
    return send(https, method, url, token);
  }

  static HttpResponse<String> send(HttpClient client, String method, String url, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void keysAreLoadedOnceAcrossTheTlsClusterAndTheApiAsksForItsTokens() throws Exception {
    int keys = 30;
    for (int k = 0; k < keys; k++) {
      for (int n = 0; n < 3; n++) {
        HttpResponse<String> r = send("GET", api(n) + "/api?key=tls-key" + k, READ);
        assertThat(r.statusCode()).as("node %d key %d: %s", n, k, r.body()).isEqualTo(200);
        assertThat(r.body()).startsWith("value-of-tls-key" + k);
      }
    }
    long loads = 0;
    for (int n = 0; n < 3; n++) {
      Map<String, Object> stats = JSON.std.mapFrom(send("GET", api(n) + "/stats", READ).body());
      Map<?, ?> group = (Map<?, ?>) ((Map<?, ?>) stats.get("groups")).get("scores");
      loads += ((Number) ((Map<?, ?>) group.get("origin")).get("loads")).longValue();
    }
    assertThat(loads).as("origin loads in the cluster").isEqualTo(keys);

    HttpResponse<String> none = send("GET", api(0) + "/api?key=x", null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"groupcache4j\"");
    HttpResponse<String> wrong = send("GET", api(0) + "/api?key=x", READ + "x");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("www-authenticate").orElse("")).contains("invalid_token");
    assertThat(wrong.body()).doesNotContain(READ);
    assertThat(send("GET", api(0) + "/api?key=x", WRITE).statusCode()).as("the write token reads too").isEqualTo(200);
    assertThat(send("GET", api(0) + "/healthz", null).statusCode()).isEqualTo(200);
    assertThat(send("GET", api(0) + "/livez", null).statusCode()).as("the liveness probe sends no token").isEqualTo(200);
    assertThat(send("PUT", api(0) + "/api/scores/x", READ).statusCode()).as("a read token writing").isEqualTo(403);
    assertThat(send("DELETE", api(0) + "/api/scores/x", null).statusCode()).isEqualTo(401);
  }

  @Test
  @SuppressWarnings("unchecked")
  void theDashboardGathersEveryPeerOverMutualTlsWithThePeerToken() throws Exception {
    for (int n = 0; n < 3; n++) {
      HttpResponse<String> r = send("GET", api(n) + "/cluster", READ);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      List<Map<String, Object>> ns = (List<Map<String, Object>>) JSON.std.mapFrom(r.body()).get("nodes");
      assertThat(ns).extracting(x -> x.get("url")).containsExactlyElementsOf(peers);
      assertThat(ns).as("node %d's view: %s", n, r.body()).allSatisfy(x -> {
        assertThat(x.get("state")).isEqualTo("up");
        assertThat((Map<String, Object>) x.get("stats")).containsEntry("self", x.get("url")).containsKey("groups");
      });
    }
  }

  @Test
  void theDashboardPageNeedsNoTokenButItsDataDoes() throws Exception {
    HttpResponse<String> page = send("GET", api(0) + "/", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<title>groupcache4j cluster</title>", "sessionStorage", "Authorization")
        .as("the page holds no data").doesNotContain(peers.get(0), peers.get(1), peers.get(2));
    for (String path : List.of("/cluster", "/owner?key=Tom", "/stats", "/metrics")) {
      HttpResponse<String> without = send("GET", api(0) + path, null);
      assertThat(without.statusCode()).as(path).isEqualTo(401);
      assertThat(without.headers().firstValue("www-authenticate")).as(path).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
      assertThat(send("GET", api(0) + path, READ + "x").statusCode()).as(path + " with a wrong token").isEqualTo(401);
      assertThat(send("GET", api(0) + path, READ).statusCode()).as(path + " with the token").isEqualTo(200);
    }
    assertThat(send("GET", api(0) + "/owner?key=Tom", READ).body()).contains(peers.get(0)); // the ring's own URLs
  }

  @Test
  void plainHttpToTheTlsPortsIsToldToUseHttps() throws Exception {
    int peerPort = Integer.parseInt(peers.get(0).replaceAll(".*:", ""));
    for (int port : new int[] {nodes.get(0).apiAddresses().get(0).getPort(), peerPort}) {
      try (RawHttp c = new RawHttp(port)) {
        RawHttp.Answer plain = c.send("GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n").read();
        assertThat(plain.status()).as(plain.text()).isEqualTo(400);
        assertThat(plain.text()).contains("https://");
        assertThat(c.closedByServer()).as("the connection is closed after the 400").isTrue();
      }
    }
    assertThat(send("GET", api(0) + "/healthz", null).statusCode()).as("still serving").isEqualTo(200);
  }

}
