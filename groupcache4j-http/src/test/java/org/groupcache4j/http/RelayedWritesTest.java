package org.groupcache4j.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.groupcache4j.ByteView;
import org.groupcache4j.peer.PeerClient;
import org.groupcache4j.peer.PeerRequestHandler;
import org.groupcache4j.peer.PeerValue;
import org.groupcache4j.testing.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A write that a node is asked to carry to a peer (a relay) and that does not reach that peer is
 * kept at the relay as a drop for the peer (over real sockets): when the relay does not reach the
 * peer, when the peer refuses the connection, and when it does not take the write. A write carried
 * through (a clear too: the relayed client sends it), and a read that was not, keep nothing.
 */
class RelayedWritesTest {
  @RegisterExtension final Closer closer = new Closer();

  /** A peer endpoint's handler that records the writes it takes and the drops it is told to keep; relays when told to. */
  static final class Recording implements PeerRequestHandler {
    volatile boolean relays;
    volatile boolean takesWrites = true;
    final List<String> writes = new CopyOnWriteArrayList<>();
    final List<String> missed = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<PeerValue> get(String group, String key) {
      return CompletableFuture.completedFuture(PeerValue.of(ByteView.of("v"), 0));
    }

    @Override
    public long incarnation() {
      return 7;
    }

    @Override
    public void remove(String group, String key) {
      take("remove " + group + "/" + key);
    }

    @Override
    public void removeAll(String group, List<String> keys) {
      take("removeAll " + group + " " + keys);
    }

    @Override
    public void set(String group, String key, ByteView value, long expireUnixNanos) {
      take("set " + group + "/" + key + "=" + value);
    }

    @Override
    public void clear(String group) {
      take("clear " + group);
    }

    private void take(String write) {
      if (!takesWrites) {
        throw new UnsupportedOperationException("this node does not take writes");
      }
      writes.add(write);
    }

    @Override
    public boolean relaysTo(String peer) {
      return relays;
    }

    @Override
    public void relayMissed(String peer, String group, List<String> keys) {
      missed.add(peer + " " + group + " " + keys);
    }
  }

  private record Node(String url, HttpPeerTransport transport, Recording handler) {}

  private Node start() throws Exception {
    Recording h = new Recording();
    return FreePorts.startOnFreePorts(1, ports -> {
      String url = "http://127.0.0.1:" + ports[0];
      HttpPeerTransport t = closer.open(HttpPeerTransport.builder().eventLoopThreads(1).build());
      t.start(url, h);
      return new Node(url, t, h);
    });
  }

  /**
   * A client of {@code target} through {@code relay}, once the writer heard from {@code target}
   * directly (it writes only to nodes of ours).
   */
  private static PeerClient via(Node writer, Node relay, Node target) throws Exception {
    relay.transport().client(target.url()); // a member of the relay's: it keeps a client of it
    PeerClient direct = writer.transport().client(target.url());
    join(direct.probe(java.time.Duration.ofSeconds(5)));
    return direct.via(writer.transport().client(relay.url()));
  }

  private static <T> T join(CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aWriteTheRelayCannotCarryIsKeptThereAsADropForThePeer() throws Exception {
    Node writer = start();
    Node relay = start();
    Node target = start();
    PeerClient via = via(writer, relay, target);
    relay.handler().relays = true;
    join(via.remove("scores", "Tom", 11));
    join(via.set("scores", "Ann", ByteView.of("1"), 0, 12));
    join(via.clear("scores"));
    assertThat(join(via.fetch("scores", "Sam")).value().toString()).isEqualTo("v");
    assertThat(target.handler().writes).containsExactly("remove scores/Tom", "set scores/Ann=1", "clear scores");
    assertThat(relay.handler().missed).as("carried through: nothing kept").isEmpty();

    relay.handler().relays = false;
    String failed = " from peer " + target.url() + " failed: the peer asked to carry it could not: this node does not reach "
        + target.url() + " directly now";
    assertThatThrownBy(() -> join(via.remove("scores", "Tom", 13))).hasMessageContaining("remove of group 'scores', key 'Tom'" + failed);
    assertThatThrownBy(() -> join(via.set("scores", "Ann", ByteView.of("2"), 0, 14)))
        .hasMessageContaining("set of group 'scores', key 'Ann'" + failed);
    assertThatThrownBy(() -> join(via.removeAll("scores", List.of("Bob", "Eve"), 15)))
        .hasMessageContaining("removal of group 'scores', 2 keys" + failed);
    assertThatThrownBy(() -> join(via.clear("scores"))).hasMessageContaining("clear of group 'scores', every key" + failed);
    assertThatThrownBy(() -> join(via.fetch("scores", "Sam"))).hasMessageContaining("fetch of group 'scores', key 'Sam'" + failed);
    assertThat(relay.handler().missed).containsExactly(
        target.url() + " scores [Tom]",
        target.url() + " scores [Ann]",
        target.url() + " scores [Bob, Eve]",
        target.url() + " scores null");

    relay.handler().relays = true;
    target.handler().takesWrites = false; // reached, but it does not take the write (405)
    assertThatThrownBy(() -> join(via.remove("scores", "Kim", 16))).isNotNull();
    assertThat(relay.handler().missed).hasSize(5).last().isEqualTo(target.url() + " scores [Kim]");
    assertThat(target.handler().writes).hasSize(3);
  }

  @Test
  void aWriteToAPeerThatRefusesTheRelaysConnectionIsKeptAtTheRelay() throws Exception {
    Node writer = start();
    Node relay = start();
    Node target = start();
    relay.handler().relays = true;
    PeerClient via = via(writer, relay, target);
    join(via.remove("scores", "Tom", 21));
    target.transport().close(); // the process is gone: its port refuses connections
    assertThatThrownBy(() -> join(via.remove("scores", "Tom", 22))).hasMessageContaining("could not carry");
    assertThat(relay.handler().missed).containsExactly(target.url() + " scores [Tom]");
  }
}
