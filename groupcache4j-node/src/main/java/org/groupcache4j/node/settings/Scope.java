package org.groupcache4j.node.settings;

/** What a setting applies to: the node, how it finds its peers, or one of its groups. */
public enum Scope {
  /** The node: its own URL, ports, ring, transport, TLS. A config file has these at the top. */
  NODE,
  /** How the node finds its peers (a list, a file, DNS). A config file has these under {@code peers:}. */
  PEERS,
  /** One group (a namespace of keys with its budget and deadlines). A config file has these under {@code groups.NAME:}. */
  GROUP
}
