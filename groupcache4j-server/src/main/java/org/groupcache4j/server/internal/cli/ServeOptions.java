package org.groupcache4j.server.internal.cli;

import java.util.ArrayList;
import java.util.List;
import org.groupcache4j.node.settings.Setting;
import org.groupcache4j.server.internal.settings.ServerSettings;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The options of {@code serve}, made from {@link ServerSettings#SERVE}: one per setting, in its
 * order, with its help and default; then {@code --help} and {@code --version}. Values are kept as
 * text: each setting's parser reads them, as it reads the config file's.
 */
final class ServeOptions implements CommandLine.IModelTransformer {
  @Override
  public CommandSpec transform(CommandSpec spec) {
    List<OptionSpec> standard = new ArrayList<>(spec.options()); // --help and --version, shown last
    standard.forEach(spec::remove);
    for (Setting<?> s : ServerSettings.SERVE.settings()) {
      spec.addOption(option(s));
    }
    standard.forEach(spec::addOption);
    return spec;
  }

  static OptionSpec option(Setting<?> s) {
    List<String> names = new ArrayList<>(s.aliases());
    names.add(s.flag());
    OptionSpec.Builder o = OptionSpec.builder(names.toArray(String[]::new))
        .description(s.description())
        .hidden(s.hidden());
    if (s.isSwitch()) {
      o.type(boolean.class).negatable(s.negatable());
      if (Boolean.parseBoolean(s.defaultText())) { // --x sets true, --no-x false, whatever the default
        o.defaultValue("true").fallbackValue("true");
      }
    } else {
      o.type(String.class).paramLabel(s.label());
    }
    return o.build();
  }
}
