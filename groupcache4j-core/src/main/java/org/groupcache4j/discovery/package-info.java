/**
 * Where the peer list comes from while a node serves: a {@link org.groupcache4j.discovery.PeerDiscovery}
 * (a file, DNS, or your own) looked up at an interval by a {@link org.groupcache4j.discovery.PeerWatcher},
 * which calls {@link org.groupcache4j.GroupCache#setPeers} whenever the answer changes.
 */
package org.groupcache4j.discovery;
