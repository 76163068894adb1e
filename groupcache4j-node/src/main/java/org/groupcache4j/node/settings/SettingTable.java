package org.groupcache4j.node.settings;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An ordered table of {@link Setting}s with unique names (and unique config-file keys within a
 * scope): {@link NodeSettings#TABLE} for a node, or a server's table that adds its own settings
 * to it. The order is that of help and of the flag reference.
 */
public final class SettingTable {
  private final List<Setting<?>> settings;
  private final Map<String, Setting<?>> byName = new LinkedHashMap<>();

  private SettingTable(List<Setting<?>> settings) {
    this.settings = List.copyOf(settings);
    Map<String, Setting<?>> byKey = new HashMap<>();
    for (Setting<?> s : this.settings) {
      for (String n : names(s)) {
        if (byName.putIfAbsent(n, s) != null) {
          throw new IllegalArgumentException("two settings are named " + n);
        }
      }
      if (s.fileKey() != null && byKey.putIfAbsent(s.scope() + "." + s.fileKey(), s) != null) {
        throw new IllegalArgumentException("settings " + byKey.get(s.scope() + "." + s.fileKey()).name() + " and "
            + s.name() + " have the same config-file key " + s.fileKey());
      }
    }
  }

  private static List<String> names(Setting<?> s) {
    List<String> n = new ArrayList<>();
    n.add(s.name());
    n.addAll(s.aliases());
    return n;
  }

  /** A table of {@code settings}, in this order. */
  public static SettingTable of(List<Setting<?>> settings) {
    return new SettingTable(settings);
  }

  /** A table of {@code settings}, in this order. */
  public static SettingTable of(Setting<?>... settings) {
    return new SettingTable(List.of(settings));
  }

  /** Every setting, in order. */
  public List<Setting<?>> settings() {
    return settings;
  }

  /** The setting named {@code name} (kebab-case, without dashes) or with that alias. */
  public Optional<Setting<?>> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Whether every setting of {@code other} is in this table. */
  public boolean containsAll(SettingTable other) {
    return other.settings.stream().allMatch(s -> byName.get(s.name()) == s);
  }

  /** The settings of {@code scope} that a config file may give, in order. */
  public List<Setting<?>> fileSettings(Scope scope) {
    return settings.stream().filter(s -> s.scope() == scope && s.fileKey() != null).toList();
  }

  /** The config-file keys of {@code scope}, in order. */
  public List<String> fileKeys(Scope scope) {
    return fileSettings(scope).stream().map(Setting::fileKey).toList();
  }

  /** The setting of {@code scope} that a config file names {@code key}. */
  public Optional<Setting<?>> byFileKey(Scope scope, String key) {
    return fileSettings(scope).stream().filter(s -> s.fileKey().equals(key)).findFirst();
  }

  /**
   * The flag reference as Markdown: one row per setting that help shows, with its flag, its key in
   * a config file ({@code groups.NAME.cache-bytes}), its default and what it does.
   */
  public String markdown() {
    return SettingsMarkdown.render(Collections.unmodifiableList(settings));
  }

  @Override
  public String toString() {
    return "SettingTable" + byName.keySet();
  }
}
