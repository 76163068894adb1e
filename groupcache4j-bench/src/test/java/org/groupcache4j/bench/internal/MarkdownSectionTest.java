package org.groupcache4j.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarkdownSectionTest {
  @TempDir Path dir;

  @Test
  void createsTheFileWithTitleAndMarkers() throws IOException {
    Path file = dir.resolve("BENCHMARKS.md");

    MarkdownSection.write(file, "Benchmarks", "core", "numbers");

    assertThat(Files.readString(file)).isEqualTo("# Benchmarks\n\n<!-- core:begin -->\nnumbers\n<!-- core:end -->\n");
  }

  @Test
  void replacesOnlyItsOwnSection() throws IOException {
    Path file = dir.resolve("BENCHMARKS.md");
    Files.writeString(file, "# B\n\nintro\n\n<!-- core:begin -->\nold\nlines\n<!-- core:end -->\n\n"
        + "<!-- cluster:begin -->\ncluster numbers\n<!-- cluster:end -->\ntail\n");

    MarkdownSection.write(file, "ignored", "core", "new\n");

    assertThat(Files.readString(file)).isEqualTo("# B\n\nintro\n\n<!-- core:begin -->\nnew\n<!-- core:end -->\n\n"
        + "<!-- cluster:begin -->\ncluster numbers\n<!-- cluster:end -->\ntail\n");
  }

  @Test
  void appendsMarkersWhenMissing() {
    assertThat(MarkdownSection.replace("# B\n\n<!-- cluster:begin -->\nx\n<!-- cluster:end -->\n", "core", "y"))
        .isEqualTo("# B\n\n<!-- cluster:begin -->\nx\n<!-- cluster:end -->\n\n<!-- core:begin -->\ny\n<!-- core:end -->\n");
  }

  @Test
  void refusesUnpairedOrRepeatedMarkers() {
    assertThatThrownBy(() -> MarkdownSection.replace("<!-- core:begin -->\nx\n", "core", "y"))
        .hasMessageContaining("unpaired or repeated");
    assertThatThrownBy(() -> MarkdownSection.replace("<!-- core:end -->\n<!-- core:begin -->\n", "core", "y"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MarkdownSection.replace(
        "<!-- core:begin -->\n<!-- core:end -->\n<!-- core:begin -->\n<!-- core:end -->\n", "core", "y"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void summaryGivesMedianAndRange() {
    assertThat(Summary.of(3, 1, 2)).isEqualTo(new Summary(2, 1, 3, 3));
    assertThat(Summary.of(4, 1, 2, 3).median()).isEqualTo(2.5);
    assertThat(Summary.of(0.5, 0.25, 1).format("%.2f")).isEqualTo("0.50 (0.25–1.00)");
    assertThat(Summary.of(0.5).format("%.2f")).isEqualTo("0.50");
  }
}
