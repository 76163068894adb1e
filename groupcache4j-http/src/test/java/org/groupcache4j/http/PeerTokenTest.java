package org.groupcache4j.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code peerTokenFile}: the peer port asks every request for the bearer token (401 with
 * {@code WWW-Authenticate} otherwise) and the transport's clients send it, so nodes with the same
 * token fetch from each other and a client without it, or with another, is refused. A token file
 * replaced on every node while the cluster serves is followed by both sides of each node: once a
 * node accepts the new token it also sends it, so fetches between nodes work again as soon as
 * every node has seen its file change, and the old token is refused.
 */
class PeerTokenTest {
  private static final String TOKEN = "peer-token-0123456789abcdef0123456789";
  private static final String ROTATED = "rotated-peer-token-fedcba9876543210fedcba98765";

  @TempDir
  Path dir;

  @RegisterExtension
  final Closer closer = new Closer();

  @Test
  void nodesWithTheSameTokenFetchFromEachOtherAndOthersGet401() throws Exception {
    Path token = Files.writeString(dir.resolve("peer.token"), TOKEN + "\n");
    Path other = Files.writeString(dir.resolve("other.token"), "another-token-0123456789abcdef01234567\n");
    TestNode a = node(token);
    TestNode b = node(token);
    TestNodes.setPeers(List.of(a, b));
    String key = TlsClusterTest.ownedBy(a, b);
    assertThat(b.group.get(key).toByteArray()).isEqualTo(TestNode.goValue(key));
    assertThat(a.loadsOf(key)).isEqualTo(1);
    assertThat(b.group.stats().peerErrors()).isZero();

    // No token: 401 with WWW-Authenticate, and nothing loaded.
    String answer = raw(a.port(), "GET /_groupcache/scores/" + key + "-x HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 401").containsIgnoringCase("www-authenticate: Bearer realm=\"groupcache4j\"");
    // Another token: the fetch fails as a transport failure (so the asker would load locally).
    HttpPeerTransport stranger = closer.open(HttpPeerTransport.builder().peerTokenFile(other).eventLoopThreads(1).build());
    Throwable failure = failureOf(stranger.client(a.url).fetch(TestNode.GROUP, key + "-y"));
    assertThat(failure).isInstanceOf(PeerFetchException.class).hasMessageContaining("401");
    assertThat(a.loadsOf(key + "-x") + a.loadsOf(key + "-y")).isZero();
  }

  @Test
  void aTokenRotatedOnEveryNodeWhileServingIsSentAndAskedForAndTheOldOneIsRefused() throws Exception {
    try (Logs logs = new Logs()) {
      List<Path> files = new ArrayList<>();
      List<TestNode> nodes = threeNodes(files);
      AtomicInteger keys = new AtomicInteger();
      everyNodeFetchesFromEveryOther(nodes, keys);

      // Clients keep reading from every node while the files are replaced one after another.
      AtomicBoolean rotating = new AtomicBoolean(true);
      ExecutorService readers = Executors.newSingleThreadExecutor();
      Future<Integer> reads = readers.submit(() -> {
        int n = 0;
        for (; rotating.get(); n++) {
          String key = "during-" + n;
          TestNode asker = nodes.get(n % nodes.size());
          assertThat(asker.group.get(key).toByteArray()).as("value of %s read on %s", key, asker.url)
              .isEqualTo(TestNode.goValue(key));
        }
        return n;
      });
      try {
        for (Path f : files) {
          replace(f, ROTATED);
        }
        // Each node is asked with the new token until it takes it (it looks at its file every 2 s).
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
            .until(() -> nodes.stream().allMatch(n -> !status(n, "Bearer " + ROTATED).equals("401")));
      } finally {
        rotating.set(false);
        readers.shutdown();
      }
      assertThat(reads.get(30, TimeUnit.SECONDS)).isPositive(); // every value read during the rotation was right
      assertThat(readers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

      // Every node accepts the new token, so every node sends it: no waiting, no fetch fails.
      everyNodeFetchesFromEveryOther(nodes, keys);
      everyNodeFetchesFromEveryOther(nodes, keys);
      for (TestNode n : nodes) {
        assertThat(status(n, "Bearer " + TOKEN)).as("the old token on %s", n.url).isEqualTo("401");
        assertThat(status(n, null)).as("no token on %s", n.url).isEqualTo("401");
      }
      Path old = Files.writeString(dir.resolve("old.token"), TOKEN + "\n");
      HttpPeerTransport stale = closer.open(HttpPeerTransport.builder().peerTokenFile(old).eventLoopThreads(1).build());
      String key = TlsClusterTest.ownedBy(nodes.get(0), nodes.get(1));
      assertThat(failureOf(stale.client(nodes.get(0).url).fetch(TestNode.GROUP, key + "-stale")))
          .isInstanceOf(PeerFetchException.class).hasMessageContaining("401");
      assertThat(nodes.get(0).loadsOf(key + "-stale")).isZero();

      assertThat(logs.lines()).anyMatch(l -> l.contains("changed: its token is in use"))
          .noneMatch(l -> l.contains(TOKEN) || l.contains(ROTATED));
    }
  }

  @Test
  void aTokenRotatedInThreeStepsIsNeverRefusedBetweenNodes() throws Exception {
    try (Logs logs = new Logs()) {
      List<Path> files = new ArrayList<>();
      List<TestNode> nodes = threeNodes(files);
      AtomicInteger keys = new AtomicInteger();
      everyNodeFetchesFromEveryOther(nodes, keys);

      // 1. add the new token (each node still sends the old one); 2. swap the lines (each sends the
      // new one); 3. drop the old one. One node at a time: after each node took its file, the cluster
      // is mixed, and every node still fetches from every other without a refusal.
      String[] steps = {TOKEN + "\n" + ROTATED, ROTATED + "\n" + TOKEN, ROTATED};
      for (int step = 0; step < steps.length; step++) {
        for (Path f : files) {
          replace(f, steps[step]);
          int taken = step + 1;
          Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
              .until(() -> logs.lines().stream().filter(l -> l.contains("token file " + f + " changed")).count() == taken);
          everyNodeFetchesFromEveryOther(nodes, keys);
        }
      }
      for (TestNode n : nodes) {
        assertThat(status(n, "Bearer " + TOKEN)).as("the old token on %s", n.url).isEqualTo("401");
        assertThat(status(n, "Bearer " + ROTATED)).as("the new token on %s", n.url).isEqualTo("400");
      }
      assertThat(logs.lines()).noneMatch(l -> l.contains(TOKEN) || l.contains(ROTATED));
    }
  }

  /**
   * Three nodes, peers of each other, each with its own copy of a file holding {@code TOKEN} (as on
   * separate machines); the files are added to {@code files}, in the nodes' order.
   */
  private List<TestNode> threeNodes(List<Path> files) throws IOException {
    List<TestNode> nodes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Path f = Files.writeString(dir.resolve("peer-" + i + ".token"), TOKEN + "\n");
      files.add(f);
      nodes.add(node(f));
    }
    TestNodes.setPeers(nodes);
    return nodes;
  }

  /** For each ordered pair, a new key owned by one and asked of the other: loaded once, by the owner, no peer error. */
  private static void everyNodeFetchesFromEveryOther(List<TestNode> nodes, AtomicInteger keys) {
    for (TestNode asker : nodes) {
      long errors = asker.group.stats().peerErrors();
      for (TestNode owner : nodes) {
        if (owner == asker) {
          continue;
        }
        String key;
        do {
          key = "r" + keys.incrementAndGet();
        } while (!asker.cache.ownerOf(key).equals(owner.url));
        assertThat(asker.group.get(key).toByteArray()).isEqualTo(TestNode.goValue(key));
        assertThat(owner.loadsOf(key)).as("loads of %s on its owner %s, asked by %s", key, owner.url, asker.url)
            .isEqualTo(1);
        assertThat(asker.loadsOf(key)).as("loads of %s on %s, which asked its owner", key, asker.url).isZero();
      }
      assertThat(asker.group.stats().peerErrors()).as("peer errors of %s", asker.url).isEqualTo(errors);
    }
  }

  private TestNode node(Path tokenFile) {
    return closer.open(TestNode.start(b -> b.peerTokenFile(tokenFile), TestNode::goValue,
        (n, loader) -> n.cache.newGroup(TestNode.GROUP, 1 << 20, loader)));
  }

  /** Replaces {@code file} as a secret volume does (a new file renamed over it), with a later modification time. */
  private static void replace(Path file, String token) throws Exception {
    Path tmp = file.resolveSibling(file.getFileName() + ".new");
    Files.writeString(tmp, token + "\n");
    Files.setLastModifiedTime(tmp, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 2000));
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The status code a node answers for its base path (400 once past the token check) with {@code authorization}. */
  private static String status(TestNode n, String authorization) {
    String answer = raw(n.port(), "GET /_groupcache/ HTTP/1.1\r\nhost: n\r\n"
        + (authorization == null ? "" : "authorization: " + authorization + "\r\n") + "connection: close\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 ");
    return answer.substring(9, 12);
  }

  /** The failure {@code f} completes with, waiting at most 10 s; null if it succeeds. */
  private static Throwable failureOf(CompletableFuture<?> f) throws InterruptedException, TimeoutException {
    try {
      f.get(10, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  static String raw(int port, String request) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("port " + port, e);
    }
  }

  /** Every log record of every logger, formatted with its parameters and exception, for the test's duration. */
  private static final class Logs extends Handler implements AutoCloseable {
    private final List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final SimpleFormatter format = new SimpleFormatter();

    Logs() {
      setLevel(Level.ALL);
      Logger.getLogger("").addHandler(this);
    }

    List<String> lines() {
      return lines;
    }

    @Override
    public void publish(LogRecord r) {
      lines.add(format.format(r));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
      Logger.getLogger("").removeHandler(this);
    }
  }
}
