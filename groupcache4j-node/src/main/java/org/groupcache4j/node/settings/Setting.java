package org.groupcache4j.node.settings;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.groupcache4j.node.internal.Values;

/**
 * One setting of a node, declared once: its name (kebab-case, {@code cache-bytes}), its
 * {@link Scope}, the parser of its text, its default, and its help. The command line's flag
 * ({@code --cache-bytes}), the config file's key and the flag reference are all made from it.
 *
 * <p>A default is text, as it would be given ({@code 64MiB}), taken from the library's constant
 * where there is one; {@link #parse} turns any text, the default included, into the value.
 *
 * @param <T> the type of the value
 */
public final class Setting<T> {
  private final String name;
  private final Scope scope;
  private final Class<T> type;
  private final Function<String, T> parser;
  private final String defaultText;
  private final String defaultHelp;
  private final String help;
  private final String label;
  private final List<String> aliases;
  private final String fileKey;
  private final boolean list;
  private final boolean isSwitch;
  private final boolean negatable;
  private final boolean hidden;

  private Setting(Builder<T> b) {
    this.name = b.name;
    this.scope = b.scope;
    this.type = b.type;
    this.parser = b.parser;
    this.defaultText = b.defaultText;
    this.defaultHelp = b.defaultHelp;
    this.help = Objects.requireNonNull(b.help, () -> "help of setting " + b.name);
    this.label = b.label;
    this.aliases = List.copyOf(b.aliases);
    this.fileKey = b.commandLineOnly ? null : b.fileKey != null ? b.fileKey : b.name;
    this.list = b.list;
    this.isSwitch = b.isSwitch;
    this.negatable = b.negatable;
    this.hidden = b.hidden;
    if (!isSwitch && label == null) {
      throw new IllegalArgumentException("setting " + name + " takes a value: give it a label (e.g. DURATION)");
    }
  }

  /**
   * Starts declaring a setting that takes a value.
   *
   * @param name kebab-case, e.g. {@code cache-bytes}: the flag is {@code --cache-bytes}
   * @param parser reads the text of the value; throws {@link IllegalArgumentException} saying what
   *     is accepted
   */
  public static <T> Builder<T> of(String name, Scope scope, Class<T> type, Function<String, T> parser) {
    return new Builder<>(name, scope, type, parser);
  }

  /**
   * Starts declaring a switch: given alone on the command line ({@code --access-log}), {@code true}
   * or {@code false} in a file; false unless a default says otherwise.
   */
  public static Builder<Boolean> ofSwitch(String name, Scope scope) {
    Builder<Boolean> b = new Builder<>(name, scope, Boolean.class, Values::bool);
    b.isSwitch = true;
    b.defaultText = "false";
    return b;
  }

  /** The name, in kebab-case: {@code cache-bytes}. */
  public String name() {
    return name;
  }

  /** The command-line flag: {@code --cache-bytes}. */
  public String flag() {
    return "--" + name;
  }

  /** Other names of the flag (e.g. {@code -v}). */
  public List<String> aliases() {
    return aliases;
  }

  public Scope scope() {
    return scope;
  }

  /** The type of the value ({@code Long} for a size, {@code Duration}, {@code Path}, ...). */
  public Class<T> type() {
    return type;
  }

  /**
   * The value of {@code text}.
   *
   * @throws IllegalArgumentException saying what was given and what is accepted
   */
  public T parse(String text) {
    return parser.apply(text);
  }

  /** The default as text ({@code 64MiB}), or null if there is none (the setting is then off or derived). */
  public String defaultText() {
    return defaultText;
  }

  /**
   * What the help says after {@code Default:} ({@code 64MiB}, {@code --self alone}), or null when
   * it says nothing of a default (a switch that is off, or help that says it in its own words).
   */
  public String defaultHelp() {
    return defaultHelp;
  }

  /** What the setting does, without its default. */
  public String help() {
    return help;
  }

  /** The help with its default: {@code help() + " Default: " + defaultHelp() + "."}. */
  public String description() {
    return defaultHelp == null ? help : help + " Default: " + defaultHelp + ".";
  }

  /** The placeholder of the value in help ({@code SIZE}, {@code DURATION}), or null for a switch. */
  public String label() {
    return label;
  }

  /**
   * The key in a config file (within its {@link #scope}'s section), usually the name; null if
   * the setting is given only on the command line (e.g. {@code --config} itself).
   */
  public String fileKey() {
    return fileKey;
  }

  /** Whether a config file may give a list of values (taken as one comma-separated value). */
  public boolean acceptsList() {
    return list;
  }

  /** Whether it is a switch: a flag without a value. */
  public boolean isSwitch() {
    return isSwitch;
  }

  /** Whether the switch has a {@code --no-} form ({@code --no-hot-store}), to turn off what a file turned on. */
  public boolean negatable() {
    return negatable;
  }

  /** Whether help and the flag reference leave it out (settings that only tools use). */
  public boolean hidden() {
    return hidden;
  }

  /** Whether a relative path it names is taken from the directory of the file that gives it. */
  public boolean isPath() {
    return type == Path.class;
  }

  @Override
  public String toString() {
    return "Setting[" + name + ", " + scope + "]";
  }

  /** Declares a {@link Setting}. */
  public static final class Builder<T> {
    private final String name;
    private final Scope scope;
    private final Class<T> type;
    private final Function<String, T> parser;
    private String defaultText;
    private String defaultHelp;
    private String help;
    private String label;
    private List<String> aliases = List.of();
    private String fileKey;
    private boolean commandLineOnly;
    private boolean list;
    private boolean isSwitch;
    private boolean negatable;
    private boolean hidden;

    private Builder(String name, Scope scope, Class<T> type, Function<String, T> parser) {
      if (!name.matches("[a-z][a-z0-9]*(-[a-z0-9]+)*")) {
        throw new IllegalArgumentException("setting name '" + name + "': use kebab-case, e.g. cache-bytes");
      }
      this.name = name;
      this.scope = Objects.requireNonNull(scope, "scope");
      this.type = Objects.requireNonNull(type, "type");
      this.parser = Objects.requireNonNull(parser, "parser");
    }

    /** The placeholder of the value in help: {@code SIZE}, {@code DURATION}, {@code URL}. */
    public Builder<T> label(String label) {
      this.label = label;
      return this;
    }

    /** What the setting does (the default is added from {@link #defaultValue} or {@link #defaultHelp}). */
    public Builder<T> help(String help) {
      this.help = help;
      return this;
    }

    /** The default, as text that {@link Setting#parse} takes; help shows it as {@code Default: TEXT.} */
    public Builder<T> defaultValue(String text) {
      this.defaultText = Objects.requireNonNull(text, "default");
      this.defaultHelp = text;
      return this;
    }

    /**
     * What help says after {@code Default:} when it is not the default's text: a derived default
     * ({@code --self alone}), none ({@code none}), or the default with a note; null to say nothing.
     */
    public Builder<T> defaultHelp(String text) {
      this.defaultHelp = text;
      return this;
    }

    /** Other names of the flag, e.g. {@code -v}. */
    public Builder<T> aliases(String... names) {
      this.aliases = List.of(names);
      return this;
    }

    /** The config file's key, when it is not the name (the {@code peers:} section's {@code list}, {@code file}, ...). */
    public Builder<T> fileKey(String key) {
      this.fileKey = key;
      return this;
    }

    /** Given only on the command line: a config file has no key for it. */
    public Builder<T> commandLineOnly() {
      this.commandLineOnly = true;
      return this;
    }

    /** A config file may give a list of values (taken as one comma-separated value). */
    public Builder<T> acceptsList() {
      this.list = true;
      return this;
    }

    /** A switch with a {@code --no-} form. */
    public Builder<T> negatable() {
      if (!isSwitch) {
        throw new IllegalStateException(name + ": only a switch has a --no- form");
      }
      this.negatable = true;
      return this;
    }

    /** Left out of help and of the flag reference. */
    public Builder<T> hidden() {
      this.hidden = true;
      return this;
    }

    public Setting<T> build() {
      return new Setting<>(this);
    }
  }
}
