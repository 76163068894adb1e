package org.groupcache4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AsyncLoaderTest {
  private final GroupCache cache = GroupCache.builder().build();

  @AfterEach
  void close() {
    cache.close();
  }

  @Test
  void loadsOnTheCallingThreadAndCachesTheValue() {
    AtomicInteger loads = new AtomicInteger();
    AtomicReference<Thread> loaderThread = new AtomicReference<>();
    Group g = cache.groupBuilder("async").asyncLoader(key -> {
      loads.incrementAndGet();
      loaderThread.set(Thread.currentThread());
      return CompletableFuture.completedFuture(("v-" + key).getBytes(StandardCharsets.UTF_8));
    }).build();
    assertThat(g.get("a").toString()).isEqualTo("v-a");
    assertThat(g.get("a").toString()).isEqualTo("v-a");
    assertThat(loads).hasValue(1);
    assertThat(loaderThread.get()).isSameAs(Thread.currentThread());
    assertThat(g.stats().localLoads()).isEqualTo(1);
  }

  @Test
  void failuresAreReportedLikeABlockingLoadersAndDoNotWedgeTheKey() {
    AtomicInteger loads = new AtomicInteger();
    Group g = cache.groupBuilder("async-fail").asyncLoader(key -> {
      int n = loads.incrementAndGet();
      if (n == 1) {
        return CompletableFuture.failedFuture(new IllegalStateException("backend 503"));
      }
      if (n == 2) {
        throw new IllegalArgumentException("thrown before any future");
      }
      if (n == 3) {
        return CompletableFuture.failedFuture(new KeyNotFoundException("no such thing"));
      }
      if (n == 4) {
        return null;
      }
      return CompletableFuture.completedFuture("ok".getBytes(StandardCharsets.UTF_8));
    }).build();
    assertThatThrownBy(() -> g.get("k")).isInstanceOf(LoadException.class).hasMessageContaining("backend 503")
        .hasMessageContaining("group 'async-fail', key 'k'");
    assertThatThrownBy(() -> g.get("k")).isInstanceOf(LoadException.class).hasMessageContaining("thrown before any future");
    assertThatThrownBy(() -> g.get("k")).isInstanceOf(KeyNotFoundException.class).hasMessageContaining("no such thing");
    assertThatThrownBy(() -> g.get("k")).isInstanceOf(LoadException.class).hasMessageContaining("returned null");
    assertThat(g.get("k").toString()).isEqualTo("ok");
    assertThat(g.stats().localLoadErrors()).isEqualTo(4);
  }

  @Test
  void aLoadPastTheDeadlineCancelsTheLoadersFuture() throws Exception {
    CompletableFuture<byte[]> never = new CompletableFuture<>();
    Group g = cache.groupBuilder("async-slow").loadTimeout(Duration.ofMillis(100)).asyncLoader(key -> never).build();
    CompletableFuture<ByteView> f = g.getAsync("k");
    assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(LoadTimeoutException.class);
    assertThat(never.isCancelled()).isTrue();
  }
}
