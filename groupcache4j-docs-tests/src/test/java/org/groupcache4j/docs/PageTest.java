package org.groupcache4j.docs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How the docs' tests read a page: blocks with their markers, anchors as GitHub makes them, links. */
class PageTest {
  @Test
  void blocksCarryTheMarkersAboveThemAndStandaloneMarkersStayInPageOrder() {
    Page p = Page.of("p.md", """
        # Title

        <!-- context: db -->
        ```java
        System.out.println(1);
        ```

        <!-- output -->
        ```text
        1
        ```

        <!-- ctrl-c -->

        - a list item:

          <!-- illustration: needs a cluster -->
          ```bash
          kubectl apply -f x.yaml
          ```
        """);
    assertThat(p.problems()).isEmpty();
    assertThat(p.blocks()).hasSize(3);
    assertThat(p.blocks().get(0).marker("context")).isEqualTo("db");
    assertThat(p.blocks().get(0).runnable()).isTrue();
    assertThat(p.blocks().get(1).runnable()).as("an output block is not run").isFalse();
    assertThat(p.blocks().get(2).text()).isEqualTo("kubectl apply -f x.yaml\n");
    assertThat(p.blocks().get(2).marker("illustration")).isEqualTo("needs a cluster");
    assertThat(p.blocks().get(2).runnable()).isFalse();
    assertThat(p.items().get(2)).isInstanceOf(Page.MarkerItem.class);
    assertThat(p.blocks().get(2).line()).isEqualTo(18);
  }

  @Test
  void unknownDanglingOrEmptyMarkersAreProblems() {
    Page p = Page.of("p.md", """
        <!-- ilustration: typo -->
        ```bash
        true
        ```
        <!-- illustration -->
        ```bash
        true
        ```
        <!-- context: db -->
        some text
        <!-- a comment -->
        """);
    assertThat(p.problems()).hasSize(4).anySatisfy(m -> assertThat(m).contains("unknown marker 'ilustration'"))
        .anySatisfy(m -> assertThat(m).contains("'illustration' needs a value"))
        .anySatisfy(m -> assertThat(m).contains("p.md:9: marker 'context' is not followed by a code block"))
        .anySatisfy(m -> assertThat(m).contains("not a marker"));
  }

  @Test
  void anchorsAreGithubsAndLinksAreFoundOutsideCode() {
    Page p = Page.of("p.md", """
        # The `/stats` fields
        ## Flags of [`serve`](#flags)
        ## Mixed clusters with golang/groupcache
        ## Flags
        ## Flags
        | <a id="flag-self"></a>`--self URL` | see [the ring](protocol.md#the-ring) |
        `[not](a-link.md)` but [this](x.md) and [that][ref]

        [ref]: docs/y.md#z
        """);
    assertThat(p.anchors()).containsExactly("the-stats-fields", "flags-of-serve", "mixed-clusters-with-golanggroupcache",
        "flags", "flags-1", "flag-self");
    assertThat(p.links()).extracting(Page.Link::target)
        .containsExactly("#flags", "protocol.md#the-ring", "x.md", "docs/y.md#z");
  }
}
