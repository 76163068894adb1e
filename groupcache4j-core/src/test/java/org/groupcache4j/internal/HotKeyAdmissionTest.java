package org.groupcache4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HotKeyAdmissionTest {
  @Test
  void aKeyIsAdmittedOnItsSecondFetchAndOneOffKeysNever() {
    HotKeyAdmission a = new HotKeyAdmission(1 << 14, 2); // as a group sizes it
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
  }

  @Test
  void historyFadesSoOldPopularityMustBeEarnedAgain() {
    // 16 counters per row: every counter is halved at each 160th fetch; a key is admitted at its 3rd.
    HotKeyAdmission a = new HotKeyAdmission(16, 3);
    assertThat(a.recordFetchAndAdmit("old")).isFalse();
    assertThat(a.recordFetchAndAdmit("old")).isFalse();
    for (int i = 2; i < 159; i++) {
      a.recordFetchAndAdmit("noise"); // "noise" does not share all of old's counters
    }
    assertThat(a.recordFetchAndAdmit("old")).as("the 160th fetch: no halving before it").isTrue();
    // Halved (3 -> 1): old must be fetched twice more.
    assertThat(a.recordFetchAndAdmit("old")).isFalse();
    assertThat(a.recordFetchAndAdmit("old")).isTrue();
    for (int i = 2; i < 160 + 160; i++) {
      a.recordFetchAndAdmit("noise");
    }
    // Halved twice more (3 -> 1 -> 0): its old popularity is gone, three fetches to earn it again.
    assertThat(a.recordFetchAndAdmit("old")).isFalse();
    assertThat(a.recordFetchAndAdmit("old")).isFalse();
    assertThat(a.recordFetchAndAdmit("old")).isTrue();
  }

  @Test
  void theThresholdIsTheNumberOfFetchesThatAdmit() {
    HotKeyAdmission a = new HotKeyAdmission(1 << 10, 3);
    assertThat(a.recordFetchAndAdmit("k")).isFalse();
    assertThat(a.recordFetchAndAdmit("k")).isFalse();
    assertThat(a.recordFetchAndAdmit("k")).isTrue();
  }
}
