package org.groupcache4j.spring.boot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.groupcache4j.peer.PeerState;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The health of the node (contributor {@code groupcache}): UP when it serves; OUT_OF_SERVICE
 * while it starts or drains (so a load balancer stops sending it traffic); DOWN once stopped or
 * while it is short of heap. Details: this node's URL, its state and since when, the ring's
 * peers and what this node thinks of each (up or down, since when, why), and where the peer
 * list comes from.
 */
public class GroupCacheHealthIndicator implements HealthIndicator {
  private final GroupCacheNode node;

  public GroupCacheHealthIndicator(GroupCacheNode node) {
    this.node = node;
  }

  @Override
  public Health health() {
    GroupCacheNode.State state = node.state();
    String heap = state == GroupCacheNode.State.READY ? node.heapShortage() : null;
    Health.Builder h = switch (state) {
      case READY -> heap == null ? Health.up() : Health.down().withDetail("heap", heap);
      case STARTING, DRAINING -> Health.outOfService();
      case STOPPED -> Health.down();
    };
    h.withDetail("self", node.cache().self())
        .withDetail("state", state.name().toLowerCase(java.util.Locale.ROOT))
        .withDetail("since", node.since().toString());
    List<Map<String, Object>> peers = new ArrayList<>();
    Map<String, PeerState> byUrl = new LinkedHashMap<>();
    for (PeerState s : node.peerStates()) {
      byUrl.put(s.peer(), s);
    }
    for (String peer : node.cache().peers()) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("url", peer);
      PeerState s = byUrl.get(peer);
      if (peer.equals(node.cache().self())) {
        p.put("status", "SELF");
      } else if (s != null) {
        p.put("status", s.status().name());
        p.put("since", s.since().toString());
        p.put("reason", s.reason());
      } else {
        p.put("status", "UNKNOWN");
      }
      peers.add(p);
    }
    h.withDetail("peers", peers);
    var discovery = node.peerDiscovery();
    if (discovery != null) {
      h.withDetail("peerSource", discovery.source());
      if (discovery.problem() != null) {
        h.withDetail("peerSourceProblem", discovery.problem());
      }
    }
    return h.build();
  }
}
