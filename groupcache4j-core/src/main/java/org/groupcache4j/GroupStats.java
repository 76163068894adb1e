package org.groupcache4j;

/**
 * A snapshot of a group's counters, with golang/groupcache's names and meanings.
 *
 * @param gets every {@code get}, from local callers and from peers
 * @param cacheHits gets answered by the main or hot store
 * @param peerLoads values fetched from the owning peer
 * @param peerErrors fetches from a peer that failed in transport (answered by a local load instead)
 * @param loads gets that missed the stores (= gets - cacheHits, before single-flight)
 * @param loadsDeduped loads that actually ran after single-flight merged concurrent ones
 * @param localLoads successful calls of this node's loader
 * @param localLoadErrors failed calls of this node's loader (threw, returned null, timed out, not found)
 * @param serverRequests gets that arrived from peers
 * @param mainStore the store of keys this node owns (or loaded itself)
 * @param hotStore the store of popular keys owned by other nodes
 */
public record GroupStats(
    long gets,
    long cacheHits,
    long peerLoads,
    long peerErrors,
    long loads,
    long loadsDeduped,
    long localLoads,
    long localLoadErrors,
    long serverRequests,
    StoreStats mainStore,
    StoreStats hotStore) {}
