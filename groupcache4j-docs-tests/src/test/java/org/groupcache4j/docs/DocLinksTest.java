package org.groupcache4j.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every relative link of README.md and docs/ names a file or directory of the repository, and
 * every {@code #anchor} names a heading (as GitHub makes its anchor) or an {@code <a id>} of the
 * page it points to. Links to other sites are not followed (the build has no network).
 */
class DocLinksTest {
  private final Path root = Docs.root();
  private final Map<Path, Page> pages = new HashMap<>();

  @Test
  void everyRelativeLinkAndAnchorResolves() {
    List<String> broken = new ArrayList<>();
    for (Page page : Docs.pages()) {
      for (Page.Link link : page.links()) {
        String problem = check(page, link.target());
        if (problem != null) {
          broken.add(page.name() + ":" + link.line() + ": (" + link.target() + ") " + problem);
        }
      }
    }
    assertThat(broken).as("broken links").isEmpty();
  }

  @Test
  void everyPageOfDocsIsLinkedFromTheReadmeOrTheDocsIndex() {
    Page readme = Docs.page("README.md");
    Page index = Docs.page("docs/README.md");
    List<String> linked = new ArrayList<>();
    for (Page p : List.of(readme, index)) {
      for (Page.Link l : p.links()) {
        Path target = p.file().getParent().resolve(l.target().replaceAll("#.*", "")).normalize();
        linked.add(root.relativize(target).toString().replace('\\', '/'));
      }
    }
    List<String> unlinked = Docs.pages().stream().map(Page::name)
        .filter(n -> n.startsWith("docs/") && !n.equals("docs/README.md") && !linked.contains(n)).toList();
    assertThat(unlinked).as("pages of docs/ that neither README.md nor docs/README.md links to").isEmpty();
  }

  /** Why {@code target}, linked from {@code page}, does not resolve, or null. */
  private String check(Page page, String target) {
    if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
      return null; // https:, mailto: ...: another site
    }
    String path = target;
    String anchor = null;
    int hash = target.indexOf('#');
    if (hash >= 0) {
      path = target.substring(0, hash);
      anchor = URLDecoder.decode(target.substring(hash + 1), StandardCharsets.UTF_8);
    }
    Path file = path.isEmpty() ? page.file() : page.file().getParent().resolve(
        URLDecoder.decode(path, StandardCharsets.UTF_8)).normalize();
    if (!file.startsWith(root)) {
      return "points outside the repository";
    }
    if (!Files.exists(file)) {
      return "no such file: " + root.relativize(file);
    }
    if (anchor == null) {
      return null;
    }
    if (!file.toString().endsWith(".md")) {
      return anchor.matches("L\\d+(-L\\d+)?") ? null : "an anchor in a file that is not Markdown";
    }
    Page target2 = pages.computeIfAbsent(file, f -> Page.read(f, root.relativize(f).toString()));
    if (!target2.anchors().contains(anchor)) {
      return "no heading or <a id> makes the anchor #" + anchor + " in " + target2.name();
    }
    return null;
  }
}
