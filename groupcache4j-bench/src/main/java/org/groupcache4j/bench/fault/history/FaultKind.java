package org.groupcache4j.bench.fault.history;

/** The faults a history run injects, each bounded in time and undone at its end. */
public enum FaultKind {
  FREEZE("a node frozen (SIGSTOP, then SIGCONT): its sockets accept, nothing answers"),
  KILL("a node killed (kill -9) and started again with an empty cache"),
  ISOLATE("a node's host off the network (its link down, then up): packets vanish, nothing refuses"),
  ONE_WAY("one host drops every packet from another (nftables), the other way still works"),
  MEMBERSHIP("a node left out of the peers file, then put back");

  public final String description;

  FaultKind(String description) {
    this.description = description;
  }

  /** Whether this fault needs the nodes in network namespaces. */
  public boolean needsLab() {
    return this == ISOLATE || this == ONE_WAY;
  }
}
