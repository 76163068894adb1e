package org.groupcache4j.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every java block of README.md and docs/ that is not marked as an illustration compiles against
 * the modules and runs to its end, printing what the page shows after it (see {@link JavaExamples}).
 * One test per block, named by its page and line.
 */
class JavaExamplesTest {
  @TempDir
  static Path classes;

  @TestFactory
  Stream<DynamicTest> everyJavaBlockCompilesAndRuns() {
    List<JavaExamples.Example> examples = JavaExamples.collect(Docs.pages());
    assertThat(examples).as("java blocks in the docs").isNotEmpty();
    Map<JavaExamples.Example, String> errors = JavaExamples.compile(examples, classes);
    return examples.stream().map(e -> dynamicTest(e.where(), () -> {
      assertThat(errors.get(e)).as("%s does not compile; source as compiled:%n%s", e.where(),
          JavaExamples.numbered(e.source())).isNull();
      String printed = JavaExamples.run(e, classes);
      if (e.expectedOutput() != null) {
        String mismatch = Output.mismatch(e.expectedOutput(), printed);
        assertThat(mismatch).as("%s prints what the page shows after it", e.where()).isNull();
      }
    }));
  }
}
