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
        + "2\tgroupGetTinyLfu\t2\t40\t40\n2\tgroupGetLru\t2\t30\t30\n2\tcaffeineGetIfPresent\t2\t50\t50\n"
        + "1\tgroupGetCompact\t2\t54\t54\n2\tgroupGetCompact\t2\t30\t30\n"
        + "1\tgroupGetCompact\t1\t9\t9\n1\tgroupGetTinyLfu\t1\t10\t10\n1\tcaffeineGetIfPresent\t1\t20\t20\n");
    Path mem = Files.writeString(dir.resolve("mem.tsv"), MemoryOverhead.TSV_HEADER + "\n"
        + "w-tinylfu\t268435456\t1\t10\t1\t1\t1.2000\t1.2\t1\t1.2000\t7.0\t1024\t14\n"
        + "caffeine\t268435456\t1\t10\t1\t1\t1.1000\t1.1\t1\t1.1000\t5.0\t1024\t14\n"
        + "lru\t268435456\t1\t10\t1\t1\t1.3000\t1.3\t1\t1.3000\t7.0\t1024\t14\n"
        + "compact\t268435456\t1\t9\t1\t1\t1.0100\t1.0\t1\t1.0500\t0.0100\t1024\t14\n"
        + "compact\t268435456\t1\t30\t1\t1\t1.0100\t1.0\t1\t1.2500\t0.0040\t100\t8-16\n"
        + "w-tinylfu\t268435456\t1\t40\t1\t1\t2.9000\t2.9\t1\t2.9000\t7.0\t100\t8-16\n"
        + "caffeine\t268435456\t1\t40\t1\t1\t2.5000\t2.5\t1\t2.5000\t5.0\t100\t8-16\n");
    Path gc = Files.writeString(dir.resolve("gc.tsv"), ""
        + "compact\t20000000\t19999000\t12884901888\t100.0\t120.000\t180.000\t6000000\t100000\t30\t2.000\t8.000\t9.000\t0\t80.0\t10\n"
        + "w-tinylfu\t20000000\t20000000\t12884901888\t150.0\t170.000\t230.000\t3000000\t50000\t20\t40.000\t300.000\t400.000\t1\t900.0\t200\n");
    Path fill = Files.writeString(dir.resolve("fill.tsv"), ServerFill.TSV_HEADER + "\n"
        + "compact\t1070000\t1070000\t119000000\t150000000\t150000000\t1.2600\t0.0030\t100\t8-16\t60.0\n"
        + "w-tinylfu\t1070000\t1070000\t119000000\t119000000\t327000000\t2.7500\t7.0000\t100\t8-16\t60.0\n");
    Path hits = Files.writeString(dir.resolve("hits.tsv"), "trace\taccesses\tdistinct\tcapacity\tpolicy\trun\thits\thit_ratio\n"
        + "web12.trace.xz\t1000\t10\t500\tlru\t1\t558\t0.558000\n"
        + "web12.trace.xz\t1000\t10\t500\tlru-sim\t1\t558\t0.558000\n"
        + "web12.trace.xz\t1000\t10\t500\tw-tinylfu\t1\t600\t0.600000\n"
        + "web12.trace.xz\t1000\t10\t500\tw-tinylfu\t2\t610\t0.610000\n"
        + "web12.trace.xz\t1000\t10\t500\tw-tinylfu-async\t1\t550\t0.550000\n"
        + "web12.trace.xz\t1000\t10\t500\tbelady\t1\t718\t0.718000\n"
        + "web12.trace.xz\t1000\t10\t500\tcompact\t1\t596\t0.596000\n"
        + "orm-busy.trace.xz\t2000\t20\t1000\tlru\t1\t1600\t0.800000\n"
        + "orm-busy.trace.xz\t2000\t20\t1000\tlru-sim\t1\t1600\t0.800000\n"
        + "orm-busy.trace.xz\t2000\t20\t1000\tw-tinylfu\t1\t1580\t0.790000\n"
        + "orm-busy.trace.xz\t2000\t20\t1000\tw-tinylfu-async\t1\t1570\t0.785000\n"
        + "orm-busy.trace.xz\t2000\t20\t1000\tcompact\t1\t1550\t0.775000\n");
    Path out = dir.resolve("BENCHMARKS.md");
    Files.writeString(out, "# Bench\n\n<!-- other:begin -->\nkeep me\n<!-- other:end -->\n");

    CoreReport report = new CoreReport();
    report.jmh = jmh;
    report.memory = mem;
    report.hitRatio = hits;
    report.gcPauses = gc;
    report.serverFill = fill;
    report.gcJvm = "-Xmx12g -XX:+UseG1GC";
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
    assertThat(md).contains("| 2 | `Group.get`, W-TinyLFU store | 50 (40–60) | 0.70 (0.60–0.80) |  | ≥ 0.5 of Caffeine: met |");
    assertThat(md).contains("| 2 | `Group.get`, LRU store | 25 (20–30) | 0.40 (0.20–0.60) |  | ≥ 0.25 of Caffeine: met |");
    // compact ÷ W-TinyLFU per round: 54/60 = 0.9 and 30/40 = 0.75 -> 0.825
    assertThat(md).contains("| 2 | `Group.get`, compact store | 42 (30–54) | 0.57 (0.54–0.60) | 0.83 (0.75–0.90) | ≥ 0.8 of W-TinyLFU: met |");
    assertThat(md).contains("| 1 | `Group.get`, compact store | 9 | 0.45 | 0.90 | ≥ 0.8 of W-TinyLFU: met |");
    assertThat(md).contains("1024-byte values, 14-byte keys:", "100-byte values, 8-16-byte keys:");
    assertThat(md).contains("| `Group`, W-TinyLFU | 10 | 1.200 | 1.200 | 7.0000 | 1.091 | ≤ 1.25 of budget: met |");
    assertThat(md).contains("| `Group`, LRU | 10 | 1.300 | 1.300 | 7.0000 | 1.182 | ≤ 1.25 of budget: **missed** |");
    assertThat(md).contains("| `Group`, compact | 9 | 1.050 | 1.010 | 0.0100 | 0.955 | ≤ 1.08 of payload, ≤ 0.01 objects: met |");
    assertThat(md).contains("| `Group`, compact | 30 | 1.250 | 1.010 | 0.0040 | 0.500 | ≤ 1.35 of payload, ≤ 0.01 objects: met |");
    assertThat(md).contains("| compact | 1070000 | 1.260 | 0.0030 | 0.458 | ≤ 1.35, ≤ 0.01 objects: met |");
    assertThat(md).contains("| compact | 10 ms | 19999000 | 100,000 | 30 | 2.000 | 8.000 | 9.000 | 0 | p99 ≤ 10 ms, no full GC: met |");
    assertThat(md).contains("| W-TinyLFU | 200 ms (default) | 20000000 | 50,000 | 20 | 40.000 | 300.000 | 400.000 | 1 |  |");
    assertThat(md).contains("| 500 | 0.5580 | 0.5580 | 0.6050 (0.6000–0.6100) | +0.0470 | 0.5500 | 0.5960 | -0.0090 | 0.7180 | 0.558 / 0.718 (matches) |");
    assertThat(md).contains("| 1000 | 0.8000 | 0.8000 | 0.7900 | -0.0100 | 0.7850 | 0.7750 | -0.0150 (**below**) |  |");
    assertThat(md).contains("- The compact store is within 0.01 of W-TinyLFU, or above it, at 1 of 2 trace sizes: **missed**.");
    assertThat(md).contains("agree exactly", "headissue GmbH / cache2k, CC BY 4.0",
        "- `web12`: W-TinyLFU hits more often than LRU at 1 of 1 capacities (mean difference +0.0470); "
            + "with asynchronous maintenance, as in a `Group`, at 0 of 1 capacities (mean difference -0.0080).",
        "- `orm-busy`: W-TinyLFU hits more often than LRU at 0 of 1 capacities (mean difference -0.0100)",
        // (+0.0470 - 0.0100) / 2 and (-0.0080 - 0.0150) / 2
        "W-TinyLFU − LRU = +0.0185, and -0.0115 as a `Group` runs it. "
            + "**Neither policy is the better one on these traces taken together.**");
  }

  @Test
  void anUntimedRunSaysWhichFiguresItLeftOut() throws IOException {
    Path mem = Files.writeString(dir.resolve("mem-untimed.tsv"), MemoryOverhead.TSV_HEADER + "\n"
        + "compact\t268435456\t1\t30\t1\t1\t1.0100\t1.0\t1\t1.2500\t0.0040\t100\t8-16\n"
        + "w-tinylfu\t268435456\t1\t40\t1\t1\t2.9000\t2.9\t1\t2.9000\t7.0\t100\t8-16\n");
    Path hits = Files.writeString(dir.resolve("hits-untimed.tsv"), ""
        + "orm-busy.trace.xz\t2000\t20\t1000\tlru\t1\t1600\t0.800000\n"
        + "orm-busy.trace.xz\t2000\t20\t1000\tlru-sim\t1\t1600\t0.800000\n"
        + "orm-busy.trace.xz\t2000\t20\t1000\tw-tinylfu\t1\t1580\t0.790000\n"
        + "orm-busy.trace.xz\t2000\t20\t1000\tw-tinylfu-async\t1\t1570\t0.785000\n"
        + "orm-busy.trace.xz\t2000\t20\t1000\tcompact\t1\t1578\t0.789000\n");
    Path out = dir.resolve("BENCHMARKS-untimed.md");
    CoreReport report = new CoreReport();
    report.memory = mem;
    report.hitRatio = hits;
    report.gcJvm = "";
    report.out = out;
    report.command = "run-core-benchmarks.sh --untimed";
    report.jmhSettings = "";
    report.memoryJvm = "";
    report.load = "";
    report.duration = "";
    assertThat(report.call()).isZero();

    String md = Files.readString(out);
    assertThat(md).contains("### Local hit path (JMH)\n\nNot measured in this run (`--untimed`",
        "### Collection pauses\n\nNot measured in this run (`--untimed`)",
        "| `Group`, compact | 30 | 1.250 | 1.010 | 0.0040 | n/a | ≤ 1.35 of payload, ≤ 0.01 objects: met |",
        "- The compact store is within 0.01 of W-TinyLFU, or above it, at 1 of 1 trace sizes: met.");
    assertThat(md).doesNotContain("ops/s");
  }

  @Test
  void anUntimedRunKeepsTheLocalHitPathOfTheTimedRunBeforeItAndSaysFromWhen() throws IOException {
    Path mem = Files.writeString(dir.resolve("mem-kept.tsv"),
        "compact\t268435456\t1\t30\t1\t1\t1.0100\t1.0\t1\t1.2500\t0.0040\t100\t8-16\n");
    Path hits = Files.writeString(dir.resolve("hits-kept.tsv"),
        "orm-busy.trace.xz\t2000\t20\t1000\tlru\t1\t1600\t0.800000\n"
        + "orm-busy.trace.xz\t2000\t20\t1000\tlru-sim\t1\t1600\t0.800000\n");
    Path out = Files.writeString(dir.resolve("BENCHMARKS-kept.md"), "# groupcache4j benchmarks\n\n<!-- core:begin -->\n"
        + "## Core: one node\n\nMeasured 2026-11-26 16:37 UTC (5 min 9 s) with\n\n```\nrun-core-benchmarks.sh --skip-build\n```\n\n"
        + "| machine | |\n|---|---|\n| CPUs (`nproc`) | 2 |\n| CPU model | Intel(R) Xeon(R) Processor |\n\n"
        + "### Local hit path (JMH)\n\n`LocalHitBenchmark`: 2 threads.\n\n| benchmark | ops/s |\n|---|---|\n| `Group.get` | 15 |\n\n"
        + "### Memory per cached byte\n\nold\n<!-- core:end -->\n");
    for (int run = 1; run <= 2; run++) { // the second untimed run keeps what the first kept, said once
      CoreReport report = new CoreReport();
      report.memory = mem;
      report.hitRatio = hits;
      report.gcJvm = "";
      report.out = out;
      report.command = "run-core-benchmarks.sh --untimed";
      report.jmhSettings = "";
      report.memoryJvm = "";
      report.load = "";
      report.duration = "";
      report.measuredAt = java.time.ZonedDateTime.parse("2026-12-05T12:53Z");
      assertThat(report.call()).isZero();

      String md = Files.readString(out);
      assertThat(md).contains("Measured 2026-12-05 12:53 UTC", "run-core-benchmarks.sh --untimed",
          "### Local hit path (JMH)\n\nNot measured in this run (`--untimed`",
          "The figures below are from the run of 2026-11-26 16:37 UTC (`run-core-benchmarks.sh --skip-build`) on "
              + "Intel(R) Xeon(R) Processor (2 CPUs), kept until the next timed run:\n\n`LocalHitBenchmark`: 2 threads.\n\n| benchmark | ops/s |\n|---|---|\n"
              + "| `Group.get` | 15 |\n\n### Memory per cached byte");
      assertThat(md.split("The figures below are", -1)).hasSize(2);
      assertThat(md).doesNotContain("\nold\n");
    }
  }
}
