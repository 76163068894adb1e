package org.groupcache4j.internal;

import java.time.Clock;
import java.util.function.LongFunction;
import org.groupcache4j.ByteView;
import org.groupcache4j.EvictionPolicy;

/**
 * The main and hot store of one group, sharing one byte budget as groupcache's do.
 *
 * <p>The main store holds keys this node owns (or loaded itself as a fallback); the hot store
 * holds popular values owned by other nodes, so that a hot key does not cost a network hop on
 * every read. groupcache evicts from the hot cache while it holds more than 1/8 of the main
 * cache's bytes; here the hot store is capped at 1/8 of the budget and the main store gets the
 * rest, including whatever the hot store is not using at the moment. Its capacity is re-set to
 * {@code budget - hot.bytes()} after every hot write, so {@code main.bytes() + hot.bytes() <=
 * budget} holds after every operation. A budget of 0 disables caching.
 */
public final class GroupStores {
  private final long budget;
  private final long hotCapacity;
  private final Store main;
  private final Store hot;

  /** The stores of a group with {@code budgetBytes} and {@code policy}: the one place a policy picks its store. */
  public static GroupStores of(long budgetBytes, EvictionPolicy policy) {
    return new GroupStores(budgetBytes, switch (policy) {
      case LRU -> LruStore::new;
      case W_TINY_LFU -> TinyLfuStore::new;
      case COMPACT -> CompactStore::new;
    });
  }

  public GroupStores(long budgetBytes, LongFunction<Store> storeFactory) {
    if (budgetBytes < 0) {
      throw new IllegalArgumentException("cache budget must be >= 0 bytes, was " + budgetBytes);
    }
    this.budget = budgetBytes;
    this.hotCapacity = budgetBytes / 8;
    this.hot = storeFactory.apply(hotCapacity);
    this.main = storeFactory.apply(budgetBytes);
  }

  /** The entry in the main store, else in the hot store, else {@code null}; expired or not. */
  public Entry get(String key) {
    if (budget == 0) {
      return null;
    }
    Entry e = main.get(key);
    return e != null ? e : hot.get(key);
  }

  /**
   * The hit path: the value of {@code key} in the main or the hot store if it is fresh at
   * {@code clock.millis()} (read only for an entry that expires), else {@code null}: absent,
   * expired or a cached "not found", which {@link #peek} tells apart. A key is never in both
   * stores, so a value found is the key's only one.
   */
  public ByteView getFresh(String key, Clock clock) {
    if (budget == 0) {
      return null;
    }
    ByteView v = main.getFresh(key, clock);
    return v != null ? v : hot.getFresh(key, clock);
  }

  /** The entry in the main store, else in the hot store, else {@code null}, without counting a lookup. */
  public Entry peek(String key) {
    if (budget == 0) {
      return null;
    }
    Entry e = main.peek(key);
    return e != null ? e : hot.peek(key);
  }

  /**
   * Keeps an entry this node loaded or was given (not cached if it alone outweighs the budget).
   * A copy of the key in the hot store is dropped, so a lookup cannot find an older one there.
   */
  public void putMain(String key, Entry entry) {
    if (hot.remove(key)) {
      fitMain();
    }
    if (budget == 0 || entry.weight(key) > main.capacity()) {
      main.remove(key);
      return;
    }
    main.put(key, entry);
  }

  /** Keeps an entry fetched from its owner (not cached if it outweighs the hot store's share). */
  public void putHot(String key, Entry entry) {
    if (hotCapacity == 0 || entry.weight(key) > hotCapacity) {
      hot.remove(key);
      return;
    }
    main.remove(key); // a main copy (an earlier fallback load) is older than what the owner said
    hot.put(key, entry);
    fitMain();
  }

  /** Drops {@code key} from both stores. */
  public void remove(String key) {
    main.remove(key);
    if (hot.remove(key)) {
      fitMain();
    }
  }

  /**
   * Gives the main store what the hot store leaves of the budget. Writes of different keys run at
   * once: reading the hot store's bytes and setting the main store's capacity under one lock makes
   * the last of them set it from the hot store's latest bytes, not from an older reading.
   */
  private synchronized void fitMain() {
    main.setCapacity(budget - hot.bytes());
  }

  /**
   * Drops every entry of both stores (each emptied by a capacity of 0, then given its capacity
   * back: the drops count as evictions in the stores' stats).
   */
  public synchronized void clear() {
    hot.setCapacity(0);
    main.setCapacity(0);
    hot.setCapacity(hotCapacity);
    main.setCapacity(budget);
  }

  public long budget() {
    return budget;
  }

  public Store main() {
    return main;
  }

  public Store hot() {
    return hot;
  }
}
