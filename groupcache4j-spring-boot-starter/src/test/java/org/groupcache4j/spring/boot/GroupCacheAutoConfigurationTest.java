package org.groupcache4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import org.groupcache4j.GroupCache;
import org.groupcache4j.spring.GroupCacheCache;
import org.groupcache4j.spring.GroupCacheCacheManager;
import org.groupcache4j.spring.boot.app.TestApplication;
import org.groupcache4j.spring.boot.app.UndeclaredApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.metrics.CacheMetricsAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What the auto-configuration makes of the properties and the application, one context per test. */
class GroupCacheAutoConfigurationTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(GroupCacheAutoConfiguration.class, CacheAutoConfiguration.class,
          CacheMetricsAutoConfiguration.class))
      .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
      .withPropertyValues("groupcache4j.caches.books.cache-bytes=1MB");

  @Test
  void aSingleNodeWithoutPropertiesServesTheDeclaredCaches() {
    runner.withUserConfiguration(TestApplication.class).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(CacheManager.class)).isInstanceOf(GroupCacheCacheManager.class);
      assertThat(context.getBean(CacheManager.class).getCacheNames()).containsExactly("books");
      GroupCacheCache books = (GroupCacheCache) context.getBean(CacheManager.class).getCache("books");
      assertThat(books.getNativeCache().cacheBytes()).isEqualTo(1 << 20);
      TestApplication.Library library = context.getBean(TestApplication.Library.class);
      assertThat(library.find("1")).isEqualTo(new TestApplication.Book("1", "Title of 1"));
      assertThat(library.find("1")).isEqualTo(new TestApplication.Book("1", "Title of 1"));
      assertThat(library.calls()).isEqualTo(1);
      library.changed("1");
      library.find("1");
      assertThat(library.calls()).isEqualTo(2);
      // the default codec, with no configuration: a list of the application's records
      List<TestApplication.Book> shelf = library.shelf("a");
      assertThat(library.shelf("a")).isEqualTo(shelf).hasSize(2);
      assertThat(library.calls()).isEqualTo(3);
      assertThat(context.getBean(GroupCacheNode.class).state()).isEqualTo(GroupCacheNode.State.READY);
      assertThat(context.getBean(GroupCache.class)).isSameAs(context.getBean(GroupCacheNode.class).cache());
    });
  }

  @Test
  void theCacheManagerBacksOffForTheApplicationsOwn() {
    runner.withUserConfiguration(TestApplication.class, OwnCacheManager.class)
        .withPropertyValues("groupcache4j.caches.authors.cache-bytes=1MB")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(CacheManager.class)).isInstanceOf(ConcurrentMapCacheManager.class);
          assertThat(context).doesNotHaveBean(GroupCacheCacheManager.class);
          assertThat(context).doesNotHaveBean(DeclaredCachesCheck.class);
        });
  }

  @Test
  void anotherProviderChosenWithSpringCacheTypeTurnsTheStarterOff() {
    runner.withUserConfiguration(TestApplication.class).withPropertyValues("spring.cache.type=simple").run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).doesNotHaveBean(GroupCacheNode.class);
      assertThat(context.getBean(CacheManager.class)).isInstanceOf(ConcurrentMapCacheManager.class);
    });
    runner.withUserConfiguration(TestApplication.class).withPropertyValues("groupcache4j.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(GroupCacheNode.class));
  }

  @Test
  void anUndeclaredCacheFailsTheStartWithTheNameTheMethodAndTheFix() {
    runner.withUserConfiguration(UndeclaredApplication.class).run(context -> {
      assertThat(context).hasFailed();
      Throwable failure = context.getStartupFailure();
      assertThat(failure).isInstanceOf(UndeclaredCacheException.class)
          .hasMessageContaining("cache 'authors' is used by @Cacheable on " + UndeclaredApplication.Authors.class.getName() + ".find()")
          .hasMessageContaining("cache 'portraits' is used by @CachePut on " + UndeclaredApplication.Authors.class.getName() + ".portrait()")
          .hasMessageContaining("declared caches: [books]")
          .hasMessageContaining("groupcache4j.caches.authors.cache-bytes=64MB, groupcache4j.caches.portraits.cache-bytes=64MB");
      FailureAnalysis analysis = new UndeclaredCacheFailureAnalyzer().analyze(failure);
      assertThat(analysis.getDescription()).contains("cache 'authors' is used by\n    @Cacheable on");
      assertThat(analysis.getAction()).contains("groupcache4j.caches.authors.cache-bytes=64MB\ngroupcache4j.caches.portraits.cache-bytes=64MB");
    });
  }

  @Test
  void theHealthContributorFollowsTheNode() {
    runner.withUserConfiguration(TestApplication.class).run(context -> {
      GroupCacheHealthIndicator health = context.getBean("groupcacheHealthIndicator", GroupCacheHealthIndicator.class);
      Health up = health.health();
      assertThat(up.getStatus()).isEqualTo(Status.UP);
      assertThat(up.getDetails()).containsEntry("state", "ready").containsEntry("self", "local").containsKey("peers");
      GroupCacheNode node = context.getBean(GroupCacheNode.class);
      node.stop();
      assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
      assertThat(health.health().getDetails()).containsEntry("state", "stopped");
    });
  }

  @Test
  void aStoppingApplicationDrainsUntilItsCallersComputationsEndThenStopsTheNode() {
    runner.withUserConfiguration(TestApplication.class).withPropertyValues("groupcache4j.drain-timeout=60s").run(context -> {
      GroupCacheCache books = (GroupCacheCache) context.getBean(CacheManager.class).getCache("books");
      GroupCacheNode node = context.getBean(GroupCacheNode.class);
      GroupCacheHealthIndicator health = context.getBean("groupcacheHealthIndicator", GroupCacheHealthIndicator.class);
      java.util.concurrent.CountDownLatch computing = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        java.util.concurrent.Future<String> caller = pool.submit(() -> books.get("slow", () -> {
          computing.countDown();
          release.await();
          return "computed";
        }));
        assertThat(computing.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        java.util.concurrent.Future<?> closing = pool.submit(context::close);
        org.awaitility.Awaitility.await("the node drains").atMost(java.time.Duration.ofSeconds(20))
            .until(() -> node.state() == GroupCacheNode.State.DRAINING);
        assertThat(health.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(health.health().getDetails()).containsEntry("state", "draining");
        assertThat(books.loadsInFlight()).isEqualTo(1);
        assertThat(closing).as("the context waits for the computation (drain-timeout 60s)").isNotDone();
        release.countDown();
        assertThat(caller.get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("computed");
        closing.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(node.state()).isEqualTo(GroupCacheNode.State.STOPPED);
        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
      } finally {
        release.countDown();
        pool.shutdownNow();
      }
    });
  }

  @Test
  void cacheMetricsAreTaggedWithTheCacheName() {
    runner.withUserConfiguration(TestApplication.class).run(context -> {
      TestApplication.Library library = context.getBean(TestApplication.Library.class);
      library.find("a");
      library.find("a");
      library.find("b");
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      assertThat(registry.get("cache.gets").tags("name", "books", "result", "hit").functionCounter().count()).isEqualTo(1);
      assertThat(registry.get("cache.gets").tags("name", "books", "result", "miss").functionCounter().count()).isEqualTo(2);
      assertThat(registry.get("cache.puts").tag("name", "books").functionCounter().count()).isEqualTo(2);
      assertThat(registry.get("cache.size").tag("name", "books").gauge().value()).isEqualTo(2);
      assertThat(registry.get("cache.evictions").tag("name", "books").functionCounter().count()).isZero();
      assertThat(registry.get("cache.decode.failures").tag("name", "books").functionCounter().count()).isZero();
    });
  }

  @Test
  void misconfigurationsFailTheStartNamingThePropertyWithTheTablesMessage() {
    Map<List<String>, String> cases = new java.util.LinkedHashMap<>();
    cases.put(List.of("groupcache4j.peers=http://127.0.0.1:1"), "groupcache4j.peers needs groupcache4j.self");
    cases.put(List.of("groupcache4j.self=http://127.0.0.1:1", "groupcache4j.peers=http://127.0.0.1:2"),
        "Invalid value for property 'groupcache4j.peers': 'http://127.0.0.1:2': it does not list groupcache4j.self");
    cases.put(List.of("groupcache4j.self=127.0.0.1:1"), "Invalid value for property 'groupcache4j.self': ");
    cases.put(List.of("groupcache4j.self=http://127.0.0.1:1", "groupcache4j.peers-file=/p",
        "groupcache4j.peers-dns=http://x:1"), "give groupcache4j.peers-file or groupcache4j.peers-dns, not both");
    cases.put(List.of("groupcache4j.caches.books.codec=nope"),
        "Invalid value for property 'groupcache4j.caches.books.codec': 'nope': use default, java, text, bytes");
    cases.put(List.of("groupcache4j.caches.books.cache-bytes=1TB"), "raise -Xmx or lower the budgets");
    cases.put(List.of("groupcache4j.caches.books.cache-bytes=lots"),
        "Invalid value for property 'groupcache4j.caches.books.cache-bytes': 'lots' is not a size");
    cases.put(List.of("groupcache4j.caches.books.ttl=0s"),
        "Invalid value for property 'groupcache4j.caches.books.ttl': '0s' must be longer than zero");
    cases.put(List.of("groupcache4j.self=http://127.0.0.1:1", "groupcache4j.ring=balanced", "groupcache4j.replicas=10"),
        "groupcache4j.replicas");
    cases.put(List.of("groupcache4j.self=http://127.0.0.1:1", "groupcache4j.ring=ketama"), "groupcache4j.ring");
    cases.put(List.of("groupcache4j.caches.books.eviction=fifo"),
        "Invalid value for property 'groupcache4j.caches.books.eviction': 'fifo': use compact, w-tiny-lfu or lru");
    cases.put(List.of("groupcache4j.caches.books.cache-byte=1MB"),
        "groupcache4j.caches.books.cache-byte is not a setting of a cache; a cache takes cache-bytes, eviction");
    cases.put(List.of("groupcache4j.caches[a/b].cache-bytes=1MB"), "'a/b' cannot name a cache");
    cases.forEach((props, message) -> runner.withUserConfiguration(TestApplication.class)
        .withPropertyValues(props.toArray(String[]::new))
        .run(context -> assertThat(context).getFailure().rootCause().as("%s", props).hasMessageContaining(message)));
  }

  @Test
  void cachePropertiesTakeSpringsUnitsAndRelaxedNames() {
    runner.withUserConfiguration(TestApplication.class)
        .withPropertyValues("groupcache4j.caches.books.cache-bytes=3MB", "groupcache4j.caches.books.loadTimeout=PT2S",
            "groupcache4j.caches.books.max-key-bytes=100", "groupcache4j.caches.books.eviction=lru")
        .run(context -> {
          org.groupcache4j.Group g = ((GroupCacheCache) context.getBean(CacheManager.class).getCache("books")).getNativeCache();
          assertThat(g.cacheBytes()).isEqualTo(3L << 20);
          assertThat(g.loadTimeout()).isEqualTo(java.time.Duration.ofSeconds(2));
          assertThat(g.maxKeyBytes()).isEqualTo(100);
          assertThat(g.evictionPolicy()).isEqualTo(org.groupcache4j.EvictionPolicy.LRU);
        });
    // Spring's duration styles: a plain number is milliseconds, d is days
    runner.withUserConfiguration(TestApplication.class)
        .withPropertyValues("groupcache4j.caches.books.load-timeout=1500", "groupcache4j.caches.books.ttl=1d")
        .run(context -> assertThat(((GroupCacheCache) context.getBean(CacheManager.class).getCache("books"))
            .getNativeCache().loadTimeout()).isEqualTo(java.time.Duration.ofMillis(1500)));
    runner.withUserConfiguration(TestApplication.class)
        .withPropertyValues("groupcache4j.caches.books.load-timeout=1d")
        .run(context -> assertThat(((GroupCacheCache) context.getBean(CacheManager.class).getCache("books"))
            .getNativeCache().loadTimeout()).isEqualTo(java.time.Duration.ofDays(1)));
  }

  @Test
  void aLoaderBeanLoadsItsCacheInsteadOfTheMethod() {
    runner.withUserConfiguration(TestApplication.class, BooksLoader.class).run(context -> {
      TestApplication.Library library = context.getBean(TestApplication.Library.class);
      assertThat(library.find("9")).isEqualTo(new TestApplication.Book("9", "loaded by the bean"));
      assertThat(library.calls()).isZero();
    });
    runner.withUserConfiguration(TestApplication.class, StrayLoader.class).run(context ->
        assertThat(context).getFailure().rootCause()
            .hasMessageContaining("loads cache 'authors', which is not declared")
            .hasMessageContaining("groupcache4j.caches.authors.cache-bytes=64MB"));
  }

  @Configuration(proxyBeanMethods = false)
  static class BooksLoader {
    @Bean
    org.groupcache4j.spring.CacheValueLoader booksLoader() {
      return org.groupcache4j.spring.CacheValueLoader.of("books", key -> new TestApplication.Book((String) key, "loaded by the bean"));
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class StrayLoader {
    @Bean
    org.groupcache4j.spring.CacheValueLoader authorsLoader() {
      return org.groupcache4j.spring.CacheValueLoader.of("authors", key -> key);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnCacheManager {
    @Bean
    CacheManager cacheManager() {
      return new ConcurrentMapCacheManager("books", "authors");
    }
  }
}
