package org.groupcache4j.server.internal.cli;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.groupcache4j.node.settings.Scope;
import org.groupcache4j.node.settings.Setting;
import org.groupcache4j.node.settings.SettingNames;
import org.groupcache4j.node.settings.SettingSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The flags given on a {@code serve} command line, as the first {@link SettingSource} (flags win
 * over the config file), and how messages name settings: by their flags, with their config-file
 * keys too when a config file is in use ({@code " (tls-cert and tls-key in a config file)"}).
 */
final class Flags implements SettingSource, SettingNames {
  private final CommandSpec spec;
  private final String flagGroup;
  private final boolean configFile;

  /**
   * @param flagGroup the group that group flags ({@code --cache-bytes}, ...) set, or null for none
   * @param configFile whether a config file is in use (messages then name its keys too)
   */
  Flags(CommandSpec spec, String flagGroup, boolean configFile) {
    this.spec = spec;
    this.flagGroup = flagGroup;
    this.configFile = configFile;
  }

  /** Whether {@code setting}'s flag is on the command line. */
  static boolean matched(CommandSpec spec, Setting<?> setting) {
    CommandLine.ParseResult pr = spec.commandLine().getParseResult();
    return pr != null && pr.hasMatchedOption(setting.flag());
  }

  @Override
  public Given find(Setting<?> setting, String group) {
    if (setting.scope() == Scope.GROUP && !Objects.equals(group, flagGroup) || !matched(spec, setting)) {
      return null;
    }
    OptionSpec option = spec.findOption(setting.flag());
    Object value = option.getValue();
    return value == null ? null : new Given(String.valueOf(value), where(setting), setting.flag(), null);
  }

  @Override
  public String name(Setting<?> setting) {
    return setting.flag();
  }

  @Override
  public String alsoIn(String conjunction, List<Setting<?>> settings) {
    if (!configFile) {
      return "";
    }
    return " (" + settings.stream().map(s -> s.scope() == Scope.PEERS ? "peers." + s.fileKey() : s.fileKey())
        .collect(Collectors.joining(" " + conjunction + " ")) + " in a config file)";
  }
}
