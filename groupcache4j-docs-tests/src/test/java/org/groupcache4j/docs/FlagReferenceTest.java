package org.groupcache4j.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The flag reference in docs/server.md is what the source of each command's help makes of it
 * ({@link FlagReference}), and lists the flags {@code COMMAND --help} prints, no more, no less. When a flag changes, run
 * this test once with {@code -Ddocs.regenerate=true} to write the new table into the page, and
 * read the change before committing it.
 */
class FlagReferenceTest {
  private static final Pattern HELP_FLAG = Pattern.compile("(?m)^\\s{2,}(?:-\\w, )?(--(?:\\[no-\\])?[a-z][\\w-]*)");
  /** The flag of a table row: {@code | `--self URL` |}, {@code | `-v, --verbose` |}, {@code | `--[no-]hot-store` |}. */
  private static final Pattern TABLE_FLAG = Pattern.compile("^\\| `(?:-\\w, )?(--(?:\\[no-\\])?[a-z][\\w-]*)");

  @ParameterizedTest
  @ValueSource(strings = {"serve", "demo", "ring"})
  void theReferenceIsTheCommandsModel(String command) throws IOException {
    Page page = Docs.page("docs/server.md");
    String region = command + "-flags";
    List<String> lines = page.lines();
    int begin = markerLine(page, "begin", region);
    int end = markerLine(page, "end", region);
    assertThat(begin).as("docs/server.md has <!-- begin: %s --> and <!-- end: %s -->", region, region)
        .isPositive().isLessThan(end);
    String inPage = String.join("\n", lines.subList(begin, end - 1)).strip() + "\n";
    String generated = FlagReference.markdown(command);
    if (!inPage.equals(generated) && Boolean.getBoolean("docs.regenerate")) {
      List<String> out = new ArrayList<>(lines.subList(0, begin));
      out.add("");
      out.addAll(generated.lines().toList());
      out.add("");
      out.addAll(lines.subList(end - 1, lines.size()));
      Files.writeString(page.file(), String.join("\n", out) + "\n", StandardCharsets.UTF_8);
      return;
    }
    assertThat(inPage).as("the flag reference of '%s' in docs/server.md (lines %d-%d) differs from the CLI's; "
        + "write the CLI's with: mvn -B -o -q -pl groupcache4j-docs-tests -am verify -Dtest=FlagReferenceTest "
        + "-Dsurefire.failIfNoSpecifiedTests=false -Ddocs.regenerate=true", command, begin, end).isEqualTo(generated);
  }

  @ParameterizedTest
  @ValueSource(strings = {"serve", "demo", "ring"})
  void theReferenceListsTheFlagsTheHelpPrints(String command) {
    Set<String> inHelp = new LinkedHashSet<>();
    Matcher m = HELP_FLAG.matcher(FlagReference.help(command));
    while (m.find()) {
      inHelp.add(m.group(1).replace("[no-]", ""));
    }
    inHelp.removeAll(Set.of("--help", "--version")); // every command's, said once on the page
    Page page = Docs.page("docs/server.md");
    List<String> lines = page.lines();
    Set<String> inDocs = new LinkedHashSet<>();
    for (String row : lines.subList(markerLine(page, "begin", command + "-flags"), markerLine(page, "end", command + "-flags"))) {
      Matcher d = TABLE_FLAG.matcher(row);
      if (d.find()) {
        inDocs.add(d.group(1).replace("[no-]", ""));
      }
    }
    assertThat(inHelp).as("flags in '%s --help'", command).isNotEmpty();
    assertThat(inDocs).as("flags of '%s' in docs/server.md against '%s --help'", command, command)
        .containsExactlyInAnyOrderElementsOf(inHelp);
  }

  /** The line number of {@code <!-- NAME: VALUE -->} on {@code page}, or -1. */
  private static int markerLine(Page page, String name, String value) {
    return page.items().stream().filter(i -> i instanceof Page.MarkerItem m && m.marker().name().equals(name)
        && m.marker().value().equals(value)).map(i -> ((Page.MarkerItem) i).marker().line()).findFirst().orElse(-1);
  }
}
