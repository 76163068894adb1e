package org.groupcache4j.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading the pauses of a GC log within the mix's window. */
class GcPausesTest {
  private static final List<String> LOG = List.of(
      "[60.813s][info ][gc       ] GC(17) Pause Full (System.gc()) 4893M->2646M(12288M) 40.358ms",
      "[60.900s][info ][gc,phases] GC(18)   Evacuate Collection Set: 13.6ms",
      "[66.394s][info ][gc       ] GC(18) Pause Young (Normal) (G1 Evacuation Pause) 5686M->2817M(12288M) 6.553ms",
      "[70.100s][info ][gc       ] GC(19) Pause Remark 3000M->2900M(12288M) 1.500ms",
      "[121.500s][info ][gc       ] GC(20) Pause Young (Normal) (G1 Evacuation Pause) 5686M->2817M(12288M) 9.000ms");

  @Test
  void aPauseCountsWhereItBeganNotWhereItsLineWasLogged() {
    // the mix's window opened as the System.gc() before it ended: that collection began before it
    GcPauses.Pauses p = GcPauses.Pauses.read(LOG, 60.800, 121.495);

    assertThat(p.millis()).containsExactly(1.5, 6.553, 9.0);
    assertThat(p.full()).isZero();
    assertThat(p.percentile(0.5)).isEqualTo(6.553);
    assertThat(p.total()).isEqualTo(17.053, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void aFullCollectionInTheWindowIsCounted() {
    GcPauses.Pauses p = GcPauses.Pauses.read(LOG, 60.0, 61.0);

    assertThat(p.millis()).containsExactly(40.358);
    assertThat(p.full()).isEqualTo(1);
  }
}
