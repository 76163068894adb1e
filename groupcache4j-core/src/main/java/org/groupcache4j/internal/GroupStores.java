package org.groupcache4j.internal;

import java.util.function.LongFunction;
import org.groupcache4j.ByteView;

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

  public GroupStores(long budgetBytes, LongFunction<Store> storeFactory) {
    if (budgetBytes < 0) {
      throw new IllegalArgumentException("cache budget must be >= 0 bytes, was " + budgetBytes);
    }
    this.budget = budgetBytes;
    this.hotCapacity = budgetBytes / 8;
    this.hot = storeFactory.apply(hotCapacity);
    this.main = storeFactory.apply(budgetBytes);
  }

  /** A hit in the main store, else in the hot store, else {@code null}. */
  public ByteView get(String key) {
    if (budget == 0) {
      return null;
    }
    ByteView v = main.get(key);
    return v != null ? v : hot.get(key);
  }

  /** Keeps a value this node loaded (not cached if it alone outweighs the budget). */
  public void putMain(String key, ByteView value) {
    if (budget == 0 || Store.weigh(key, value) > main.capacity()) {
      return;
    }
    main.put(key, value);
  }

  /** Keeps a value fetched from its owner (not cached if it outweighs the hot store's share). */
  public void putHot(String key, ByteView value) {
    if (hotCapacity == 0 || Store.weigh(key, value) > hotCapacity) {
      return;
    }
    hot.put(key, value);
    main.setCapacity(budget - hot.bytes());
  }

  /** Drops {@code key} from both stores. */
  public void remove(String key) {
    main.remove(key);
    if (hot.remove(key)) {
      main.setCapacity(budget - hot.bytes());
    }
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
