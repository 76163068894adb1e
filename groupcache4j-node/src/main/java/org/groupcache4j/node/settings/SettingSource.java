package org.groupcache4j.node.settings;

import java.nio.file.Path;

/**
 * One layer of settings: the command line, a config file, a framework's properties. A
 * {@link SettingResolver} asks its layers in order and takes the first that gives a setting.
 */
@FunctionalInterface
public interface SettingSource {
  /**
   * What this source gives {@code setting}, or null if it gives nothing.
   *
   * @param group for a {@link Scope#GROUP} setting, the group asked about; null for the others
   */
  Given find(Setting<?> setting, String group);

  /**
   * A value a source gives.
   *
   * @param text the value as text, as {@link Setting#parse} takes it
   * @param where how a message names the place it was given, after {@code Invalid value for}:
   *     {@code option '--cache-bytes'}, {@code node.yaml, line 4, groups.scores.cache-bytes}
   * @param subject how a message that starts with it names it: {@code --peer-mtls},
   *     {@code node.yaml, line 3, peer-mtls:}
   * @param base the directory a relative path is taken from (a config file's), or null to take
   *     it as it is
   */
  record Given(String text, String where, String subject, Path base) {}
}
