package org.groupcache4j.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RingBalanceTest {
  @Test
  void writesItsSectionAndTheSameSectionTwice(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("BENCHMARKS.md");
    Files.writeString(out, "# benchmarks\n\n<!-- core:begin -->\nkept\n<!-- core:end -->\n");
    String[] args = {"--nodes", "3,10", "--keys", "20000", "--trials", "1", "--no-candidates", "--out", out.toString()};
    assertThat(new CommandLine(new RingBalance()).execute(args)).isZero();
    String first = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(first).contains("kept").contains("<!-- ring-balance:begin -->").contains("<!-- ring-balance:end -->");
    for (String mode : List.of("golang", "mailgun", "groupcache-go", "balanced")) {
      assertThat(first).contains("| " + mode + " | 3 |").contains("| " + mode + " | 10 |");
    }
    // the balanced ring's busiest peer, from the table: within its bound
    String balanced10 = first.lines().filter(l -> l.startsWith("| balanced | 10 |")).findFirst().orElseThrow();
    assertThat(Double.parseDouble(balanced10.split("\\|")[3].trim())).isLessThanOrEqualTo(1.04);
    assertThat(new CommandLine(new RingBalance()).execute(args)).isZero();
    assertThat(Files.readString(out, StandardCharsets.UTF_8)).isEqualTo(first);
  }

  @Test
  void readsJmhCsvIntoRatiosAgainstGolang() {
    List<String> csv = List.of(
        "\"Benchmark\",\"Mode\",\"Threads\",\"Samples\",\"Score\",\"Score Error (99.9%)\",\"Unit\",\"Param: mode\",\"Param: peers\"",
        "\"org.groupcache4j.bench.RingLookupBenchmark.owner\",\"thrpt\",1,10,20000000.0,500000.0,\"ops/s\",golang,3",
        "\"org.groupcache4j.bench.RingLookupBenchmark.owner\",\"thrpt\",1,10,30000000.0,600000.0,\"ops/s\",balanced,3",
        "\"org.groupcache4j.bench.RingLookupBenchmark.owner\",\"thrpt\",1,10,10000000.0,NaN,\"ops/s\",golang,1000");
    String s = RingBalance.lookupSection(csv, "Measured on a test.");
    assertThat(s).contains("| 3 peers | 1,000 peers |")
        .contains("| golang | 20.0 ± 0.5 M/s (1.00×) | 10.0 ± NaN M/s (1.00×) |")
        .contains("| balanced | 30.0 ± 0.6 M/s (1.50×) | — |")
        .contains("| mailgun | — | — |")
        .contains("Measured on a test.");
    assertThatThrownBy(() -> RingBalance.lookupSection(List.of("a,b"), ""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a JMH CSV");
  }
}
