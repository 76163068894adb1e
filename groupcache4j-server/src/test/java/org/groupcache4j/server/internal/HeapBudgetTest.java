package org.groupcache4j.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.groupcache4j.server.internal.cli.ServeCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up check that the groups' budgets fit the heap. */
class HeapBudgetTest {
  private static final long HEAP = 1L << 30;

  @Test
  void aBudgetThatFitsPassesAndOneThatDoesNotSaysWhatWould() {
    assertThat(HeapBudget.refuse(0, HEAP)).isNull();
    assertThat(HeapBudget.refuse(HeapBudget.budgetFor(HEAP), HEAP)).isNull();
    assertThat(HeapBudget.refuse(1L << 30, HEAP)).contains("a cache budget of 1GiB needs about 1376 MiB of heap")
        .contains("-Xmx1376m").contains("at most 1024 MiB").contains("lower the budget to at most 742MiB");
  }

  @Test
  void budgetsTooLargeForArithmeticAreRefusedNotWrappedIntoFitting() throws Exception {
    long huge = 7_000_000L << 40; // 1.25 times it is past Long.MAX_VALUE
    assertThat(HeapBudget.refuse(huge, HEAP)).contains("a cache budget of 7000000TiB needs about 8796093022208 MiB");
    assertThat(HeapBudget.refuse(Long.MAX_VALUE, HEAP)).isNotNull();
  }

  @Test
  void theGroupsBudgetsAddUpWithoutWrapping(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("node.yaml"), "groups:\n"
        + "  a: {origin: 'synthetic:1', cache-bytes: 5000000TiB}\n"
        + "  b: {origin: 'synthetic:1', cache-bytes: 5000000TiB}\n");
    NodeConfig c = ServeCommand.configOf("--config", f.toString());
    assertThat(c.totalCacheBytes()).isEqualTo(Long.MAX_VALUE);
    assertThat(HeapBudget.refuse(c.totalCacheBytes(), HEAP)).isNotNull();
  }
}
