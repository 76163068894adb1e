package org.groupcache4j.spring;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.groupcache4j.Group;
import org.groupcache4j.GroupCache;
import org.groupcache4j.KeyNotFoundException;
import org.groupcache4j.ValueCodec;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

/**
 * A Spring {@link CacheManager} whose caches are groups of one {@link GroupCache} node.
 *
 * <pre>{@code
 * GroupCacheCacheManager caches = GroupCacheCacheManager.builder(node)
 *     .valueCodec(DefaultValueCodec.builder().allowPackage("com.example").build())
 *     .cache("books", group -> group.cacheBytes(64 << 20).expireAfterWrite(Duration.ofMinutes(10)))
 *     .build();
 * }</pre>
 *
 * <p>Caches are declared, never made on first use: a peer can only answer for a group it has, so
 * every node must declare the same caches. {@link #getCache} of a name that was not declared
 * returns {@code null}, as the {@link CacheManager} contract says (Spring then reports the name);
 * the Spring Boot starter checks the names that {@code @Cacheable} and its kin use when the
 * application starts, and fails naming the cache and the fix.
 *
 * <p>A declared cache's values come from its callers: {@code @Cacheable}'s method, {@code put}.
 * Its group has no loader of its own; a miss at the owner is "not found", which this cache takes
 * as a miss.
 */
public final class GroupCacheCacheManager implements CacheManager {
  private final GroupCache node;
  private final Map<String, GroupCacheCache> caches;

  private GroupCacheCacheManager(GroupCache node, Map<String, GroupCacheCache> caches) {
    this.node = node;
    this.caches = Collections.unmodifiableMap(caches);
  }

  /** Starts declaring the caches of {@code node}. */
  public static Builder builder(GroupCache node) {
    return new Builder(Objects.requireNonNull(node, "node"));
  }

  /** The declared cache of this name, or {@code null} if there is none. */
  @Override
  public GroupCacheCache getCache(String name) {
    return caches.get(name);
  }

  @Override
  public Collection<String> getCacheNames() {
    return caches.keySet();
  }

  /** The declared caches, in the order declared. */
  public Collection<GroupCacheCache> caches() {
    return caches.values();
  }

  /** The node the caches live on. */
  public GroupCache node() {
    return node;
  }

  @Override
  public String toString() {
    return "GroupCacheCacheManager[" + node.self() + ", caches " + caches.keySet() + "]";
  }

  /** The loader of a group whose values come from the callers: the owner has nothing to load. */
  static CompletableFuture<org.groupcache4j.LoadedValue> notLoadedAtTheOwner(String key) {
    return CompletableFuture.failedFuture(new KeyNotFoundException(
        "not cached; values of this cache come from its callers (the cached method, put)"));
  }

  /** Declares the caches; {@link #build()} creates their groups on the node. */
  public static final class Builder {
    private final GroupCache node;
    private CacheKeyCodec keyCodec = CacheKeyCodec.standard();
    private ValueCodec<Object> valueCodec;
    private final Map<String, Declared> declared = new LinkedHashMap<>();

    private record Declared(Consumer<Group.Builder> group, ValueCodec<Object> codec) {}

    private Builder(GroupCache node) {
      this.node = node;
    }

    /** How keys become group keys (default {@link CacheKeyCodec#standard()}); every node must use the same. */
    public Builder keyCodec(CacheKeyCodec codec) {
      this.keyCodec = Objects.requireNonNull(codec, "keyCodec");
      return this;
    }

    /** The value codec of caches declared without one (default {@link DefaultValueCodec} allowing {@code java.*}). */
    public Builder valueCodec(ValueCodec<Object> codec) {
      this.valueCodec = Objects.requireNonNull(codec, "valueCodec");
      return this;
    }

    /** Declares cache {@code name} with the group's defaults. */
    public Builder cache(String name) {
      return cache(name, g -> {});
    }

    /** Declares cache {@code name}; {@code group} sets its budget, expiry, timeouts (not its loader). */
    public Builder cache(String name, Consumer<Group.Builder> group) {
      return put(name, group, null);
    }

    /** Declares cache {@code name} with a value codec of its own. */
    @SuppressWarnings("unchecked")
    public Builder cache(String name, Consumer<Group.Builder> group, ValueCodec<?> codec) {
      return put(name, group, (ValueCodec<Object>) Objects.requireNonNull(codec, "codec"));
    }

    private Builder put(String name, Consumer<Group.Builder> group, ValueCodec<Object> codec) {
      Objects.requireNonNull(name, "cache name");
      Objects.requireNonNull(group, "group settings");
      if (name.isEmpty() || name.contains("/")) {
        throw new IllegalArgumentException("cache name '" + name + "' must be non-empty and hold no '/' (it names a "
            + "group in peers' request paths)");
      }
      if (declared.putIfAbsent(name, new Declared(group, codec)) != null) {
        throw new IllegalArgumentException("cache '" + name + "' is declared twice");
      }
      return this;
    }

    /**
     * Creates a group on the node for each declared cache.
     *
     * @throws IllegalStateException if the node already has a group of a declared cache's name
     */
    public GroupCacheCacheManager build() {
      ValueCodec<Object> defaults = valueCodec != null ? valueCodec : DefaultValueCodec.builder().build();
      Map<String, GroupCacheCache> caches = new LinkedHashMap<>();
      List<Group> made = new ArrayList<>();
      for (Map.Entry<String, Declared> e : declared.entrySet()) {
        Group.Builder gb = node.groupBuilder(e.getKey());
        e.getValue().group().accept(gb);
        gb.asyncExpiringLoader(GroupCacheCacheManager::notLoadedAtTheOwner);
        Group g = gb.build();
        made.add(g);
        ValueCodec<Object> codec = e.getValue().codec() != null ? e.getValue().codec() : defaults;
        caches.put(e.getKey(), new GroupCacheCache(g, codec, keyCodec, true));
      }
      return new GroupCacheCacheManager(node, caches);
    }
  }
}
