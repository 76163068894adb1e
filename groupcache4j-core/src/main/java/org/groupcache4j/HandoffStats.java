package org.groupcache4j;

/**
 * What this node handed over when peers departed, and what it took from departing peers
 * ({@link GroupCache#handoffStats()}); counts of entries since the node started.
 *
 * @param handedOff entries this node sent to the next owners of their keys when it closed, and
 *     the receivers answered for
 * @param handedOffKept of those, the entries the receivers kept
 * @param received entries departing peers handed to this node that it kept
 * @param receivedDropped entries departing peers handed to this node that it dropped: the key was
 *     written here since the peer's notice, a load of it was under way, the node held it already,
 *     or its group is unknown here
 */
public record HandoffStats(long handedOff, long handedOffKept, long received, long receivedDropped) {}
