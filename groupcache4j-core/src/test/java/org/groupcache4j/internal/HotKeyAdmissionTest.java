package org.groupcache4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HotKeyAdmissionTest {
  @Test
  void aKeyIsAdmittedOnItsSecondFetchAndOneOffKeysNever() {
    HotKeyAdmission a = new HotKeyAdmission();
    int admittedOneOffs = 0;
    for (int i = 0; i < 5000; i++) {
      if (a.recordFetchAndAdmit("once-" + i)) {
        admittedOneOffs++;
      }
    }
    // A count-min sketch over-counts when all four of a key's counters collide with other keys:
    // with 5,000 keys in 16K-wide rows that is ~0.2% of one-off keys, far from groupcache's 10%.
    assertThat(admittedOneOffs).isLessThanOrEqualTo(25);
    assertThat(a.recordFetchAndAdmit("popular")).isFalse();
    assertThat(a.recordFetchAndAdmit("popular")).isTrue();
    assertThat(a.estimate("popular")).isEqualTo(2);
  }

  @Test
  void historyFadesSoOldPopularityMustBeEarnedAgain() {
    HotKeyAdmission a = new HotKeyAdmission(16, 2); // 16 counters per row: halved every 160 fetches
    a.recordFetchAndAdmit("old");
    a.recordFetchAndAdmit("old");
    assertThat(a.estimate("old")).isGreaterThanOrEqualTo(2);
    for (int i = 0; i < 2000; i++) {
      a.recordFetchAndAdmit("noise-" + (i % 3)); // saturate some counters, trigger many halvings
    }
    assertThat(a.estimate("old")).isLessThanOrEqualTo(15);
    HotKeyAdmission fresh = new HotKeyAdmission(1 << 10, 3);
    assertThat(fresh.recordFetchAndAdmit("k")).isFalse();
    assertThat(fresh.recordFetchAndAdmit("k")).isFalse();
    assertThat(fresh.recordFetchAndAdmit("k")).isTrue();
  }
}
