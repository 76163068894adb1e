package org.groupcache4j.spring.boot;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;
import org.groupcache4j.StoreStats;
import org.groupcache4j.spring.GroupCacheCache;
import org.springframework.boot.cache.metrics.CacheMeterBinderProvider;

/**
 * Spring Boot's cache meters for {@link GroupCacheCache}: {@code cache.gets} ({@code result} hit
 * or miss, as this node's callers saw them), {@code cache.puts}, {@code cache.evictions} (entries
 * this node's stores dropped to stay within the budget), {@code cache.size} (entries this node
 * holds), tagged {@code name} (and {@code cache}, {@code cache.manager}) by Spring Boot; and
 * {@code cache.removals} (evicts through the cache) and {@code cache.decode.failures} (values
 * that no longer decoded, each dropped and loaded again).
 */
public class GroupCacheCacheMeterBinderProvider implements CacheMeterBinderProvider<GroupCacheCache> {
  @Override
  public MeterBinder getMeterBinder(GroupCacheCache cache, Iterable<Tag> tags) {
    return new Meters(cache, tags);
  }

  static final class Meters extends CacheMeterBinder<GroupCacheCache> {
    Meters(GroupCacheCache cache, Iterable<Tag> tags) {
      super(cache, cache.getName(), tags);
    }

    @Override
    protected Long size() {
      GroupCacheCache c = getCache();
      return c == null ? null : c.localSize();
    }

    @Override
    protected long hitCount() {
      GroupCacheCache c = getCache();
      return c == null ? 0 : c.stats().hits();
    }

    @Override
    protected Long missCount() {
      GroupCacheCache c = getCache();
      return c == null ? null : c.stats().misses();
    }

    @Override
    protected Long evictionCount() {
      GroupCacheCache c = getCache();
      if (c == null) {
        return null;
      }
      var s = c.getNativeCache().stats();
      return evictions(s.mainStore()) + evictions(s.hotStore());
    }

    private static long evictions(StoreStats s) {
      return s.evictions();
    }

    @Override
    protected long putCount() {
      GroupCacheCache c = getCache();
      return c == null ? 0 : c.stats().puts();
    }

    @Override
    protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
      GroupCacheCache c = getCache();
      if (c == null) {
        return;
      }
      FunctionCounter.builder("cache.removals", c, x -> x.stats().removals())
          .tags(getTagsWithCacheName()).description("Keys evicted through the cache (dropped on every node)")
          .register(registry);
      FunctionCounter.builder("cache.decode.failures", c, x -> x.stats().decodeFailures())
          .tags(getTagsWithCacheName()).description("Cached values that no longer decoded: each dropped and loaded again")
          .register(registry);
    }
  }
}
