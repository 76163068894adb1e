package org.groupcache4j.server.internal.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Which heap pools tell memory pressure: the old generation, never eden or a survivor space. */
class MemoryWatchTest {
  @Test
  void onlyTheOldGenerationIsWatchedNotTheYoungPoolsThatAreFullAfterEveryMinorCollection() {
    List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP).toList();
    assertThat(heap).as("this JVM's heap pools").isNotEmpty();
    for (MemoryPoolMXBean p : heap) {
      String name = p.getName().toLowerCase(Locale.ROOT);
      if (name.contains("eden") || name.contains("survivor")) {
        assertThat(MemoryWatch.watched(p)).as("%s is watched", p.getName()).isFalse();
      }
    }
    assertThat(heap).as("an old generation is watched (%s)", heap.stream().map(MemoryPoolMXBean::getName).toList())
        .anyMatch(MemoryWatch::watched);
  }

  @Test
  void aWatchedPoolWarnsAboveNinetyPercentAfterACollection() {
    try (MemoryWatch watch = new MemoryWatch(() -> 1L << 20)) {
      for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
        if (MemoryWatch.watched(p) && p.getUsage().getMax() > 0) {
          assertThat(p.getCollectionUsageThreshold()).as(p.getName())
              .isEqualTo((long) (p.getUsage().getMax() * MemoryWatch.THRESHOLD));
        }
      }
    }
  }
}
