package org.groupcache4j.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.groupcache4j.server.internal.cli.ServeCommand;
import org.groupcache4j.testing.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Where the peer port listens: the host and port of {@code --self}, or {@code --peer-listen}. */
@Timeout(60)
class PeerListenTest {
  @Test
  void thePeerPortListensOnPeerListenAndServesPeers() throws Exception {
    String self = "http://127.0.0.1:" + FreePorts.port(); // the name peers use; the port listens elsewhere
    try (Node node = Node.start(ServeCommand.configOf("--self", self, "--peer-listen", "127.0.0.1:0",
        "--origin", "synthetic:20", "--warm-up", "0"))) {
      assertThat(node.peerAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
      assertThat(node.peerAddress().getPort()).isNotEqualTo(URI.create(self).getPort()).isPositive();
      HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + node.peerAddress().getPort() + "/_groupcache/scores/Tom")).timeout(Duration.ofSeconds(20))
          .build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(new String(r.body(), java.nio.charset.StandardCharsets.ISO_8859_1)).contains("value-of-Tom");
    }
  }

  @Test
  void aHostThatDoesNotResolveIsNamed() {
    assertThatThrownBy(() -> Node.start(ServeCommand.configOf("--self", "http://127.0.0.1:0", "--peer-listen",
        "nosuch.invalid:0", "--origin", "synthetic:1", "--warm-up", "0")))
        .isInstanceOf(IOException.class).hasMessage("--peer-listen nosuch.invalid:0: unknown host nosuch.invalid");
    assertThatThrownBy(() -> Node.start(ServeCommand.configOf("--self", "http://nosuch.invalid:0", "--origin", "synthetic:1",
        "--warm-up", "0")))
        .isInstanceOf(IOException.class).hasMessageStartingWith("--self http://nosuch.invalid:0: cannot listen for peers")
        .hasMessageContaining("its host does not resolve").hasMessageNotContaining("another node");
  }
}
