package org.groupcache4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.groupcache4j.ByteView;
import org.junit.jupiter.api.Test;

class LruStoreTest {
  private static final ByteView V = ByteView.copyOf(new byte[8]); // "kN" + 8 = 10 bytes per entry

  @Test
  void evictsTheLeastRecentlyUsedFirst() {
    LruStore s = new LruStore(30);
    s.put("k1", V);
    s.put("k2", V);
    s.put("k3", V);
    s.get("k1"); // k2 is now the oldest
    s.put("k4", V);
    assertThat(s.get("k2")).isNull();
    assertThat(s.get("k1")).isNotNull();
    assertThat(s.get("k3")).isNotNull();
    assertThat(s.get("k4")).isNotNull();
    assertThat(s.stats().evictions()).isEqualTo(1);
  }

  @Test
  void replacingAKeyMakesItMostRecent() {
    LruStore s = new LruStore(30);
    s.put("k1", V);
    s.put("k2", V);
    s.put("k3", V);
    s.put("k1", V);
    s.put("k4", V);
    assertThat(s.get("k2")).isNull();
    assertThat(s.get("k1")).isNotNull();
  }

  @Test
  void removeOldestDropsTheTail() {
    LruStore s = new LruStore(100);
    s.put("k1", V);
    s.put("k2", V);
    assertThat(s.removeOldest()).isTrue();
    assertThat(s.get("k1")).isNull();
    assertThat(s.removeOldest()).isTrue();
    assertThat(s.removeOldest()).isFalse();
    assertThat(s.bytes()).isZero();
  }
}
