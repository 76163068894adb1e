/**
 * For tests of code that uses groupcache4j (as OkHttp ships MockWebServer): clusters without
 * sockets, and ports for clusters with them.
 * <ul>
 *   <li>{@link org.groupcache4j.testing.InMemoryNetwork}: a socket-less
 *       {@link org.groupcache4j.peer.PeerTransport} that wires the caches of one JVM together, and
 *       plays a peer that refuses connections or one that hangs;</li>
 *   <li>{@link org.groupcache4j.testing.InMemoryCluster}: N caches with one group each on such a
 *       network, peers of each other;</li>
 *   <li>{@link org.groupcache4j.testing.ClusterFormation}: whether the nodes of any cluster
 *       (in memory or on sockets) have heard from each other, so that they agree on owners;</li>
 *   <li>{@link org.groupcache4j.testing.FreePorts}: ports of 127.0.0.1 to name before binding
 *       them (a peer URL), a cluster started again on other ports when one was taken, and
 *       {@link org.groupcache4j.testing.RefusingPort}s for peers that are down.</li>
 * </ul>
 * The artifact depends on groupcache4j-core alone (and on no test framework).
 */
package org.groupcache4j.testing;
