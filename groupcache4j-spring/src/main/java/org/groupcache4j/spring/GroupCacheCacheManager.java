package org.groupcache4j.spring;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.groupcache4j.Group;
import org.groupcache4j.GroupCache;
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
 * <p>A declared cache's values come from its callers ({@code @Cacheable}'s method, {@code put}):
 * its group is {@linkplain org.groupcache4j.Group.Builder#callerLoaded caller-loaded}, so a
 * method behind {@code @Cacheable(sync = true)} runs once per key across the cluster, under a
 * lease from the key's owner. A cache declared with a {@link CacheValueLoader} is loaded at the
 * key's owner instead, and its methods are not called on a miss.
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

  /** Declares the caches; {@link #build()} creates their groups on the node. */
  public static final class Builder {
    private final GroupCache node;
    private CacheKeyCodec keyCodec = CacheKeyCodec.standard();
    private ValueCodec<Object> valueCodec;
    private final Map<String, Declared> declared = new LinkedHashMap<>();

    private record Declared(Consumer<Group.Builder> group, ValueCodec<Object> codec, CacheValueLoader loader) {}

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
      return put(name, group, null, null);
    }

    /** Declares cache {@code name} with a value codec of its own. */
    @SuppressWarnings("unchecked")
    public Builder cache(String name, Consumer<Group.Builder> group, ValueCodec<?> codec) {
      return put(name, group, (ValueCodec<Object>) Objects.requireNonNull(codec, "codec"), null);
    }

    /**
     * Declares cache {@code name} loaded by {@code loader} at each key's owner (its
     * {@link CacheValueLoader#cacheName()} must be {@code name}); {@code codec} null: the default.
     */
    @SuppressWarnings("unchecked")
    public Builder cache(String name, Consumer<Group.Builder> group, ValueCodec<?> codec, CacheValueLoader loader) {
      Objects.requireNonNull(loader, "loader");
      if (!name.equals(loader.cacheName())) {
        throw new IllegalArgumentException("loader " + loader + " loads cache '" + loader.cacheName()
            + "', not '" + name + "'");
      }
      return put(name, group, (ValueCodec<Object>) codec, loader);
    }

    private Builder put(String name, Consumer<Group.Builder> group, ValueCodec<Object> codec, CacheValueLoader loader) {
      Objects.requireNonNull(name, "cache name");
      Objects.requireNonNull(group, "group settings");
      if (name.isEmpty() || name.contains("/")) {
        throw new IllegalArgumentException("cache name '" + name + "' must be non-empty and hold no '/' (it names a "
            + "group in peers' request paths)");
      }
      if (declared.putIfAbsent(name, new Declared(group, codec, loader)) != null) {
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
      for (Map.Entry<String, Declared> e : declared.entrySet()) {
        Group.Builder gb = node.groupBuilder(e.getKey());
        e.getValue().group().accept(gb);
        ValueCodec<Object> codec = e.getValue().codec() != null ? e.getValue().codec() : defaults;
        CacheValueLoader loader = e.getValue().loader();
        if (loader == null) {
          gb.callerLoaded();
        } else {
          gb.loader(key -> GroupCacheCache.encodeStored(e.getKey(), key, codec, loader.load(keyCodec.decode(key))));
        }
        Group g = gb.build();
        caches.put(e.getKey(), new GroupCacheCache(g, codec, keyCodec, loader == null));
      }
      return new GroupCacheCacheManager(node, caches);
    }
  }
}
