package org.groupcache4j.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Markdown page of the documentation as the tests see it: its fenced code blocks with the
 * markers (HTML comments) written above them, its standalone markers, its headings and explicit
 * anchors, and its links. A small reader of the CommonMark subset the pages use, not a full
 * parser: fences of three or more backticks or tildes (indented inside list items or not), ATX
 * headings, inline and reference links.
 *
 * <p>Markers are HTML comments of one line, {@code <!-- name -->} or {@code <!-- name: value -->},
 * which a rendered page does not show; {@link Marker#KNOWN} lists them and their meaning. Any
 * other HTML comment on a page is an error, so a misspelt marker cannot silently stop a block
 * from being run.
 */
public final class Page {
  /** A marker: {@code <!-- name: value -->}. */
  public record Marker(String name, String value, int line) {
    /** Every marker name a page may use, with what it means. */
    public static final Map<String, String> KNOWN = Map.ofEntries(
        Map.entry("illustration", "the next block is not run; the value says why (required)"),
        Map.entry("context", "the next java block runs inside the named context (see JavaContexts)"),
        Map.entry("output", "the next block is what the previous run block prints"),
        Map.entry("file", "the next block is written to the named file of the page's shell session"),
        Map.entry("exit", "the next bash block is expected to end with this exit status"),
        Map.entry("ctrl-c", "standalone: the servers started in the foreground so far get SIGINT, as a reader's Ctrl-C"),
        Map.entry("begin", "standalone: the start of a generated region (the value names it)"),
        Map.entry("end", "standalone: the end of a generated region"),
        Map.entry("reference", "standalone: the next table is checked against the running code (the value names it)"));

    /** Markers that belong to the fenced block below them. */
    static final Set<String> BLOCK = Set.of("illustration", "context", "output", "file", "exit");
  }

  /** A fenced code block: its language, its text, where it starts, and the markers above it. */
  public record Block(Page page, String lang, String text, int line, List<Marker> markers) {
    public String marker(String name) {
      return markers.stream().filter(m -> m.name().equals(name)).map(Marker::value).findFirst().orElse(null);
    }

    public boolean has(String name) {
      return markers.stream().anyMatch(m -> m.name().equals(name));
    }

    /** Where the block is, e.g. {@code docs/server.md:120}. */
    public String where() {
      return page.name() + ":" + line;
    }

    /** The languages whose blocks the tests run. */
    public boolean runnable() {
      return (lang.equals("java") || lang.equals("bash")) && !has("illustration") && !has("output") && !has("file");
    }
  }

  /** A link {@code [text](target)}, where it stands. */
  public record Link(String target, int line) {}

  /** A heading: its level, its text, and its anchor as GitHub makes it. */
  public record Heading(int level, String text, String anchor, int line) {}

  /** What a page holds, in page order: blocks and standalone markers. */
  public sealed interface Item permits BlockItem, MarkerItem {}

  public record BlockItem(Block block) implements Item {}

  public record MarkerItem(Marker marker) implements Item {}

  private static final Pattern FENCE = Pattern.compile("^(\\s*)(`{3,}|~{3,})\\s*([^`\\s]*)\\s*$");
  private static final Pattern COMMENT = Pattern.compile("^\\s*<!--\\s*([a-z-]+)\\s*(?::\\s*(.*?))?\\s*-->\\s*$");
  private static final Pattern ANY_COMMENT = Pattern.compile("<!--");
  private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern INLINE_LINK = Pattern.compile("(!?)\\[((?:[^\\[\\]]|\\[[^\\]]*\\])*)\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
  private static final Pattern REF_DEF = Pattern.compile("^\\s{0,3}\\[([^\\]]+)\\]:\\s*<?(\\S+?)>?(?:\\s+.*)?$");
  private static final Pattern HTML_ID = Pattern.compile("<a\\s+(?:id|name)=\"([^\"]+)\"");
  private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");

  private final Path file;
  private final String name;
  private final List<String> lines;
  private final List<Item> items = new ArrayList<>();
  private final List<Block> blocks = new ArrayList<>();
  private final List<Heading> headings = new ArrayList<>();
  private final Set<String> anchors = new LinkedHashSet<>();
  private final List<Link> links = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();

  private Page(Path file, String name, String text) {
    this.file = file;
    this.name = name;
    this.lines = text.lines().toList();
    parse();
  }

  /** Reads {@code file}, named {@code name} (its path from the repository root) in messages. */
  public static Page read(Path file, String name) {
    try {
      return new Page(file, name, Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** A page from text, for the tests of this reader. */
  static Page of(String name, String text) {
    return new Page(Path.of(name), name, text);
  }

  public Path file() {
    return file;
  }

  public String name() {
    return name;
  }

  public List<String> lines() {
    return lines;
  }

  public List<Item> items() {
    return items;
  }

  public List<Block> blocks() {
    return blocks;
  }

  public List<Heading> headings() {
    return headings;
  }

  /** Every anchor a link may name: the headings' and explicit {@code <a id="...">}. */
  public Set<String> anchors() {
    return anchors;
  }

  public List<Link> links() {
    return links;
  }

  /** What is malformed: unknown or dangling markers, unclosed fences, markers without a needed value. */
  public List<String> problems() {
    return problems;
  }

  /** The standalone markers named {@code name}. */
  public List<Marker> markers(String name) {
    return items.stream().filter(i -> i instanceof MarkerItem).map(i -> ((MarkerItem) i).marker())
        .filter(m -> m.name().equals(name)).toList();
  }

  private void parse() {
    List<Marker> pending = new ArrayList<>();
    Map<String, Integer> slugCounts = new HashMap<>();
    Map<String, String> refDefs = new HashMap<>();
    List<int[]> refUses = new ArrayList<>();
    List<String> refNames = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int lineNo = i + 1;
      Matcher fence = FENCE.matcher(line);
      if (fence.matches()) {
        String indent = fence.group(1);
        String marks = fence.group(2);
        String lang = fence.group(3).toLowerCase(Locale.ROOT);
        StringBuilder text = new StringBuilder();
        int j = i + 1;
        boolean closed = false;
        for (; j < lines.size(); j++) {
          String l = lines.get(j);
          String t = l.strip();
          if (t.startsWith(marks.substring(0, 3)) && t.chars().allMatch(c -> c == marks.charAt(0))
              && t.length() >= marks.length()) {
            closed = true;
            break;
          }
          text.append(l.startsWith(indent) ? l.substring(indent.length()) : l.stripLeading()).append('\n');
        }
        if (!closed) {
          problems.add(name + ":" + lineNo + ": a code block that is never closed");
        }
        Block b = new Block(this, lang, text.toString(), lineNo, List.copyOf(pending));
        pending.clear();
        blocks.add(b);
        items.add(new BlockItem(b));
        i = j;
        continue;
      }
      Matcher comment = COMMENT.matcher(line);
      if (comment.matches()) {
        Marker m = new Marker(comment.group(1), comment.group(2) == null ? "" : comment.group(2).strip(), lineNo);
        if (!Marker.KNOWN.containsKey(m.name())) {
          problems.add(name + ":" + lineNo + ": unknown marker '" + m.name() + "' (known: "
              + String.join(", ", new java.util.TreeSet<>(Marker.KNOWN.keySet())) + ")");
        } else if (Marker.BLOCK.contains(m.name())) {
          if ((m.name().equals("illustration") || m.name().equals("context") || m.name().equals("file")
              || m.name().equals("exit")) && m.value().isEmpty()) {
            problems.add(name + ":" + lineNo + ": marker '" + m.name() + "' needs a value: <!-- " + m.name() + ": ... -->");
          }
          pending.add(m);
        } else {
          items.add(new MarkerItem(m));
        }
        continue;
      }
      if (ANY_COMMENT.matcher(CODE_SPAN.matcher(line).replaceAll("")).find()) {
        problems.add(name + ":" + lineNo + ": an HTML comment that is not a marker of one line: " + line.strip());
      }
      if (!line.isBlank() && !pending.isEmpty()) {
        problems.add(name + ":" + pending.get(0).line() + ": marker '" + pending.get(0).name()
            + "' is not followed by a code block (text comes first at line " + lineNo + ")");
        pending.clear();
      }
      Matcher h = HEADING.matcher(line);
      if (h.matches()) {
        String text = h.group(2);
        String slug = slug(text);
        int n = slugCounts.merge(slug, 1, Integer::sum) - 1;
        String anchor = n == 0 ? slug : slug + "-" + n;
        headings.add(new Heading(h.group(1).length(), text, anchor, lineNo));
        anchors.add(anchor);
      }
      Matcher id = HTML_ID.matcher(line);
      while (id.find()) {
        anchors.add(id.group(1));
      }
      Matcher def = REF_DEF.matcher(line);
      if (def.matches()) {
        refDefs.put(def.group(1).toLowerCase(Locale.ROOT), def.group(2));
        continue;
      }
      String prose = CODE_SPAN.matcher(line).replaceAll("");
      Matcher link = INLINE_LINK.matcher(prose);
      while (link.find()) {
        links.add(new Link(link.group(3), lineNo));
      }
      Matcher ref = Pattern.compile("\\[([^\\]]+)\\]\\[([^\\]]*)\\]").matcher(prose);
      while (ref.find()) {
        String key = (ref.group(2).isEmpty() ? ref.group(1) : ref.group(2)).toLowerCase(Locale.ROOT);
        refNames.add(key);
        refUses.add(new int[] {lineNo});
      }
    }
    if (!pending.isEmpty()) {
      problems.add(name + ":" + pending.get(0).line() + ": marker '" + pending.get(0).name() + "' at the end of the page");
    }
    for (int k = 0; k < refNames.size(); k++) {
      String target = refDefs.get(refNames.get(k));
      if (target == null) {
        problems.add(name + ":" + refUses.get(k)[0] + ": link reference [" + refNames.get(k) + "] is not defined");
      } else {
        links.add(new Link(target, refUses.get(k)[0]));
      }
    }
  }

  /**
   * The anchor GitHub gives a heading: its text without Markdown (code spans keep their text,
   * links their label), lower case, without punctuation but {@code -} and {@code _}, spaces as
   * {@code -}.
   */
  public static String slug(String heading) {
    String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1") // links: their text
        .replaceAll("<[^>]+>", ""); // inline HTML
    StringBuilder s = new StringBuilder();
    text.toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
      if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
        s.appendCodePoint(c);
      } else if (c == ' ') {
        s.append('-');
      }
    });
    return s.toString();
  }

  @Override
  public String toString() {
    return name;
  }
}
