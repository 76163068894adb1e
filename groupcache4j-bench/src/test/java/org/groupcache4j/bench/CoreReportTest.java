package org.groupcache4j.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoreReportTest {
  @TempDir Path dir;

  @Test
  void writesRatiosAgainstThePeerOfTheSameRound() throws IOException {
    Path jmh = Files.writeString(dir.resolve("jmh.tsv"), LocalHitRunner.TSV_HEADER + "\n"
        + "1\tgroupGetTinyLfu\t2\t60\t60,60\n1\tgroupGetLru\t2\t20\t20\n1\tcaffeineGetIfPresent\t2\t100\t100\n"
        + "2\tgroupGetTinyLfu\t2\t40\t40\n2\tgroupGetLru\t2\t30\t30\n2\tcaffeineGetIfPresent\t2\t50\t50\n");
    Path mem = Files.writeString(dir.resolve("mem.tsv"), MemoryOverhead.TSV_HEADER + "\n"
        + "w-tinylfu\t268435456\t1\t10\t1\t1\t1.2000\t1.2\n"
        + "caffeine\t268435456\t1\t10\t1\t1\t1.1000\t1.1\n"
        + "lru\t268435456\t1\t10\t1\t1\t1.3000\t1.3\n");
    Path hits = Files.writeString(dir.resolve("hits.tsv"), "trace\taccesses\tdistinct\tcapacity\tpolicy\trun\thits\thit_ratio\n"
        + "web12.trace.xz\t1000\t10\t500\tlru\t1\t558\t0.558000\n"
        + "web12.trace.xz\t1000\t10\t500\tlru-sim\t1\t558\t0.558000\n"
        + "web12.trace.xz\t1000\t10\t500\tw-tinylfu\t1\t600\t0.600000\n"
        + "web12.trace.xz\t1000\t10\t500\tw-tinylfu\t2\t610\t0.610000\n"
        + "web12.trace.xz\t1000\t10\t500\tw-tinylfu-async\t1\t550\t0.550000\n"
        + "web12.trace.xz\t1000\t10\t500\tbelady\t1\t718\t0.718000\n"
        + "orm-busy.trace.xz\t2000\t20\t1000\tlru\t1\t1600\t0.800000\n"
        + "orm-busy.trace.xz\t2000\t20\t1000\tlru-sim\t1\t1600\t0.800000\n"
        + "orm-busy.trace.xz\t2000\t20\t1000\tw-tinylfu\t1\t1580\t0.790000\n"
        + "orm-busy.trace.xz\t2000\t20\t1000\tw-tinylfu-async\t1\t1570\t0.785000\n");
    Path out = dir.resolve("BENCHMARKS.md");
    Files.writeString(out, "# Bench\n\n<!-- other:begin -->\nkeep me\n<!-- other:end -->\n");

    CoreReport report = new CoreReport();
    report.jmh = jmh;
    report.memory = mem;
    report.hitRatio = hits;
    report.out = out;
    report.command = "run-core-benchmarks.sh";
    report.jmhSettings = "";
    report.memoryJvm = "-Xmx1g";
    report.load = "";
    report.duration = "";
    assertThat(report.call()).isZero();

    String md = Files.readString(out);
    assertThat(md).contains("keep me", "<!-- core:begin -->", "<!-- core:end -->", "run-core-benchmarks.sh");
    // ratios per round: 0.6 and 0.8 -> median 0.70; LRU 0.2 and 0.6 -> 0.40
    assertThat(md).contains("| `Group.get`, W-TinyLFU store | 50 (40–60) | 0.70 (0.60–0.80) | ≥ 0.5: met |");
    assertThat(md).contains("| `Group.get`, LRU store | 25 (20–30) | 0.40 (0.20–0.60) | ≥ 0.25: met |");
    assertThat(md).contains("| `Group`, W-TinyLFU | 10 | 1.200 | 1.091 | ≤ 1.25: met |");
    assertThat(md).contains("| `Group`, LRU | 10 | 1.300 | 1.182 | ≤ 1.25: **missed** |");
    assertThat(md).contains("| 500 | 0.5580 | 0.5580 | 0.6050 (0.6000–0.6100) | +0.0470 | 0.5500 | 0.7180 | 0.558 / 0.718 (matches) |");
    assertThat(md).contains("agree exactly", "headissue GmbH / cache2k, CC BY 4.0",
        "- `web12`: W-TinyLFU hits more often than LRU at 1 of 1 capacities (mean difference +0.0470); "
            + "with asynchronous maintenance, as in a `Group`, at 0 of 1 capacities (mean difference -0.0080).",
        "- `orm-busy`: W-TinyLFU hits more often than LRU at 0 of 1 capacities (mean difference -0.0100)",
        // (+0.0470 - 0.0100) / 2 and (-0.0080 - 0.0150) / 2
        "W-TinyLFU − LRU = +0.0185, and -0.0115 as a `Group` runs it. "
            + "**Neither policy is the better one on these traces taken together.**");
  }
}
