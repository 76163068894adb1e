package org.groupcache4j;

/**
 * What this node handed over when it closed or a peer took its keys back, and what it took from
 * departing peers or took back when it started ({@link GroupCache#handoffStats()}); counts of
 * entries since the node started.
 *
 * @param handedOff entries this node sent to the next owners of their keys when it closed (those
 *     the receivers answered for), and entries it gave back to peers that took their keys back
 *     ({@link GroupCache#takeBack})
 * @param handedOffKept of the entries handed over when it closed, those the receivers kept
 * @param received entries departing peers handed to this node, or peers gave back to it, that it kept
 * @param receivedDropped entries departing peers handed to this node, or peers gave back to it, that
 *     it dropped: the key was written here since the peer's notice (or since the take-back began), a
 *     load of it was under way, the node held it already, or its group is unknown here
 * @param loadedAhead keys this node loaded, and kept, when it took its keys back, because peers held
 *     copies of them that callers had asked for lately and no value it could take (after a crash,
 *     the keys the peers served from their copies while it was away)
 */
public record HandoffStats(long handedOff, long handedOffKept, long received, long receivedDropped, long loadedAhead) {}
