package org.groupcache4j.internal;

import java.util.concurrent.atomic.LongAdder;
import org.groupcache4j.GroupStats;
import org.groupcache4j.StoreStats;

/** The live counters of a group: {@link LongAdder}s, so the hot path takes no lock. */
public final class GroupCounters {
  public final LongAdder gets = new LongAdder();
  public final LongAdder cacheHits = new LongAdder();
  public final LongAdder peerLoads = new LongAdder();
  public final LongAdder peerErrors = new LongAdder();
  public final LongAdder loads = new LongAdder();
  public final LongAdder loadsDeduped = new LongAdder();
  public final LongAdder localLoads = new LongAdder();
  public final LongAdder localLoadErrors = new LongAdder();
  public final LongAdder serverRequests = new LongAdder();
  public final LongAdder notFoundHits = new LongAdder();
  public final LongAdder staleHits = new LongAdder();
  public final LongAdder removes = new LongAdder();
  public final LongAdder sets = new LongAdder();
  public final LongAdder expirations = new LongAdder(); // only on the miss branch, never on a hit
  public final LongAdder foundAtPreviousOwner = new LongAdder();
  public final LongAdder notFoundAtPreviousOwner = new LongAdder();
  public final LongAdder coarseDrops = new LongAdder();
  /** Peers' requests that waited for a write they named to reach this node. */
  public final LongAdder waitsForWrites = new LongAdder();
  /** Of those, the ones answered after the wait's bound, the write still missing here. */
  public final LongAdder writeWaitTimeouts = new LongAdder();

  public GroupStats snapshot(StoreStats main, StoreStats hot) {
    return new GroupStats(gets.sum(), cacheHits.sum(), peerLoads.sum(), peerErrors.sum(), loads.sum(),
        loadsDeduped.sum(), localLoads.sum(), localLoadErrors.sum(), serverRequests.sum(), notFoundHits.sum(),
        staleHits.sum(), removes.sum(), sets.sum(), expirations.sum(), foundAtPreviousOwner.sum(),
        notFoundAtPreviousOwner.sum(), coarseDrops.sum(), waitsForWrites.sum(), writeWaitTimeouts.sum(), main, hot);
  }
}
