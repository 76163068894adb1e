package org.groupcache4j.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code peerTokenFile}: the peer port asks every request for the bearer token (401 with
 * {@code WWW-Authenticate} otherwise) and the transport's clients send it, so nodes with the same
 * token fetch from each other and a client without it, or with another, is refused.
 */
class PeerTokenTest {
  @TempDir
  Path dir;

  @RegisterExtension
  final Closer closer = new Closer();

  @Test
  void nodesWithTheSameTokenFetchFromEachOtherAndOthersGet401() throws Exception {
    Path token = Files.writeString(dir.resolve("peer.token"), "peer-token-0123456789abcdef0123456789\n");
    Path other = Files.writeString(dir.resolve("other.token"), "another-token-0123456789abcdef01234567\n");
    TestNode a = closer.open(TestNode.start(b -> b.peerTokenFile(token), TestNode::goValue,
        (n, loader) -> n.cache.newGroup(TestNode.GROUP, 1 << 20, loader)));
    TestNode b = closer.open(TestNode.start(o -> o.peerTokenFile(token), TestNode::goValue,
        (n, loader) -> n.cache.newGroup(TestNode.GROUP, 1 << 20, loader)));
    List<String> urls = List.of(a.url, b.url);
    a.cache.setPeers(urls);
    b.cache.setPeers(urls);
    String key = TlsClusterTest.ownedBy(a, b);
    assertThat(b.group.get(key).toByteArray()).isEqualTo(TestNode.goValue(key));
    assertThat(a.loadsOf(key)).isEqualTo(1);
    assertThat(b.group.stats().peerErrors()).isZero();

    // No token: 401 with WWW-Authenticate, and nothing loaded.
    String answer = raw(a.port(), "GET /_groupcache/scores/" + key + "-x HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 401").containsIgnoringCase("www-authenticate: Bearer realm=\"groupcache4j\"");
    // Another token: the fetch fails as a transport failure (so the asker would load locally).
    HttpPeerTransport stranger = closer.open(HttpPeerTransport.builder().peerTokenFile(other).eventLoopThreads(1).build());
    Throwable failure = TlsClusterTest.catchFailure(() -> stranger.client(a.url).fetch(TestNode.GROUP, key + "-y").join());
    assertThat(failure).isInstanceOf(PeerFetchException.class).hasMessageContaining("401");
    assertThat(a.loadsOf(key + "-x") + a.loadsOf(key + "-y")).isZero();
  }

  static String raw(int port, String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }
}
