package org.groupcache4j.node.settings;

import java.util.List;

/**
 * A table of settings as a Markdown flag reference: one row per setting that help shows, with its
 * flag and value, where a config file has it, its default, and what it does.
 */
final class SettingsMarkdown {
  private SettingsMarkdown() {}

  static String render(List<Setting<?>> settings) {
    StringBuilder md = new StringBuilder();
    md.append("| Flag | Config file | Default | What it does |\n");
    md.append("|---|---|---|---|\n");
    for (Setting<?> s : settings) {
      if (s.hidden()) {
        continue;
      }
      md.append("| ").append(code(flag(s))).append(" | ").append(s.fileKey() == null ? "(command line only)"
          : code(fileKey(s))).append(" | ").append(defaultCell(s)).append(" | ").append(cell(s.help())).append(" |\n");
    }
    return md.toString();
  }

  /** {@code --[no-]hot-store}, {@code -v, --verbose}, {@code --cache-bytes SIZE}. */
  private static String flag(Setting<?> s) {
    StringBuilder f = new StringBuilder();
    for (String a : s.aliases()) {
      f.append(a).append(", ");
    }
    f.append(s.negatable() ? "--[no-]" + s.name() : s.flag());
    if (s.label() != null) {
      f.append(' ').append(s.label());
    }
    return f.toString();
  }

  /** The default as help says it: a value as code ({@code `64MiB`}, {@code `50` (as golang/groupcache)}), a derived one as text. */
  private static String defaultCell(Setting<?> s) {
    String shown = s.defaultHelp();
    if (shown == null) {
      return "";
    }
    String value = s.defaultText();
    if (value != null && shown.startsWith(value)) {
      return code(value) + cell(shown.substring(value.length()));
    }
    return cell(shown);
  }

  /** Where a config file has the setting: {@code self}, {@code peers.list}, {@code groups.NAME.cache-bytes}. */
  private static String fileKey(Setting<?> s) {
    return switch (s.scope()) {
      case NODE -> s.fileKey();
      case PEERS -> "peers." + s.fileKey();
      case GROUP -> "groups.NAME." + s.fileKey();
    };
  }

  private static String code(String text) {
    String t = text.replace("|", "\\|");
    return t.contains("`") ? "`` " + t + " ``" : "`" + t + "`";
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }
}
