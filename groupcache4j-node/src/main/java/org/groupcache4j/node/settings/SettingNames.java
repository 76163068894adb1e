package org.groupcache4j.node.settings;

import java.util.List;

/**
 * How messages name settings: a setting that no source gave (its default is wrong, or it is
 * missing), and other settings that a message tells the user to give. For a command line, the
 * flags ({@link #FLAGS}); for a framework, its property names.
 */
public interface SettingNames {
  /** Flags: {@code --tls-cert}, and {@code option '--tls-cert'} after {@code Invalid value for}. */
  SettingNames FLAGS = s -> s.flag();

  /** How a message refers to {@code setting}: {@code --tls-cert}. */
  String name(Setting<?> setting);

  /** How {@code Invalid value for ...} names {@code setting} when no source gave it. */
  default String where(Setting<?> setting) {
    return "option '" + name(setting) + "'";
  }

  /**
   * What a message that names {@code settings} (joined by {@code conjunction}: "and", "or") adds
   * so that a user of another source finds them too, e.g. {@code " (tls-cert and tls-key in a
   * config file)"}; empty by default.
   */
  default String alsoIn(String conjunction, List<Setting<?>> settings) {
    return "";
  }
}
