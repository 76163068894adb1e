package org.groupcache4j.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class MachineInfoTest {
  private final MachineInfo m = new MachineInfo(2, "Some CPU", "7.8 GiB", "Linux 6.1 amd64", "OpenJDK 17");
  private final ZonedDateTime when = ZonedDateTime.of(2026, 11, 26, 15, 4, 0, 0, ZoneOffset.UTC);

  @Test
  void theReportHeaderSaysWhenForHowLongWithWhatCommandAndOnWhichMachine() {
    assertThat(m.reportHeader(when, "3 min 2 s", "bench --rounds 1", "1.00, 0.50, 0.25"))
        .isEqualTo("Measured 2026-11-26 15:04 Z (3 min 2 s) with\n\n```\nbench --rounds 1\n```\n\n"
            + "| machine | |\n|---|---|\n| CPUs (`nproc`) | 2 |\n| CPU model | Some CPU |\n| memory | 7.8 GiB |\n"
            + "| OS | Linux 6.1 amd64 |\n| JDK | OpenJDK 17 |\n| load average (1, 5, 15 min) | 1.00, 0.50, 0.25 |\n");
  }

  @Test
  void aBlankDurationAndLoadAreLeftOut() {
    assertThat(m.reportHeader(when, "", "bench", ""))
        .startsWith("Measured 2026-11-26 15:04 Z with\n\n```\nbench\n```\n\n| machine | |\n")
        .doesNotContain("load average");
  }
}
