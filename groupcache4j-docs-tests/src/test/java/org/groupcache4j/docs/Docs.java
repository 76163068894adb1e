package org.groupcache4j.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The documentation under test: README.md and every Markdown page under docs/, and where the repository is. */
public final class Docs {
  private Docs() {}

  /** The repository's root directory (system property {@code groupcache4j.root}, set by the build). */
  public static Path root() {
    String p = System.getProperty("groupcache4j.root", "..");
    Path root = Path.of(p).toAbsolutePath().normalize();
    if (!Files.isRegularFile(root.resolve("README.md")) || !Files.isDirectory(root.resolve("docs"))) {
      throw new IllegalStateException(root + " is not the repository root (no README.md and docs/ there)");
    }
    return root;
  }

  /** README.md, then the pages of docs/ in name order. */
  public static List<Page> pages() {
    Path root = root();
    List<Page> pages = new ArrayList<>();
    pages.add(Page.read(root.resolve("README.md"), "README.md"));
    try (Stream<Path> s = Files.walk(root.resolve("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).sorted()
          .forEach(p -> pages.add(Page.read(p, root.relativize(p).toString().replace('\\', '/'))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pages;
  }

  /** The page named {@code name} (e.g. {@code docs/server.md}). */
  public static Page page(String name) {
    return pages().stream().filter(p -> p.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no page " + name));
  }
}
