package org.groupcache4j.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shape of the documentation: a short README whose first commands are the demo and the test
 * suite (the one CI runs), the pages of docs/, and blocks that the other tests can run: each has
 * a language, each java or bash block is run or marked as an illustration with its reason, and
 * each marker is one the tests know.
 */
class DocsLayoutTest {
  /** Runnable languages; every other block is text a reader reads (configuration, output, formats). */
  private static final Set<String> READ_ONLY = Set.of("text", "json", "yaml", "xml", "protobuf", "properties",
      "dockerfile", "http", "go");
  private static final List<String> PAGES = List.of("docs/README.md", "docs/getting-started.md", "docs/embedding.md",
      "docs/server.md", "docs/operations.md", "docs/security.md", "docs/protocol.md", "docs/performance.md",
      "docs/development.md", "docs/spring.md");

  private final Path root = Docs.root();

  @Test
  void theReadmeIsShortAndStartsWithTheDemoAndTheTests() throws IOException {
    Page readme = Docs.page("README.md");
    assertThat(readme.lines().size()).as("README.md lines (the reference lives in docs/)").isLessThanOrEqualTo(150);
    List<Page.Block> blocks = readme.blocks();
    assertThat(blocks.get(0).text().strip()).as("README.md's first block").startsWith("./groupcache4j demo");
    assertThat(blocks.get(1).text().strip()).as("README.md's second block").isEqualTo("mvn -B verify");
    // The first 'mvn ... verify' of README.md is the command a newcomer runs: CI must run the same.
    Matcher first = Pattern.compile("(mvn|\\./mvnw)[^`\n]*(verify|test)[^`\n]*")
        .matcher(Files.readString(readme.file(), StandardCharsets.UTF_8));
    assertThat(first.find()).isTrue();
    String ci = Files.readString(root.resolve(".ci/run"), StandardCharsets.UTF_8);
    assertThat(ci).as(".ci/run runs the README's test command").contains(first.group());
  }

  @Test
  void theDocsHaveAPagePerTopic() {
    List<String> names = Docs.pages().stream().map(Page::name).toList();
    assertThat(names).containsAll(PAGES);
  }

  @Test
  void everyPageIsWellFormed() {
    List<String> problems = new ArrayList<>();
    for (Page page : Docs.pages()) {
      problems.addAll(page.problems());
      Page.Block previous = null;
      for (Page.Block b : page.blocks()) {
        String at = b.where() + ": ";
        if (b.lang().isEmpty()) {
          problems.add(at + "a code block without a language: write ```bash for commands (then it is run), "
              + "```text for output, or the format's name");
        } else if (!b.lang().equals("java") && !b.lang().equals("bash") && !READ_ONLY.contains(b.lang())) {
          problems.add(at + "language '" + b.lang() + "': use bash for shell commands (sh, shell and console "
              + "are not run), or one of " + READ_ONLY);
        }
        if (b.has("context") && !b.lang().equals("java")) {
          problems.add(at + "'context' applies to java blocks");
        }
        if (b.has("exit") && !b.lang().equals("bash")) {
          problems.add(at + "'exit' applies to bash blocks");
        }
        if (b.has("exit") && !b.marker("exit").matches("\\d+")) {
          problems.add(at + "'exit' takes a number");
        }
        if (b.has("file") && !b.marker("file").matches("[\\w.-]+(/[\\w.-]+)*")) {
          problems.add(at + "'file' takes a relative path of plain names, e.g. node.yaml or tls/ca.crt");
        }
        if (b.has("output") && (previous == null || !previous.runnable())) {
          problems.add(at + "'output' follows a block that is not run");
        }
        if (b.has("illustration") && (b.has("output") || b.has("file"))) {
          problems.add(at + "an illustration is not run: it has no 'output' or 'file'");
        }
        previous = b;
      }
      int open = 0;
      for (Page.Item item : page.items()) {
        if (item instanceof Page.MarkerItem m && m.marker().name().equals("begin")) {
          open++;
        } else if (item instanceof Page.MarkerItem m && m.marker().name().equals("end")) {
          open--;
        }
      }
      if (open != 0) {
        problems.add(page.name() + ": 'begin' and 'end' markers do not pair");
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void dependencySnippetsNameModulesOfThisBuildAtItsVersion() throws IOException {
    String pom = Files.readString(root.resolve("pom.xml"), StandardCharsets.UTF_8);
    Matcher v = Pattern.compile("<artifactId>groupcache4j-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
    assertThat(v.find()).isTrue();
    Pattern dependency = Pattern.compile("<groupId>org\\.groupcache4j</groupId>\\s*<artifactId>([^<]+)</artifactId>"
        + "\\s*<version>([^<]+)</version>");
    int seen = 0;
    for (Page page : Docs.pages()) {
      for (Page.Block b : page.blocks()) {
        if (!b.lang().equals("xml")) {
          continue;
        }
        Matcher d = dependency.matcher(b.text());
        while (d.find()) {
          seen++;
          assertThat(root.resolve(d.group(1)).resolve("pom.xml")).as("%s names module %s", b.where(), d.group(1))
              .isRegularFile();
          assertThat(d.group(2)).as("%s: the version of %s", b.where(), d.group(1)).isEqualTo(v.group(1));
        }
      }
    }
    assertThat(seen).as("dependency snippets in the docs").isPositive();
    for (Page page : Docs.pages()) {
      Matcher prose = Pattern.compile("version `([^`]+)`").matcher(String.join("\n", page.lines()));
      while (prose.find()) {
        assertThat(prose.group(1)).as("%s names the version", page.name()).isEqualTo(v.group(1));
      }
    }
  }
}
