package org.groupcache4j.bench.fault.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.groupcache4j.bench.fault.history.FaultSchedule.PlannedFault;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {
  private static final FaultSchedule.Timing TIMING = new FaultSchedule.Timing(Duration.ofSeconds(3), Duration.ofSeconds(4),
      Duration.ofSeconds(2), Duration.ofSeconds(4));

  @Test
  void aSeedGivesTheSameSchedule() {
    List<PlannedFault> a = FaultSchedule.plan(7, EnumSet.allOf(FaultKind.class), 10, TIMING);
    List<PlannedFault> b = FaultSchedule.plan(7, EnumSet.allOf(FaultKind.class), 10, TIMING);
    List<PlannedFault> c = FaultSchedule.plan(8, EnumSet.allOf(FaultKind.class), 10, TIMING);

    assertThat(a).isEqualTo(b).isNotEqualTo(c);
  }

  @Test
  void theGivenNumberOfEachKindWithinTheRanges() {
    List<PlannedFault> plan = FaultSchedule.plan(1, EnumSet.of(FaultKind.FREEZE, FaultKind.ONE_WAY), 50, TIMING);

    assertThat(FaultSchedule.count(plan)).containsOnlyKeys(FaultKind.FREEZE, FaultKind.ONE_WAY)
        .containsValues(50, 50);
    assertThat(plan).extracting(PlannedFault::id).doesNotHaveDuplicates();
    assertThat(plan).allSatisfy(f -> {
      assertThat(f.node()).isBetween(1, 3);
      assertThat(f.length()).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(4));
      assertThat(f.pauseBefore()).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
      if (f.kind() == FaultKind.ONE_WAY) {
        assertThat(f.other()).isBetween(1, 3).isNotEqualTo(f.node());
      }
    });
    assertThat(plan).extracting(PlannedFault::node).contains(1, 2, 3);
    assertThat(plan.subList(0, 10)).extracting(PlannedFault::kind).contains(FaultKind.FREEZE, FaultKind.ONE_WAY);
  }

  @Test
  void aRangeWithItsLeastLastIsRefused() {
    assertThatThrownBy(() -> new FaultSchedule.Timing(Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ZERO,
        Duration.ZERO)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the least first");
  }
}
