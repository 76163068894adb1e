package org.groupcache4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.apache.commons.logging.LogFactory;
import org.groupcache4j.ValueCodec;
import org.groupcache4j.spring.GroupCacheCache;
import org.groupcache4j.spring.boot.app.TestApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;

/**
 * The warm-up of a node with peers ({@code groupcache4j.self}): before it joins, on throw-away
 * nodes whose ring changes, nothing left behind.
 */
class StarterWarmupTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(GroupCacheAutoConfiguration.class, CacheAutoConfiguration.class))
      .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
      .withBean("opaqueCodec", ValueCodec.class, () -> ValueCodec.utf8())
      .withUserConfiguration(TestApplication.class)
      .withPropertyValues("groupcache4j.caches.books.cache-bytes=1MB", "groupcache4j.caches.names.cache-bytes=1MB",
          "groupcache4j.caches.names.codec=text", "groupcache4j.caches.opaque.cache-bytes=1MB",
          "groupcache4j.caches.opaque.codec=opaqueCodec");

  @Test
  void aNodeWithPeersRunsItsCachesPathBeforeItJoinsAndKeepsNothingOfIt() throws IOException {
    String self = "http://127.0.0.1:" + freePort();
    runner.withPropertyValues("groupcache4j.self=" + self, "groupcache4j.warm-up=3s").run(context -> {
      assertThat(context).hasNotFailed();
      GroupCacheNode node = context.getBean(GroupCacheNode.class);
      StarterWarmup.Report r = node.warmUp();
      assertThat(r.ended()).isIn("settled", "time limit");
      assertThat(r.caches()).containsExactly("books", "names"); // not the cache of a codec bean: its values are unknown
      assertThat(r.requests()).isPositive();
      assertThat(r.failed()).as("first failure: %s", r.firstFailure()).isZero();
      assertThat(r.ringChanges()).as("a third node joined the pair's ring and left it: %s", r).isPositive();
      // the node's caches have its meters' observer, so the code compiled in the warm-up calls one too
      assertThat(r.timed()).as("fetches and loads timed by the pair's meters: %s", r).isPositive();
      assertThat(r.describe()).contains(" ring changes");
      assertThat(LogFactory.getLog("org.groupcache4j.handoff").isInfoEnabled()).as("the project's levels put back").isTrue();
      for (String name : new String[] {"books", "names", "opaque"}) {
        GroupCacheCache c = (GroupCacheCache) context.getBean(CacheManager.class).getCache(name);
        assertThat(c.localSize()).as(name).isZero();
        assertThat(c.stats().puts() + c.stats().hits() + c.stats().misses()).as(name).isZero();
        assertThat(c.getNativeCache().stats().gets()).as(name).isZero();
      }
      assertThat(node.state()).isEqualTo(GroupCacheNode.State.READY);
      TestApplication.Library library = context.getBean(TestApplication.Library.class);
      assertThat(library.find("1")).isEqualTo(new TestApplication.Book("1", "Title of 1"));
      assertThat(library.calls()).isEqualTo(1); // the application's method never ran in the warm-up
    });
  }

  @Test
  void zeroTurnsItOffAndANodeOfThisJvmAloneHasNone() throws IOException {
    String self = "http://127.0.0.1:" + freePort();
    runner.withPropertyValues("groupcache4j.self=" + self, "groupcache4j.warm-up=0").run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(GroupCacheNode.class).warmUp().ended()).isEqualTo("off");
    });
    runner.run(context -> assertThat(context.getBean(GroupCacheNode.class).warmUp().ended())
        .startsWith("off (groupcache4j.self is not set"));
    runner.withPropertyValues("groupcache4j.warm-up=11m").run(context -> assertThat(context).getFailure().rootCause()
        .hasMessageContaining("Invalid value for property 'groupcache4j.warm-up'").hasMessageContaining("at most 10m"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
