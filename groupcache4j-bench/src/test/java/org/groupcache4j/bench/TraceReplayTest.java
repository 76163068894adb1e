package org.groupcache4j.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.groupcache4j.bench.TraceReplay.Policy;
import org.groupcache4j.bench.TraceReplay.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;
import picocli.CommandLine;

class TraceReplayTest {
  @TempDir Path dir;

  private Path trace(int... keys) throws IOException {
    Path file = dir.resolve("t.trace.xz");
    try (OutputStream xz = new XZOutputStream(Files.newOutputStream(file), new LZMA2Options());
        DataOutputStream out = new DataOutputStream(xz)) {
      for (int k : keys) {
        out.writeInt(k);
      }
    }
    return file;
  }

  @Test
  void replaysEveryPolicyAtEveryCapacity() {
    int[] keys = {1, 2, 3, 1, 2, 4, 1, 2};
    List<Result> results = TraceReplay.replay("t", keys, List.of(2, 4), EnumSet.allOf(Policy.class), 3);

    // 5 deterministic policies (compact among them) once, the 2 W-TinyLFU variants 3 times each, at 2 capacities
    assertThat(results).hasSize(2 * (5 + 2 * 3));
    assertThat(results).filteredOn(r -> r.capacity() == 2 && r.policy() == Policy.BELADY)
        .singleElement().satisfies(r -> assertThat(r.hits()).isEqualTo(2));
    assertThat(results).filteredOn(r -> r.capacity() == 2 && r.policy() == Policy.BELADY_BYPASS)
        .singleElement().satisfies(r -> assertThat(r.hits()).isEqualTo(4));
    // capacity 4 holds all 4 keys: only the cold misses miss
    assertThat(results).filteredOn(r -> r.capacity() == 4).allSatisfy(r -> assertThat(r.hits()).isEqualTo(4));
    assertThat(TraceReplay.lruDisagreement(results)).isNull();
  }

  @Test
  void reportsWhenTheTwoLrusDisagree() {
    List<Result> results = List.of(
        new Result("t", 10, 5, 3, Policy.LRU, 1, 4),
        new Result("t", 10, 5, 3, Policy.LRU_SIM, 1, 5));

    assertThat(TraceReplay.lruDisagreement(results)).contains("capacity 3", "4 times", "5 times");
  }

  @Test
  void commandLinePrintsTsv() throws IOException {
    Path file = trace(7, 8, 7, 8, 9, 7);
    String out = run(0, "--trace", file.toString(), "--capacity", "1,2", "--policy", "lru,lru-sim", "--tsv");

    assertThat(out.lines()).containsExactly(
        "trace\taccesses\tdistinct\tcapacity\tpolicy\trun\thits\thit_ratio",
        "t.trace.xz\t6\t3\t1\tlru\t1\t0\t0.000000",
        "t.trace.xz\t6\t3\t1\tlru-sim\t1\t0\t0.000000",
        "t.trace.xz\t6\t3\t2\tlru\t1\t2\t0.333333",
        "t.trace.xz\t6\t3\t2\tlru-sim\t1\t2\t0.333333");
  }

  @Test
  void commandLinePrintsATable() throws IOException {
    Path file = trace(7, 8, 7, 8, 9, 7);
    String out = run(0, "--trace", file.toString(), "--capacity", "2", "--policy", "belady");

    assertThat(out).contains("6 accesses, 3 distinct keys").containsPattern("2\\s+belady\\s+0\\.5000");
  }

  @Test
  void badArgumentsAreRefusedWithAReason() throws IOException {
    Path file = trace(1);
    assertThat(runErr(2, "--trace", file.toString(), "--capacity", "5", "--policy", "fifo"))
        .contains("unknown policy 'fifo'");
    assertThat(runErr(2, "--trace", file.toString(), "--capacity", "-5")).contains("capacity must be >= 0");
    assertThat(runErr(2, "--capacity", "5")).contains("--trace");
    assertThat(runErr(1, "--trace", dir.resolve("missing.xz").toString(), "--capacity", "5"))
        .contains("missing.xz").contains("not found");
  }

  private String run(int expectedExit, String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      assertThat(org.groupcache4j.bench.internal.Cli.run(new TraceReplay(), args)).isEqualTo(expectedExit);
    } finally {
      System.setOut(old);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private String runErr(int expectedExit, String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new TraceReplay()).setErr(new PrintWriter(err));
    cl.setExecutionExceptionHandler((ex, line, parsed) -> {
      line.getErr().println(ex.getMessage());
      return 1;
    });
    assertThat(cl.execute(args)).isEqualTo(expectedExit);
    return err.toString();
  }
}
