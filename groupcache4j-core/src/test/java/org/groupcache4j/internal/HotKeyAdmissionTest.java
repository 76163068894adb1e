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
    assertThat(a.recordFetchAndAdmit("old")).isFalse();
    assertThat(a.recordFetchAndAdmit("old")).isTrue();
    for (int i = 2; i < 159; i++) {
      a.recordFetchAndAdmit("noise");
    }
    // 159 fetches recorded: no halving yet, and "noise" does not share all of old's counters.
    assertThat(a.estimate("old")).isEqualTo(2);
    a.recordFetchAndAdmit("noise"); // the 160th: every counter is halved
    assertThat(a.estimate("old")).isEqualTo(1);
    for (int i = 0; i < 160; i++) {
      a.recordFetchAndAdmit("noise");
    }
    assertThat(a.estimate("old")).as("after a second halving").isZero();
    assertThat(a.recordFetchAndAdmit("old")).as("its old popularity is gone").isFalse();
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
