package org.groupcache4j.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.groupcache4j.discovery.Dnsmasq;
import org.groupcache4j.ring.HashRing;
import org.groupcache4j.server.internal.cli.ServeCommand;
import org.groupcache4j.testing.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes join and leave while serving, through {@code --peers-file} and through {@code --peers-dns}
 * (a real DNS server whose records change): clients keep asking two nodes all along and no
 * request fails; when a third node joins, the only keys loaded again are the ones it now owns,
 * each once, by it; when it leaves, its keys go back to the owners of the two-node ring.
 */
@Timeout(120)
class MembershipTest {
  private static final int KEYS = 150;

  private HttpServer origin;
  /** Keys each node loaded from the origin: node index -> keys, in order. */
  private final Map<Integer, ConcurrentLinkedQueue<String>> loaded = new ConcurrentHashMap<>();
  private final List<Node> nodes = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private Dnsmasq dns;

  @TempDir
  Path dir;

  @AfterEach
  void stop() throws Exception {
    nodes.forEach(Node::close);
    if (origin != null) {
      origin.stop(0);
    }
    if (dns != null) {
      dns.close();
    }
  }

  /** How a test tells the nodes who the members are. */
  private interface Members {
    void set(List<String> peers) throws Exception;
  }

  @Test
  void aNodeJoinsAndLeavesThroughThePeersFile() throws Exception {
    Path file = dir.resolve("peers");
    List<String> peers = List.of(url("127.0.0.1", FreePorts.port()), url("127.0.0.1", FreePorts.port()), url("127.0.0.1", FreePorts.port()));
    Members members = list -> {
      Path tmp = dir.resolve("peers.tmp");
      Files.writeString(tmp, String.join("\n", list) + "\n");
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    };
    members.set(peers.subList(0, 2));
    joinAndLeave(peers, members, self -> List.of("--peers-file", file.toString()));
  }

  @Test
  void aNodeJoinsAndLeavesThroughDns() throws Exception {
    dns = Dnsmasq.start();
    String name = Dnsmasq.name("members");
    // DNS names addresses, not ports: three loopback addresses, one port.
    int port = FreePorts.port();
    int b = ThreadLocalRandom.current().nextInt(1, 250);
    List<String> ips = List.of("127.77." + b + ".1", "127.77." + b + ".2", "127.77." + b + ".3");
    List<String> peers = ips.stream().map(ip -> url(ip, port)).toList();
    Members members = list -> dns.setRecords(Map.of(name, list.stream()
        .map(u -> u.substring("http://".length(), u.lastIndexOf(':'))).toList()));
    members.set(peers.subList(0, 2));
    joinAndLeave(peers, members, self -> List.of("--peers-dns", "http://" + name + ":" + port,
        "--peers-dns-server", "127.0.0.1:" + dns.address().getPort(), "--peers-dns-interval", "200ms"));
  }

  private void joinAndLeave(List<String> peers, Members members, java.util.function.Function<String, List<String>> source)
      throws Exception {
    startOrigin();
    for (int i = 0; i < 3; i++) {
      start(i, peers.get(i), source.apply(peers.get(i)));
    }
    Node newcomer = nodes.get(2);
    assertThat(newcomer.peerDiscovery().selfListed()).as("node 3 is not listed yet").isFalse();
    awaitRing(List.of(0, 1, 2), peers.subList(0, 2));

    List<String> keys = new ArrayList<>();
    for (int k = 0; k < KEYS; k++) {
      keys.add("key-" + k);
    }
    sweep(keys, 2);
    HashRing two = HashRing.of(peers.subList(0, 2));
    assertLoadedByOwners(keys, two);

    // Clients keep asking nodes 1 and 2 while the membership changes.
    AtomicBoolean run = new AtomicBoolean(true);
    AtomicLong answered = new AtomicLong();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    var clients = Executors.newFixedThreadPool(4);
    for (int t = 0; t < 4; t++) {
      int node = t % 2;
      clients.submit(() -> {
        while (run.get()) {
          String key = keys.get(ThreadLocalRandom.current().nextInt(keys.size()));
          try {
            HttpResponse<String> r = ask(node, key);
            if (r.statusCode() != 200 || !r.body().startsWith("origin:")) {
              failures.add("node " + node + " " + key + ": " + r.statusCode() + " " + r.body());
            }
            answered.incrementAndGet();
          } catch (Exception e) {
            failures.add("node " + node + " " + key + ": " + e);
          }
        }
      });
    }
    try {
      // Join.
      clearLoads();
      members.set(peers);
      awaitRing(List.of(0, 1, 2), peers);
      await("node 3 sees itself listed").atMost(Duration.ofSeconds(5)).until(() -> newcomer.peerDiscovery().selfListed());
      Map<String, Object> stats = org.groupcache4j.server.internal.api.StatsJson.parse(newcomer.statsJson());
      assertThat(org.groupcache4j.server.internal.api.StatsJson.object(stats, "discovery"))
          .containsEntry("selfListed", true).containsKey("source").containsKey("lastChange");
      assertThat(org.groupcache4j.server.internal.api.StatsJson.object(stats, "peerStates"))
          .containsOnlyKeys(peers.get(0), peers.get(1))
          .allSatisfy((peer, state) -> assertThat(state).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
              .containsEntry("state", "up").containsKey("since"));
      assertThat(org.groupcache4j.server.internal.api.StatsJson.object(stats, "readiness")).containsEntry("state", "ready");
      sweep(keys, 3); // the old owners still hold moved keys: ask the newcomer too
      HashRing three = HashRing.of(peers);
      Set<String> moved = new HashSet<>();
      for (String k : keys) {
        if (!two.owner(k).equals(three.owner(k))) {
          assertThat(three.owner(k)).as("a key that moves, moves to the newcomer").isEqualTo(peers.get(2));
          moved.add(k);
        }
      }
      assertThat(moved).as("the newcomer owns some keys").isNotEmpty();
      assertThat(loads(0)).as("node 1 loads nothing when node 3 joins").isEmpty();
      assertThat(loads(1)).as("node 2 loads nothing when node 3 joins").isEmpty();
      // Node 3 finds each key it now owns at the key's previous owner (a peek, which loads nothing),
      // or loads it once when that fails.
      Map<String, Object> groupStats = org.groupcache4j.server.internal.api.StatsJson.object(
          org.groupcache4j.server.internal.api.StatsJson.object(
              org.groupcache4j.server.internal.api.StatsJson.parse(newcomer.statsJson()), "groups"),
          newcomer.cache().groups().iterator().next().name());
      long found = ((Number) groupStats.get("foundAtPreviousOwner")).longValue();
      assertThat(found).as("keys node 3 found at their previous owners").isPositive();
      assertThat(moved).as("node 3 loads only keys it now owns").containsAll(loads(2));
      assertThat(found + loads(2).size()).as("node 3 takes each key it now owns once: found at the previous owner, "
          + "else loaded (loaded: %s)", loads(2)).isEqualTo(moved.size());

      // Leave: node 3 is taken out of the membership, then stops.
      clearLoads();
      members.set(peers.subList(0, 2));
      awaitRing(List.of(0, 1), peers.subList(0, 2));
      newcomer.shutdown(Duration.ofSeconds(5));
      sweep(keys, 2);
      for (int n = 0; n < 2; n++) {
        assertThat(moved).as("node %d loads only keys that were the leaver's", n + 1).containsAll(loads(n));
      }
      for (String k : keys) {
        assertThat(nodes.get(0).cache().ownerOf(k)).isEqualTo(two.owner(k));
      }
    } finally {
      run.set(false);
      clients.shutdown();
      assertThat(clients.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
    assertThat(failures).as("failed requests while nodes joined and left").isEmpty();
    assertThat(answered.get()).as("requests answered while nodes joined and left").isPositive();
  }

  private void start(int i, String self, List<String> sourceFlags) throws Exception {
    List<String> args = new ArrayList<>(List.of("--self", self, "--api", "127.0.0.1:0", "--api-threads", "1",
        "--cache-bytes", "8MiB", "--origin", "http://127.0.0.1:" + origin.getAddress().getPort() + "/n" + i + "/{key}",
        "--load-timeout", "5s", "--warm-up", "0"));
    args.addAll(sourceFlags);
    nodes.add(Node.start(ServeCommand.configOf(args.toArray(String[]::new))));
  }

  private void startOrigin() throws Exception {
    origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    origin.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r);
      t.setDaemon(true);
      return t;
    }));
    origin.createContext("/", ex -> {
      String path = ex.getRequestURI().getPath(); // /nI/key
      int node = Integer.parseInt(path.substring(2, path.indexOf('/', 1)));
      String key = path.substring(path.indexOf('/', 1) + 1);
      loaded.computeIfAbsent(node, n -> new ConcurrentLinkedQueue<>()).add(key);
      byte[] body = ("origin:" + key).getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    origin.start();
  }

  /** Until nodes {@code which} have {@code peers} as members, every one up (nodes that start together see each other late). */
  private void awaitRing(List<Integer> which, List<String> peers) {
    await("nodes " + which + " see " + peers).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> which.stream().allMatch(n -> Set.copyOf(nodes.get(n).cache().peers()).equals(Set.copyOf(peers))
            && nodes.get(n).cache().peerStates().stream().allMatch(org.groupcache4j.peer.PeerState::isUp)));
  }

  /** Every key through each of the first {@code count} nodes. */
  private void sweep(List<String> keys, int count) throws Exception {
    for (String k : keys) {
      for (int n = 0; n < count; n++) {
        HttpResponse<String> r = ask(n, k);
        assertThat(r.statusCode()).as("node %d, %s: %s", n + 1, k, r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("origin:" + k);
      }
    }
  }

  private void assertLoadedByOwners(List<String> keys, HashRing ring) {
    List<String> all = new ArrayList<>();
    for (int n = 0; n < 3; n++) {
      for (String k : loads(n)) {
        assertThat(ring.owner(k)).as("%s loaded by node %d", k, n + 1).isEqualTo(nodes.get(n).cache().self());
        all.add(k);
      }
    }
    assertThat(all).as("each key loaded once").containsExactlyInAnyOrderElementsOf(keys);
  }

  private List<String> loads(int node) {
    return List.copyOf(loaded.getOrDefault(node, new ConcurrentLinkedQueue<>()));
  }

  private void clearLoads() {
    loaded.clear();
  }

  private HttpResponse<String> ask(int node, String key) throws Exception {
    int port = nodes.get(node).apiAddresses().get(0).getPort();
    return http.send(HttpRequest.newBuilder().timeout(Duration.ofSeconds(20)).uri(URI.create("http://127.0.0.1:" + port
        + "/api?key=" + URLEncoder.encode(key, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String url(String ip, int port) {
    return "http://" + ip + ":" + port;
  }

}
