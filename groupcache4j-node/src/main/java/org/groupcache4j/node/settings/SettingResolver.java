package org.groupcache4j.node.settings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The value of each setting from layered sources: the first {@link SettingSource} that gives it
 * wins (a command line over a config file, say), else the setting's default. Nothing is read,
 * bound or configured here: the sources hold their text already, and resolving only parses it.
 *
 * <p>A value that does not parse is a {@link SettingException} that names it as its source does
 * (the flag, or the file, line and key), quotes it with its secrets hidden (by the
 * {@link Builder#redact redaction} given) and says what is accepted; the other exceptions here
 * are for checks across settings ({@code --peer-mtls} needs {@code --tls-ca}).
 */
public final class SettingResolver {
  private final List<SettingSource> sources;
  private final SettingNames names;
  private final UnaryOperator<String> redact;

  private SettingResolver(Builder b) {
    this.sources = List.copyOf(b.sources);
    this.names = b.names;
    this.redact = b.redact;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** What the first source that gives {@code setting} gives, or null (its default applies). */
  public SettingSource.Given given(Setting<?> setting, String group) {
    for (SettingSource s : sources) {
      SettingSource.Given g = s.find(setting, setting.scope() == Scope.GROUP ? group : null);
      if (g != null) {
        return g;
      }
    }
    return null;
  }

  /** Whether a source gives {@code setting} (for {@code group}, if a group setting). */
  public boolean isGiven(Setting<?> setting, String group) {
    return given(setting, group) != null;
  }

  /** The text of {@code setting}: given, or its default; null if neither. */
  public String text(Setting<?> setting, String group) {
    SettingSource.Given g = given(setting, group);
    return g != null ? g.text() : setting.defaultText();
  }

  /** The text of a node or peers setting. */
  public String text(Setting<?> setting) {
    return text(setting, null);
  }

  /**
   * The value of {@code setting}: given, or its default; null if neither. A relative path given by
   * a config file is taken from the file's directory.
   *
   * @throws SettingException if the text does not parse
   */
  public <T> T get(Setting<T> setting, String group) {
    SettingSource.Given g = given(setting, group);
    String text = g != null ? g.text() : setting.defaultText();
    if (text == null) {
      return null;
    }
    T value;
    try {
      value = setting.parse(text);
    } catch (IllegalArgumentException e) {
      throw bad(setting, group, String.valueOf(e.getMessage()), text);
    }
    if (value instanceof Path p && g != null && g.base() != null) {
      return setting.type().cast(g.base().resolve(p));
    }
    return value;
  }

  /** The value of a node or peers setting. */
  public <T> T get(Setting<T> setting) {
    return get(setting, null);
  }

  /** How messages refer to {@code setting}, e.g. {@code --tls-cert}. */
  public String name(Setting<?> setting) {
    return names.name(setting);
  }

  /**
   * What a message naming {@code settings} adds for users of other sources, e.g.
   * {@code " (tls-cert and tls-key in a config file)"}, or empty.
   */
  public String alsoIn(String conjunction, Setting<?>... settings) {
    return names.alsoIn(conjunction, List.of(settings));
  }

  /** {@code Invalid value for WHERE: why}: the setting's value is wrong; {@code why} quotes it if needed. */
  public SettingException invalid(Setting<?> setting, String group, String why) {
    return new SettingException(setting, group, "Invalid value for " + where(setting, group) + ": " + why);
  }

  /** {@code Invalid value for WHERE: 'VALUE': why}, the value with its secrets hidden (unless {@code why} quotes it). */
  public SettingException bad(Setting<?> setting, String group, String why) {
    return bad(setting, group, why, text(setting, group));
  }

  /** As {@link #bad(Setting, String, String)}, quoting {@code shown} (a file the value named, say) instead of the text. */
  public SettingException bad(Setting<?> setting, String group, String why, String shown) {
    String quoted = why.contains("'" + shown + "'") ? "" : "'" + redact.apply(String.valueOf(shown)) + "': ";
    return invalid(setting, group, quoted + redact.apply(why));
  }

  /** {@code SUBJECT why}, e.g. {@code --peer-mtls needs --tls-ca}: the setting does not go with the others. */
  public SettingException usage(Setting<?> setting, String group, String why) {
    return new SettingException(setting, group, subject(setting, group) + " " + why);
  }

  /**
   * How a message that starts with {@code setting} names it: as its source gave it
   * ({@code --peer-mtls}, {@code node.yaml, line 3, peer-mtls:}), or by its name.
   */
  public String subject(Setting<?> setting, String group) {
    SettingSource.Given g = given(setting, group);
    return g != null ? g.subject() : names.name(setting);
  }

  private String where(Setting<?> setting, String group) {
    SettingSource.Given g = given(setting, group);
    return g != null ? g.where() : names.where(setting);
  }

  /** Configures a {@link SettingResolver}. */
  public static final class Builder {
    private final List<SettingSource> sources = new ArrayList<>();
    private SettingNames names = SettingNames.FLAGS;
    private UnaryOperator<String> redact = UnaryOperator.identity();

    private Builder() {}

    /** Adds a layer, below those added before it. */
    public Builder source(SettingSource source) {
      sources.add(Objects.requireNonNull(source, "source"));
      return this;
    }

    /** How messages name settings; default {@link SettingNames#FLAGS}. */
    public Builder names(SettingNames names) {
      this.names = Objects.requireNonNull(names, "names");
      return this;
    }

    /** Hides secrets (passwords in URLs, say) in the values and reasons messages quote; default: none. */
    public Builder redact(UnaryOperator<String> redact) {
      this.redact = Objects.requireNonNull(redact, "redact");
      return this;
    }

    public SettingResolver build() {
      return new SettingResolver(this);
    }
  }
}
