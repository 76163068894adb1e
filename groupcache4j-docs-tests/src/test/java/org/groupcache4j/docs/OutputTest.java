package org.groupcache4j.docs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What counts as printing what a page shows. */
class OutputTest {
  @Test
  void blanksAndEmptyLinesDoNotCountButEveryPrintedLineDoes() {
    assertThat(Output.mismatch("Tom  http://a\n\n630\n", "Tom\thttp://a\n630")).isNull();
    assertThat(Output.mismatch("630\n", "630\n631\n")).contains("printed more than the page shows");
    assertThat(Output.mismatch("630\n631\n", "630\n")).contains("«631» was not printed");
  }

  @Test
  void anEllipsisStandsForTextOrForLines() {
    assertThat(Output.mismatch("peer http://127.0.0.1:…\n", "peer http://127.0.0.1:8001")).isNull();
    assertThat(Output.mismatch("first\n…\nlast\n", "first\na\nb\nlast")).isNull();
    assertThat(Output.mismatch("first\n…\nlast\n", "first\nlast")).isNull();
    assertThat(Output.mismatch("a…c\n", "abd")).isNotNull();
    assertThat(Output.mismatch("(x) [y]\n", "(x) [y]")).as("regex characters are text").isNull();
  }
}
