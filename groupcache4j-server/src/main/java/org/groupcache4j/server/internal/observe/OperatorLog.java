package org.groupcache4j.server.internal.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.groupcache4j.CacheObserver;
import org.groupcache4j.GroupCacheException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log lines of the cluster's events an operator acts on, one per event: a peer that answers
 * again after failed fetches (its failures are logged, rate-limited, by the core's peer error log)
 * and changes of the peer list. Origin failures are logged by the origin loader.
 */
public final class OperatorLog implements CacheObserver {
  private static final Logger log = LoggerFactory.getLogger("org.groupcache4j.peers");

  private final String self;
  /** Peers whose last fetch failed in transport: how many in a row, since when (nanoTime). */
  private final Map<String, long[]> failing = new ConcurrentHashMap<>();
  private volatile List<String> peers;

  public OperatorLog(String self) {
    this.self = self;
  }

  @Override
  public void fetched(String group, String key, String peer, long nanos, Throwable failure) {
    if (failure != null && !(failure instanceof GroupCacheException e && e.isRemote())) {
      long[] f = failing.computeIfAbsent(peer, p -> new long[] {0, System.nanoTime()});
      synchronized (f) {
        f[0]++;
      }
      return;
    }
    long[] f = failing.remove(peer);
    if (f != null) {
      long n;
      synchronized (f) {
        n = f[0];
      }
      log.atInfo().addKeyValue("peer", peer).addKeyValue("group", group).addKeyValue("key", key)
          .log("peer {} answers again (group '{}', key '{}') after {} failed fetch{} over {} s; it serves its keys again",
              peer, group, key, n, n == 1 ? "" : "es", String.format("%.1f", (System.nanoTime() - f[1]) / 1e9));
    }
  }

  @Override
  public void peersChanged(List<String> now) {
    List<String> before = peers;
    peers = now;
    failing.keySet().retainAll(now);
    if (before == null || before.equals(now)) {
      return; // the first list is logged when the node starts
    }
    List<String> joined = new ArrayList<>(now);
    joined.removeAll(before);
    List<String> left = new ArrayList<>(before);
    left.removeAll(now);
    log.atInfo().addKeyValue("peers", now.size())
        .log("node {}: peer list changed to {} peer{}{}{}: {}", self, now.size(), now.size() == 1 ? "" : "s",
            joined.isEmpty() ? "" : ", joined " + joined, left.isEmpty() ? "" : ", left " + left, now);
  }
}
