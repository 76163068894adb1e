package org.groupcache4j.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every bash block of README.md and docs/ that is not marked as an illustration, run as a reader
 * runs it: each page in a shell of its own ({@link ShellSession}), its blocks in page order,
 * against real node processes started from the jar this build made. Pages run side by side (each
 * on free ports of its own); the result of each block is then one test, named by its page and
 * line. A block fails if a command in it fails, if it prints other than the output block the page
 * shows after it, or if the node it starts does not answer.
 */
class ShellExamplesIT {
  /**
   * Pages run at once. Most of a page's time is JVMs starting, which is CPU-bound: two pages keep
   * two cores busy through the waits of either (a node to answer, a change to be noticed), where
   * more would only slow each other's JVMs down.
   */
  private static final int PARALLEL_PAGES = 2;

  /** What became of one block, or of a Ctrl-C between blocks. */
  private record Step(String name, String failure) {}

  @TestFactory
  Stream<DynamicContainer> everyShellBlockRuns() throws Exception {
    Path root = Docs.root();
    Path jar = Path.of(System.getProperty("groupcache4j.jar", root.resolve(
        "groupcache4j-server/target/groupcache4j-server.jar").toString()));
    assertThat(jar).as("the server's runnable jar, made in the server module's package phase").isRegularFile();
    // -Ddocs.pages=docs/server.md,README.md runs only these pages (while writing one).
    List<String> only = List.of(System.getProperty("docs.pages", "").split(","));
    List<Page> pages = Docs.pages().stream().filter(p -> p.blocks().stream()
        .anyMatch(b -> b.lang().equals("bash") && b.runnable()))
        .filter(p -> only.equals(List.of("")) || only.contains(p.name()))
        .sorted(Comparator.comparingInt(ShellExamplesIT::weight).reversed()).toList();
    assertThat(pages).as("pages with shell examples").isNotEmpty();
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_PAGES);
    Map<Page, Future<List<Step>>> runs = new LinkedHashMap<>();
    try {
      for (Page page : pages) {
        runs.put(page, pool.submit(() -> run(page, root, jar)));
      }
      List<DynamicContainer> containers = new ArrayList<>();
      for (Map.Entry<Page, Future<List<Step>>> e : runs.entrySet()) {
        List<Step> steps = e.getValue().get();
        containers.add(dynamicContainer(e.getKey().name(), steps.stream().map(s -> dynamicTest(s.name(), () ->
            assertThat(s.failure()).as(s.name()).isNull()))));
      }
      return containers.stream();
    } finally {
      pool.shutdownNow();
    }
  }

  /** About how long a page takes, so that the longest start first: its commands, a node counting for several. */
  private static int weight(Page page) {
    int w = 0;
    for (Page.Block b : page.blocks()) {
      if (b.lang().equals("bash") && b.runnable()) {
        w += 1 + 5 * (b.text().split("groupcache4j (serve|demo)", -1).length - 1);
      }
    }
    return w;
  }

  private static List<Step> run(Page page, Path root, Path jar) throws Exception {
    List<Step> steps = new ArrayList<>();
    try (ShellSession session = new ShellSession(page, root, jar)) {
      String broken = null;
      List<Page.Block> blocks = page.blocks();
      for (Page.Item item : page.items()) {
        if (item instanceof Page.MarkerItem m && m.marker().name().equals("ctrl-c")) {
          String name = page.name() + ":" + m.marker().line() + " Ctrl-C";
          if (broken != null) {
            steps.add(new Step(name, "not run: " + broken + " failed before it"));
            continue;
          }
          String failure = session.ctrlC();
          steps.add(new Step(name, failure == null ? null : failure + "\n" + session.logs()));
          continue;
        }
        if (!(item instanceof Page.BlockItem bi)) {
          continue;
        }
        Page.Block b = bi.block();
        if (b.has("file")) {
          session.writeFile(b);
          continue;
        }
        if (!b.lang().equals("bash") || !b.runnable()) {
          continue;
        }
        if (broken != null) {
          steps.add(new Step(b.where(), "not run: " + broken + " failed before it"));
          continue;
        }
        int i = blocks.indexOf(b);
        String expected = i + 1 < blocks.size() && blocks.get(i + 1).has("output") ? blocks.get(i + 1).text() : null;
        ShellSession.Result r = session.run(b);
        String failure = r.failure();
        if (failure == null && expected != null) {
          String mismatch = Output.mismatch(session.expected(expected), r.output());
          failure = mismatch == null ? null : "it prints other than the output block after it: " + mismatch;
        }
        if (failure != null) {
          broken = b.where();
          session.keep();
          failure = failure + "\n--- the block as run (in " + session.dir() + ", kept; ports " + session.ports() + "):\n"
              + r.text() + "--- what it printed:\n" + r.output() + session.logs();
        }
        steps.add(new Step(b.where(), failure));
      }
    } catch (Exception | AssertionError e) {
      steps.add(new Step(page.name() + " (session)", "the page's shell session failed: " + e));
    }
    return steps;
  }
}
