package org.groupcache4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** A group whose budget the compact store cannot use says so when it is made, naming the fix. */
class SmallCompactBudgetTest {
  @Test
  void aCompactGroupOfAFewHundredBytesIsWarnedAboutAndALargerOneIsNot() {
    List<String> warnings = new CopyOnWriteArrayList<>();
    Handler h = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (r.getLevel().intValue() >= Level.WARNING.intValue() && "org.groupcache4j.group".equals(r.getLoggerName())) {
          warnings.add(r.getMessage());
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger.getLogger("").addHandler(h);
    try (GroupCache cache = GroupCache.builder().self("mem://a").build()) {
      cache.groupBuilder("tiny").cacheBytes(1000).loader(k -> new byte[1]).build();
      cache.groupBuilder("tiny-lfu").cacheBytes(1000).evictionPolicy(EvictionPolicy.W_TINY_LFU).loader(k -> new byte[1]).build();
      cache.groupBuilder("enough").cacheBytes(64 << 10).loader(k -> new byte[1]).build();
      cache.groupBuilder("off").cacheBytes(0).loader(k -> new byte[1]).build();
    } finally {
      Logger.getLogger("").removeHandler(h);
    }
    assertThat(warnings).singleElement().satisfies(m -> assertThat(m).contains("group 'tiny'", "1000 bytes",
        "compact store", "4096 bytes or more", "evictionPolicy(W_TINY_LFU)"));
  }
}
