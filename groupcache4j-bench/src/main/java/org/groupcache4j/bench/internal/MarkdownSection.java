package org.groupcache4j.bench.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Rewrites one section of a Markdown file, the text between {@code <!-- NAME:begin -->} and
 * {@code <!-- NAME:end -->}, leaving the rest of the file (other benchmarks' sections) alone.
 * A missing file is created with a title; missing markers are appended at the end.
 */
public final class MarkdownSection {
  private MarkdownSection() {}

  public static String begin(String name) {
    return "<!-- " + name + ":begin -->";
  }

  public static String end(String name) {
    return "<!-- " + name + ":end -->";
  }

  /** {@code document} with the section {@code name} replaced by {@code body}. */
  public static String replace(String document, String name, String body) {
    String b = begin(name);
    String e = end(name);
    String content = body.endsWith("\n") ? body : body + "\n";
    int bi = document.indexOf(b);
    int ei = document.indexOf(e);
    if (bi < 0 && ei < 0) {
      String sep = document.isEmpty() || document.endsWith("\n\n") ? "" : document.endsWith("\n") ? "\n" : "\n\n";
      return document + sep + b + "\n" + content + e + "\n";
    }
    if (bi < 0 || ei < 0 || ei < bi || document.indexOf(b, bi + 1) >= 0 || document.indexOf(e, ei + 1) >= 0) {
      throw new IllegalArgumentException("section '" + name + "' has unpaired or repeated markers "
          + b + " / " + e + "; fix the file by hand so that each appears once, begin before end");
    }
    return document.substring(0, bi + b.length()) + "\n" + content + document.substring(ei);
  }

  /** Replaces the section in {@code file} (atomically), creating the file with {@code title} if missing. */
  public static void write(Path file, String title, String name, String body) throws IOException {
    String doc = Files.exists(file)
        ? Files.readString(file, StandardCharsets.UTF_8)
        : "# " + title + "\n\n";
    String updated = replace(doc, name, body);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, updated, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
