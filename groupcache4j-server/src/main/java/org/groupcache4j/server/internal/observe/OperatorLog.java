package org.groupcache4j.server.internal.observe;

import java.util.ArrayList;
import java.util.List;
import org.groupcache4j.CacheObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log line of a change of the peer list, one per change, naming who joined and who left. A
 * peer going down or coming back is logged by the core's peer health (logger
 * {@code org.groupcache4j.peers}), origin failures by the origin loader.
 */
public final class OperatorLog implements CacheObserver {
  private static final Logger log = LoggerFactory.getLogger("org.groupcache4j.peers");

  private final String self;
  private volatile List<String> peers;

  public OperatorLog(String self) {
    this.self = self;
  }

  @Override
  public void peersChanged(List<String> now) {
    List<String> before = peers;
    peers = now;
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
