package org.groupcache4j.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.groupcache4j.CacheObserver;
import org.groupcache4j.Group;
import org.groupcache4j.GroupCache;
import org.groupcache4j.GroupStats;
import org.groupcache4j.KeyNotFoundException;
import org.groupcache4j.LoadTimeoutException;
import org.groupcache4j.StoreStats;
import org.groupcache4j.OwnershipStats;
import org.groupcache4j.peer.OwnershipState;
import org.groupcache4j.peer.PeerState;

/**
 * The meters of one {@link GroupCache}, for any Micrometer {@link MeterRegistry}:
 *
 * <pre>{@code
 * new GroupCacheMetrics(cache).bindTo(registry);
 * }</pre>
 *
 * <table>
 * <caption>Meters (Prometheus names)</caption>
 * <tr><td>{@code groupcache_gets_total}, {@code _cache_hits_total}, {@code _peer_loads_total},
 *   {@code _peer_errors_total}, {@code _loads_total}, {@code _loads_deduped_total},
 *   {@code _local_loads_total}, {@code _local_load_errors_total}, {@code _server_requests_total}</td>
 *   <td>{@code group}</td><td>the counters of {@link GroupStats}</td></tr>
 * <tr><td>{@code groupcache_removes_total}, {@code _sets_total}, {@code _not_found_hits_total},
 *   {@code _stale_hits_total}, {@code _expirations_total}</td><td>{@code group}</td><td>writes and expiry (see {@link GroupStats})</td></tr>
 * <tr><td>{@code groupcache_cache_bytes}, {@code _cache_items}, {@code _cache_evictions_total}</td>
 *   <td>{@code group}, {@code cache} ({@code main}/{@code hot})</td><td>per store</td></tr>
 * <tr><td>{@code groupcache_cache_budget_bytes}</td><td>{@code group}</td><td>the byte budget</td></tr>
 * <tr><td>{@code groupcache_load_seconds}</td><td>{@code group}</td>
 *   <td>histogram of this node's loads (origin calls), failed ones included</td></tr>
 * <tr><td>{@code groupcache_load_outcomes_total}</td><td>{@code group}, {@code outcome}</td>
 *   <td>this node's loads by outcome: ok, not_found, timeout, error</td></tr>
 * <tr><td>{@code groupcache_peer_fetch_seconds}</td><td>{@code peer}</td>
 *   <td>histogram of fetches from owning peers</td></tr>
 * <tr><td>{@code groupcache_handoff_entries_total}</td><td>{@code direction} ({@code sent},
 *   {@code received}, {@code dropped}, {@code loaded_ahead})</td><td>the handoff of departing nodes
 *   ({@link GroupCache#handoffStats()}): entries this node handed over when it closed, entries handed to
 *   it that it kept, and that it dropped; keys it loaded ahead when it took its keys back</td></tr>
 * <tr><td>{@code groupcache_peer_up}</td><td>{@code peer}</td><td>0 while the cache judges the
 *   peer down ({@link GroupCache#peerState}: it does not answer probes, and its keys go to the
 *   other peers), else 1; each remote peer of the ring. With probes off nothing judges a peer, and
 *   the gauge stays 1: failed fetches are counted by {@code groupcache_peer_errors_total}</td></tr>
 * <tr><td>{@code groupcache_found_at_previous_owner_total}, {@code _not_found_at_previous_owner_total}</td>
 *   <td>{@code group}</td><td>misses of a key this node owns after ownership moved, answered by the
 *   key's previous owner, or loaded since none had it</td></tr>
 * <tr><td>{@code groupcache_owns_keys}</td><td></td><td>1 while this node owns keys (ready), 0 while
 *   it catches up or drains ({@link GroupCache#ownershipState})</td></tr>
 * <tr><td>{@code groupcache_catch_ups_total}, {@code _coarse_drops_total}</td><td></td><td>times this
 *   node caught up after it knew it was away, and those that ended by dropping everything</td></tr>
 * <tr><td>{@code groupcache_hints_pending}</td><td>{@code peer}</td><td>drops held for the peer, which
 *   missed writes, until it takes them</td></tr>
 * <tr><td>{@code groupcache_hints_held_total}, {@code _hints_delivered_total}, {@code _hint_overflows_total},
 *   {@code _hints_applied_total}, {@code _relayed_total}</td><td></td><td>see {@link OwnershipStats}</td></tr>
 * </table>
 *
 * <p>The counters and sizes are read from {@link Group#stats()}, and each peer's state from the
 * cache's failure detector, when the registry is scraped; this class keeps no state of its own.
 * The histograms, and the peer gauges as the peer list changes, come from a {@link CacheObserver}
 * that this class adds to the cache, which hears only about loads, fetches and membership: a cache
 * hit costs nothing more than without metrics. Groups created after {@link #bindTo} get their
 * meters with their first load.
 */
public final class GroupCacheMetrics implements MeterBinder {
  /** Buckets of the two histograms: a loopback fetch takes ~100 µs, an origin call up to seconds. */
  static final Duration[] BUCKETS = {
      Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
      Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

  private final GroupCache cache;
  private final Tags extraTags;
  private final List<Bound> bound = new CopyOnWriteArrayList<>();

  /** Meters of {@code cache}, without extra tags. */
  public GroupCacheMetrics(GroupCache cache) {
    this(cache, Tags.empty());
  }

  /** Meters of {@code cache}, each with {@code tags} too (e.g. the node's name when several share a registry). */
  public GroupCacheMetrics(GroupCache cache, Iterable<Tag> tags) {
    this.cache = Objects.requireNonNull(cache, "cache");
    this.extraTags = Tags.of(tags);
    cache.addObserver(new Recorder());
  }

  /** The value of {@code groupcache_peer_up}: 0 while the cache judges {@code peer} down, else 1 (one lookup). */
  static double peerUp(GroupCache cache, String peer) {
    return cache.peerState(peer).map(PeerState::isUp).orElse(true) ? 1 : 0;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Bound b = new Bound(registry);
    bound.add(b);
    b.ownership();
    for (Group g : cache.groups()) {
      b.group(g.name());
    }
    b.peers(cache.peers());
    b.handoff();
  }

  /** The meters registered in one registry. */
  private final class Bound {
    final MeterRegistry registry;
    final Set<String> groups = ConcurrentHashMap.newKeySet();
    final Map<String, Gauge> peerUp = new ConcurrentHashMap<>();
    final Map<String, Gauge> hintsPending = new ConcurrentHashMap<>();
    final Map<String, Timer> fetchTimers = new ConcurrentHashMap<>();
    final Map<String, Timer> loadTimers = new ConcurrentHashMap<>();
    final Map<String, Counter> outcomes = new ConcurrentHashMap<>();

    Bound(MeterRegistry registry) {
      this.registry = registry;
    }

    /** The handoff counters of the cache ({@link GroupCache#handoffStats()}). */
    void handoff() {
      handoffCounter("sent", "Entries this node handed to the next owners of their keys when it closed", c -> c
          .handoffStats().handedOff());
      handoffCounter("received", "Entries departing peers handed to this node that it kept", c -> c.handoffStats()
          .received());
      handoffCounter("dropped", "Entries departing peers handed to this node that it dropped (the key was written "
          + "here since, being loaded, or held already)", c -> c.handoffStats().receivedDropped());
      handoffCounter("loaded_ahead", "Keys this node loaded ahead when it took its keys back, because its peers held "
          + "copies of them that callers had asked for lately", c -> c.handoffStats().loadedAhead());
    }

    private void handoffCounter(String direction, String help, ToDoubleFunction<GroupCache> f) {
      FunctionCounter.builder("groupcache.handoff.entries", cache, f).description(help)
          .tags(extraTags.and("direction", direction)).register(registry);
    }

    /** Registers the meters of group {@code name} once. */
    void group(String name) {
      if (!groups.add(name)) {
        return;
      }
      Group g = cache.group(name).orElse(null);
      if (g == null) {
        groups.remove(name);
        return;
      }
      Tags t = extraTags.and("group", name);
      counter("groupcache.gets", "Gets, from local callers and from peers", g, t, GroupStats::gets);
      counter("groupcache.cache.hits", "Gets answered by the main or hot store", g, t, GroupStats::cacheHits);
      counter("groupcache.peer.loads", "Values fetched from the owning peer", g, t, GroupStats::peerLoads);
      counter("groupcache.peer.errors", "Fetches from a peer that failed in transport (loaded here instead)", g, t,
          GroupStats::peerErrors);
      counter("groupcache.loads", "Gets that missed the stores", g, t, GroupStats::loads);
      counter("groupcache.loads.deduped", "Loads that ran after single-flight merged concurrent ones", g, t,
          GroupStats::loadsDeduped);
      counter("groupcache.local.loads", "Successful loads by this node's loader", g, t, GroupStats::localLoads);
      counter("groupcache.local.load.errors", "Failed loads by this node's loader", g, t, GroupStats::localLoadErrors);
      counter("groupcache.server.requests", "Gets that arrived from peers", g, t, GroupStats::serverRequests);
      counter("groupcache.removes", "Keys dropped on this node by a remove, asked here or by a peer", g, t,
          GroupStats::removes);
      counter("groupcache.sets", "Values stored on this node by a set, as one of the nodes that keep the value", g, t, GroupStats::sets);
      counter("groupcache.not.found.hits", "Gets answered by a cached \"not found\"", g, t, GroupStats::notFoundHits);
      counter("groupcache.stale.hits", "Gets answered by an expired value because its reload failed", g, t,
          GroupStats::staleHits);
      counter("groupcache.expirations", "Gets that found their key expired in the main or hot store (so loaded it again)",
          g, t, GroupStats::expirations);
      counter("groupcache.found.at.previous.owner", "Misses of a key this node owns, after ownership moved, answered by "
          + "its previous owner", g, t, GroupStats::foundAtPreviousOwner);
      counter("groupcache.not.found.at.previous.owner", "Misses of a key this node owns, after ownership moved, that no "
          + "previous owner had (loaded)", g, t, GroupStats::notFoundAtPreviousOwner);
      Gauge.builder("groupcache.cache.budget", g, x -> x.cacheBytes()).baseUnit("bytes")
          .description("Byte budget of the main and hot store together").tags(t).register(registry);
      for (String cacheName : new String[] {"main", "hot"}) {
        boolean main = cacheName.equals("main");
        Tags st = t.and("cache", cacheName);
        Gauge.builder("groupcache.cache.bytes", g, x -> store(x, main).bytes()).baseUnit("bytes")
            .description("Bytes counted against the budget: all the heap the compact store holds, the keys and values"
                + " of the LRU and W-TinyLFU stores").tags(st).register(registry);
        Gauge.builder("groupcache.cache.payload", g, x -> store(x, main).payloadBytes()).baseUnit("bytes")
            .description("Key and value bytes of the entries held").tags(st).register(registry);
        Gauge.builder("groupcache.cache.items", g, x -> store(x, main).items())
            .description("Entries held").tags(st).register(registry);
        FunctionCounter.builder("groupcache.cache.evictions", g, x -> store(x, main).evictions())
            .description("Entries dropped to stay within the byte budget").tags(st).register(registry);
      }
    }

    private void counter(String name, String help, Group g, Tags t, ToDoubleFunction<GroupStats> f) {
      FunctionCounter.builder(name, g, x -> f.applyAsDouble(x.stats())).description(help).tags(t).register(registry);
    }

    /** The meters of the node's part in ownership changes (catch-ups, hints, relays). */
    void ownership() {
      Gauge.builder("groupcache.owns.keys", cache, c -> c.ownershipState() == OwnershipState.READY ? 1 : 0)
          .description("1 while this node owns keys (ready), 0 while it catches up or drains").tags(extraTags)
          .strongReference(true).register(registry);
      nodeCounter("groupcache.catch.ups", "Times this node caught up after it knew it was away", OwnershipStats::catchUps);
      nodeCounter("groupcache.coarse.drops", "Catch-ups that ended by dropping everything held",
          OwnershipStats::coarseDrops);
      nodeCounter("groupcache.hints.held", "Drops held for peers that missed writes", OwnershipStats::hintsHeld);
      nodeCounter("groupcache.hints.delivered", "Held drops that peers acknowledged", OwnershipStats::hintsDelivered);
      nodeCounter("groupcache.hint.overflows", "Times a peer's held drops collapsed to a group or to everything",
          OwnershipStats::hintOverflows);
      nodeCounter("groupcache.hints.applied", "Drops this node applied from hints peers held for it",
          OwnershipStats::hintsApplied);
      nodeCounter("groupcache.relayed", "Requests carried between two peers that cannot reach each other, or sent "
          + "through another peer", OwnershipStats::relayed);
    }

    private void nodeCounter(String name, String help, ToDoubleFunction<OwnershipStats> f) {
      FunctionCounter.builder(name, cache, c -> f.applyAsDouble(c.ownershipStats())).description(help).tags(extraTags)
          .register(registry);
    }

    /**
     * Keeps one {@code groupcache_peer_up} and {@code groupcache_hints_pending} per remote peer of
     * the ring, and makes each new peer's fetch timer here, on the thread that changed the ring:
     * made on the first fetch instead, its registration (the first of a registry loads its
     * classes) held up an event loop, and every request it carried, when a node joined.
     */
    void peers(List<String> peers) {
      Set<String> now = new HashSet<>(peers);
      now.remove(cache.self());
      for (String p : now) {
        peerUp.computeIfAbsent(p, x -> Gauge.builder("groupcache.peer.up", cache, c -> peerUp(c, x))
            .description("1 while this node judges the peer up (probes and fetches), else 0").tags(extraTags.and("peer", x))
            .strongReference(true).register(registry));
        hintsPending.computeIfAbsent(p, x -> Gauge.builder("groupcache.hints.pending", cache,
                c -> c.ownershipStats().hintsPending().getOrDefault(x, 0))
            .description("Drops held for the peer, which missed writes, until it takes them").tags(extraTags.and("peer", x))
            .strongReference(true).register(registry));
        fetchTimer(p);
      }
      for (Map<String, Gauge> gauges : List.of(peerUp, hintsPending)) {
        gauges.keySet().removeIf(p -> {
          if (now.contains(p)) {
            return false;
          }
          registry.remove((Meter) gauges.get(p));
          return true;
        });
      }
    }

    Timer fetchTimer(String peer) {
      return fetchTimers.computeIfAbsent(peer, p -> timer("groupcache.peer.fetch",
          "Fetches from the owning peer, answered or failed", extraTags.and("peer", p)));
    }

    Timer loadTimer(String group) {
      return loadTimers.computeIfAbsent(group, g -> timer("groupcache.load",
          "Loads by this node's loader (origin calls), failed ones included", extraTags.and("group", g)));
    }

    Counter outcome(String group, String outcome) {
      return outcomes.computeIfAbsent(group + '\0' + outcome, k -> Counter.builder("groupcache.load.outcomes")
          .description("Loads by this node's loader, by outcome (ok, not_found, timeout, error)")
          .tags(extraTags.and("group", group).and("outcome", outcome)).register(registry));
    }

    private Timer timer(String name, String help, Tags tags) {
      return Timer.builder(name).description(help).tags(tags).serviceLevelObjectives(BUCKETS)
          .minimumExpectedValue(BUCKETS[0]).maximumExpectedValue(BUCKETS[BUCKETS.length - 1]).register(registry);
    }
  }

  private static StoreStats store(Group g, boolean main) {
    GroupStats s = g.stats();
    return main ? s.mainStore() : s.hotStore();
  }

  /** What a load ended with, as the {@code outcome} tag: ok, not_found, timeout or error. */
  static String outcome(Throwable failure) {
    if (failure == null) {
      return "ok";
    }
    if (failure instanceof KeyNotFoundException) {
      return "not_found";
    }
    if (failure instanceof LoadTimeoutException) {
      return "timeout";
    }
    return "error";
  }

  /** Feeds the histograms, and keeps the meters in step with the groups and peers; called only on loads, fetches and membership changes. */
  private final class Recorder implements CacheObserver {
    @Override
    public void loaded(String group, String key, long nanos, Throwable failure) {
      String outcome = outcome(failure);
      for (Bound b : bound) {
        b.group(group);
        b.loadTimer(group).record(nanos, TimeUnit.NANOSECONDS);
        b.outcome(group, outcome).increment();
      }
    }

    @Override
    public void fetched(String group, String key, String peer, long nanos, Throwable failure) {
      for (Bound b : bound) {
        b.group(group);
        b.fetchTimer(peer).record(nanos, TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public void peersChanged(List<String> peers) {
      for (Bound b : bound) {
        b.peers(peers);
      }
    }
  }
}
