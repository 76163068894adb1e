package org.groupcache4j.node.settings;

/**
 * A setting that cannot be used: the message names it as it was given (the flag, or the file,
 * line and key) and says what is accepted. Secrets in quoted values are hidden.
 */
public final class SettingException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final transient Setting<?> setting;
  private final String group;

  SettingException(Setting<?> setting, String group, String message) {
    super(message);
    this.setting = setting;
    this.group = group;
  }

  /** The setting that is wrong. */
  public Setting<?> setting() {
    return setting;
  }

  /** The group of a {@link Scope#GROUP} setting, else null. */
  public String group() {
    return group;
  }
}
