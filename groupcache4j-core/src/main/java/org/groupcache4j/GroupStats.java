package org.groupcache4j;

/**
 * A snapshot of a group's counters, with golang/groupcache's names and meanings.
 *
 * @param gets every {@code get}, from local callers and from peers
 * @param cacheHits gets answered by the main or hot store
 * @param peerLoads values fetched from the owning peer
 * @param peerErrors fetches from a peer that failed in transport (answered by a local load instead)
 * @param loads gets that missed the stores (= gets - cacheHits - notFoundHits, before single-flight)
 * @param loadsDeduped loads that actually ran after single-flight merged concurrent ones
 * @param localLoads successful calls of this node's loader
 * @param localLoadErrors failed calls of this node's loader (threw, returned null, timed out, not found)
 * @param serverRequests gets that arrived from peers
 * @param notFoundHits gets answered by a cached "not found" (see {@code Group.Builder.notFoundTtl}); not in cacheHits
 * @param staleHits failed reloads answered by the expired value instead (stale-if-error); counted
 *     once per reload, however many concurrent gets shared it and received the stale value
 * @param removes keys dropped on this node by a remove, whether asked here or by a peer
 * @param sets values stored on this node by a set, as one of the nodes that keep the value (the key's owners, and the next node when fewer took it), asked here or by a peer
 * @param expirations gets (local or from a peer) that found their key in the main or hot store but
 *     expired (a value or a cached "not found"), so loaded it again instead of serving it; each
 *     such get counts once, also when concurrent ones share one load, so it is a part of
 *     {@code loads}. A get then answered by stale-if-error counts here; its failed reload counts in
 *     {@code staleHits}.
 * @param foundAtPreviousOwner misses of a key this node owns, after ownership moved, answered by
 *     the key's previous owner (or a node that keeps its set value) instead of the loader
 * @param notFoundAtPreviousOwner such misses where none of the nodes asked had the key, so it was loaded
 * @param coarseDrops times every entry of the group was dropped here because this node could not
 *     know which writes it missed while away
 * @param writeWaits peers' gets and peeks of a key that waited for a write their sender had
 *     applied and this node had not yet (a write reaches the nodes one after another)
 * @param writeWaitTimeouts of those, the ones answered after the wait's bound with the write still
 *     missing here (a quarter of the peer timeout, at most 2 s)
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
    long notFoundHits,
    long staleHits,
    long removes,
    long sets,
    long expirations,
    long foundAtPreviousOwner,
    long notFoundAtPreviousOwner,
    long coarseDrops,
    long writeWaits,
    long writeWaitTimeouts,
    StoreStats mainStore,
    StoreStats hotStore) {}
