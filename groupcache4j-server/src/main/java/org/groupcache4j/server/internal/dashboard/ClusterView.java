package org.groupcache4j.server.internal.dashboard;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.groupcache4j.GroupCache;
import org.groupcache4j.http.HttpPeerTransport;
import org.groupcache4j.http.PeerFetchException;
import org.groupcache4j.ring.HashRing;

/**
 * The cluster as the dashboard shows it ({@code GET /cluster}): this node's view of the ring
 * (each peer's share of the keys) and every peer's {@code /stats} document, gathered in parallel
 * from the peers' status endpoint ({@code GET {basePath}_stats} on the peer port), asked through
 * the node's peer transport ({@link HttpPeerTransport#status}): the pooled peer connections, so
 * {@code https://} peers are asked with the node's TLS (CA, client certificate under mutual TLS,
 * host name check) and its peer token, as its fetches are. A peer that answers that is "up"; one
 * that answers with another status (a golang/groupcache peer answers 400, not knowing the path; a
 * node with another peer token 401) is "reachable" and shows only that; one that does not answer
 * within the deadline is "down". Beside what it answered, {@code judgedDown} says whether this
 * node's failure detector judges the peer down ({@link GroupCache#peerState}: its probes go
 * unanswered, and its keys go to the other peers), the state {@code groupcache_peer_up} shows. A
 * gathering is shared by every request within {@link #MAX_AGE}, so several open dashboards do not
 * multiply the requests to the peers.
 *
 * <pre>
 * {"self":"http://10.0.0.1:8001","time":1764162000000,"replicas":50,
 *  "nodes":[{"url":"http://10.0.0.1:8001","self":true,"state":"up","share":0.34,"millis":0,
 *            "stats":{... its /stats ...}},
 *           {"url":"http://10.0.0.2:8001","self":false,"judgedDown":false,"state":"up","share":0.35,
 *            "millis":2,"stats":{... its /stats ...}},
 *           {"url":"http://10.0.0.9:8001","self":false,"state":"down","share":0.31,
 *            "error":"no answer within 1000 ms","judgedDown":true}, ...]}
 * </pre>
 */
public final class ClusterView {
  /** How long one gathering is reused. */
  static final Duration MAX_AGE = Duration.ofMillis(900);

  private final GroupCache cache;
  private final HttpPeerTransport transport;
  private final Supplier<String> ownStats;
  private final Duration timeout;
  private final Object lock = new Object();
  private CompletableFuture<String> last;
  private long lastAt;

  /**
   * @param transport the node's peer transport, which asks the peers (its TLS and peer token)
   * @param ownStats this node's {@code /stats} document
   * @param timeout how long to wait for a peer's status
   */
  public ClusterView(GroupCache cache, HttpPeerTransport transport, Supplier<String> ownStats, Duration timeout) {
    this.cache = cache;
    this.transport = transport;
    this.ownStats = ownStats;
    this.timeout = timeout;
  }

  /** The {@code /cluster} document; completes within the peer timeout, never exceptionally. */
  public CompletableFuture<String> json() {
    synchronized (lock) {
      // Requests during a gathering share it; one that ended less than MAX_AGE ago is reused.
      if (last == null || (last.isDone() && System.nanoTime() - lastAt > MAX_AGE.toNanos())) {
        CompletableFuture<String> g = gather();
        last = g;
        g.whenComplete((json, err) -> {
          synchronized (lock) {
            lastAt = System.nanoTime();
          }
        });
      }
      return last;
    }
  }

  private CompletableFuture<String> gather() {
    HashRing ring = cache.ring();
    Map<String, Double> shares = ring.shares();
    List<CompletableFuture<Map<String, Object>>> nodes = new ArrayList<>();
    for (String peer : ring.peers()) {
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("url", peer);
      n.put("self", peer.equals(cache.self()));
      n.put("share", shares.getOrDefault(peer, 0.0));
      if (peer.equals(cache.self())) {
        n.put("state", "up");
        n.put("millis", 0);
        n.put("stats", parse(ownStats.get()));
        nodes.add(CompletableFuture.completedFuture(n));
      } else {
        n.put("judgedDown", cache.peerState(peer).filter(s -> !s.isUp()).isPresent());
        nodes.add(status(peer, n));
      }
    }
    return CompletableFuture.allOf(nodes.toArray(CompletableFuture[]::new)).thenApply(x -> {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("self", cache.self());
      doc.put("time", System.currentTimeMillis());
      doc.put("ringMode", ring.mode().id());
      doc.put("replicas", ring.replicas());
      doc.put("nodes", nodes.stream().map(CompletableFuture::join).toList());
      return write(doc);
    });
  }

  /** Asks {@code peer} for its status and fills {@code n} with what came back. */
  private CompletableFuture<Map<String, Object>> status(String peer, Map<String, Object> n) {
    long start = System.nanoTime();
    CompletableFuture<String> asked;
    try {
      asked = transport.status(peer, timeout);
    } catch (RuntimeException e) { // the transport is closed: the node is stopping
      asked = CompletableFuture.failedFuture(e);
    }
    return asked.handle((doc, err) -> {
      n.put("millis", (System.nanoTime() - start) / 1_000_000);
      if (err != null) {
        Throwable c = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        PeerFetchException.Reason reason = c instanceof PeerFetchException pfe ? pfe.reason() : null;
        String what = whatHappened(c);
        if (reason == PeerFetchException.Reason.ERROR_STATUS) {
          n.put("state", "reachable");
          n.put("error", what + " (not a groupcache4j node, or one with another --peer-token-file)");
        } else {
          n.put("state", "down");
          n.put("error", reason == PeerFetchException.Reason.TIMED_OUT ? "no answer within " + timeout.toMillis() + " ms"
              : what);
        }
        return n;
      }
      Map<String, Object> stats = parse(doc);
      if (stats != null && stats.containsKey("groups")) {
        n.put("state", "up");
        n.put("stats", stats);
      } else {
        n.put("state", "reachable");
        n.put("error", "answered HTTP 200 without a status document (not a groupcache4j node?)");
      }
      return n;
    });
  }

  /** What went wrong, without the "fetch of group .., key .. from peer .. failed:" that a fetch's message starts with. */
  private static String whatHappened(Throwable t) {
    String m = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    int i = t instanceof PeerFetchException ? m.indexOf(" failed: ") : -1;
    return i < 0 ? m : m.substring(i + " failed: ".length());
  }

  private static Map<String, Object> parse(String json) {
    try {
      return JSON.std.mapFrom(json);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  static String write(Object doc) {
    try {
      return JSON.std.asString(doc) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the cluster document", e);
    }
  }

  /** The {@code /owner?key=K} document: who owns {@code key} in this node's ring. */
  public String owner(String key) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("key", key);
    doc.put("owner", cache.ownerOf(key));
    doc.put("self", cache.self());
    return write(doc);
  }
}
