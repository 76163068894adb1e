package org.groupcache4j.spring.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.groupcache4j.node.internal.JitQuiet;
import org.groupcache4j.node.settings.GroupSpec;
import org.groupcache4j.node.settings.NodeSettings;
import org.groupcache4j.node.settings.NodeSpec;
import org.groupcache4j.node.settings.Scope;
import org.groupcache4j.node.settings.Setting;
import org.groupcache4j.node.settings.SettingException;
import org.groupcache4j.node.settings.SettingNames;
import org.groupcache4j.node.settings.SettingResolver;
import org.groupcache4j.node.settings.SettingSource;
import org.groupcache4j.node.settings.SettingTable;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.ResolvableType;
import org.springframework.util.unit.DataSize;

/**
 * The {@code groupcache4j.*} properties, read through the node's one table of settings
 * ({@link NodeSettings#TABLE}): a node or peers setting {@code NAME} is the property
 * {@code groupcache4j.NAME} (but {@code peer-listen}, which is {@code groupcache4j.listen}), a group
 * setting is {@code groupcache4j.caches.CACHE.NAME}; each value is parsed, defaulted and checked
 * by the table, and a wrong one is reported with the table's message, naming the property. Spring's
 * relaxed names are read too (environment variables, camelCase, YAML lists), and
 * {@code cache-bytes} also takes Spring's {@code DataSize} units ({@code 64MB} = 64 MiB), and
 * durations Spring's styles ({@code 500} milliseconds, {@code 1d}).
 *
 * <p>The starter's own settings ({@link #OWN}) are declared here the same way. Without
 * {@code groupcache4j.self} the node is one of this JVM alone: no peers and no port.
 */
final class StarterSettings {
  static final String PREFIX = "groupcache4j.";
  static final String CACHES = PREFIX + "caches.";

  /** Table settings whose property is not {@code groupcache4j.NAME}. */
  private static final Map<String, String> RENAMED = Map.of(NodeSettings.PEER_LISTEN.name(), "listen");

  static final Setting<String> ALLOWED_PACKAGES = Setting.of("allowed-packages", Scope.NODE, String.class,
          StarterSettings::packages)
      .label("PACKAGE,PACKAGE,...").defaultHelp("the application's packages (those of @SpringBootApplication) and java.*")
      .help("Packages whose classes cached values may hold, besides java.* and the application's own packages; "
          + "nothing else is ever instantiated from cached bytes.")
      .build();

  static final Setting<Duration> DRAIN_TIMEOUT = Setting.of("drain-timeout", Scope.NODE, Duration.class,
          t -> NodeSettings.LOAD_TIMEOUT.parse(t))
      .label("DURATION").defaultValue("10s")
      .help("How long the node waits, when the application stops, for the values its callers are computing.")
      .build();

  static final Setting<Duration> WARM_UP = Setting.of("warm-up", Scope.NODE, Duration.class, JitQuiet::limit)
      .label("DURATION").defaultValue("5s")
      .help("Before the node joins its peers (and the application reports ready), it runs the caches' path on "
          + "loopback (leases, peer fetches, evictions and the value codecs between two throw-away nodes of its own, "
          + "and a third that joins their ring and leaves it, over and over; made-up values: no cached method runs) "
          + "until the JIT compilers go quiet, at most this long. Only with groupcache4j.self; 0 or off: it starts cold.")
      .build();

  static final Setting<String> CODEC = Setting.of("codec", Scope.GROUP, String.class, StarterSettings::codec)
      .label("CODEC").defaultValue("default")
      .help("How the cache's values become bytes: default (Serializable values through Java serialization, others "
          + "as JSON; allowed classes only), java (Java serialization only), text (Strings as UTF-8), bytes "
          + "(byte arrays), or the name of a ValueCodec bean.")
      .build();

  static final Setting<Integer> MAX_KEY_BYTES = Setting.of("max-key-bytes", Scope.GROUP, Integer.class,
          StarterSettings::positiveInt)
      .label("N").defaultValue(String.valueOf(org.groupcache4j.Group.Builder.DEFAULT_MAX_KEY_BYTES))
      .help("The longest key of the cache, in UTF-8 bytes once encoded by the key codec.")
      .build();

  /** The starter's own settings, beside the node's table. */
  static final SettingTable OWN = SettingTable.of(ALLOWED_PACKAGES, DRAIN_TIMEOUT, WARM_UP, CODEC, MAX_KEY_BYTES);

  private StarterSettings() {}

  /**
   * What the properties describe.
   *
   * @param node the node, or null for one of this JVM alone ({@code groupcache4j.self} not set)
   * @param warmUp the warm-up's time limit (zero: none)
   * @param caches each declared cache, by name, in the order of the properties
   */
  record Resolved(NodeSpec node, List<String> allowedPackages, Duration drainTimeout, Duration warmUp,
      Map<String, Cache> caches) {
    /** The longest peer timeout of the caches (a fetch's answer may take that long), or null with no cache. */
    Duration peerResponseTimeout() {
      Duration longest = null;
      for (Cache c : caches.values()) {
        Duration t = c.group().effectivePeerTimeout();
        longest = longest == null || t.compareTo(longest) > 0 ? t : longest;
      }
      return longest;
    }
  }

  /** One declared cache: its group, its codec setting and its key limit. */
  record Cache(GroupSpec group, String codec, int maxKeyBytes) {}

  /** The property of {@code setting} ({@code group}: the cache, for a group setting; null: {@code CACHE}). */
  static String property(Setting<?> setting, String group) {
    String name = RENAMED.getOrDefault(setting.name(), setting.name());
    return setting.scope() == Scope.GROUP ? CACHES + (group == null ? "CACHE" : group) + "." + name : PREFIX + name;
  }

  /**
   * Reads and checks every setting.
   *
   * @throws SettingException naming the property and what it accepts
   * @throws IllegalArgumentException for a cache name that cannot name a group, or a property of a
   *     cache that is no setting
   */
  static Resolved resolve(Binder binder) {
    SettingResolver r = SettingResolver.builder()
        .source((setting, group) -> find(binder, setting, group))
        .names(new SettingNames() {
          @Override
          public String name(Setting<?> setting) {
            return property(setting, null);
          }

          @Override
          public String where(Setting<?> setting) {
            return "property '" + property(setting, null) + "'";
          }
        })
        .build();
    NodeSpec node = null;
    if (r.isGiven(NodeSettings.SELF, null)) {
      node = NodeSettings.resolve(r);
    } else {
      for (Setting<?> s : List.of(NodeSettings.PEERS, NodeSettings.PEERS_FILE, NodeSettings.PEERS_DNS,
          NodeSettings.PEER_LISTEN)) {
        if (r.isGiven(s, null)) {
          throw r.usage(s, null, "needs " + property(NodeSettings.SELF, null) + ", this node's peer URL exactly as "
              + "the peer list names it (e.g. http://10.0.0.1:8001); without it the node is one of this JVM alone");
        }
      }
    }
    String packages = r.get(ALLOWED_PACKAGES);
    List<String> allowed = packages == null ? List.of() : List.of(packages.split(","));
    Duration drain = r.get(DRAIN_TIMEOUT);
    Duration warmUp = r.get(WARM_UP);

    Map<String, Cache> caches = new LinkedHashMap<>();
    for (Map.Entry<String, Set<String>> e : declaredCaches(binder).entrySet()) {
      String name = e.getKey();
      try {
        NodeSettings.checkGroupName(name);
      } catch (IllegalArgumentException bad) {
        throw new IllegalArgumentException("groupcache4j.caches." + name + ": '" + name + "' cannot name a cache: "
            + bad.getMessage());
      }
      checkKeys(name, e.getValue());
      GroupSpec group = NodeSettings.resolveGroup(r, name);
      caches.put(name, new Cache(group, r.get(CODEC, name), r.get(MAX_KEY_BYTES, name)));
    }
    return new Resolved(node, allowed, drain, warmUp, caches);
  }

  /** What the properties give {@code setting}, as text (a list joined with commas; a DataSize as bytes). */
  private static SettingSource.Given find(Binder binder, Setting<?> setting, String group) {
    String property = property(setting, group);
    String text;
    if (setting.acceptsList() || setting == ALLOWED_PACKAGES) {
      List<String> list = binder.bind(property, Bindable.listOf(String.class)).orElse(null);
      text = list == null ? null : String.join(",", list);
    } else {
      text = binder.bind(property, Bindable.of(String.class)).orElse(null);
    }
    if (text == null) {
      return null;
    }
    if (setting == NodeSettings.CACHE_BYTES) {
      text = dataSize(text);
    } else if (setting.type() == Duration.class) {
      text = duration(setting, text);
    }
    return new SettingSource.Given(text, "property '" + property + "'", property, null);
  }

  /** Spring's {@code DataSize} text as plain bytes (64MB = 64 MiB); anything else as given, for the table's parser to judge. */
  private static String dataSize(String text) {
    try {
      return String.valueOf(DataSize.parse(text.strip()).toBytes());
    } catch (IllegalArgumentException e) {
      return text;
    }
  }

  /**
   * A duration the table's parser takes as it is, or else one in Spring's own styles as ISO-8601:
   * a plain number of milliseconds ({@code 500}), days ({@code 1d}); anything else (or a value out
   * of the setting's range) as given, for the table's parser to judge and report.
   */
  private static String duration(Setting<?> setting, String text) {
    try {
      setting.parse(text);
      return text;
    } catch (IllegalArgumentException notTheTables) {
      try {
        String iso = DurationStyle.detectAndParse(text.strip()).toString();
        setting.parse(iso);
        return iso;
      } catch (IllegalArgumentException notSpringsOrOutOfRange) {
        return text; // the table's message names the text as it was given
      }
    }
  }

  /** The declared caches and the property names given for each. */
  private static Map<String, Set<String>> declaredCaches(Binder binder) {
    ResolvableType props = ResolvableType.forClassWithGenerics(Map.class, String.class, String.class);
    Bindable<Map<String, Map<String, String>>> caches = Bindable.of(
        ResolvableType.forClassWithGenerics(Map.class, ResolvableType.forClass(String.class), props));
    Map<String, Set<String>> out = new LinkedHashMap<>();
    binder.bind("groupcache4j.caches", caches).orElse(Map.of())
        .forEach((name, given) -> out.put(name, new LinkedHashSet<>(given.keySet())));
    return out;
  }

  /** Each property of cache {@code name} must be one of the group settings (a misspelt one would be ignored). */
  private static void checkKeys(String name, Set<String> keys) {
    List<String> known = new ArrayList<>();
    for (SettingTable t : List.of(NodeSettings.TABLE, OWN)) {
      for (Setting<?> s : t.settings()) {
        if (s.scope() == Scope.GROUP) {
          known.add(s.name());
        }
      }
    }
    for (String k : keys) {
      String uniform = uniform(k);
      if (known.stream().noneMatch(s -> uniform(s).equals(uniform))) {
        throw new IllegalArgumentException("groupcache4j.caches." + name + "." + k + " is not a setting of a cache; "
            + "a cache takes " + String.join(", ", known));
      }
    }
  }

  /** A property name in Spring's uniform form: lower case, without dashes and underscores. */
  private static String uniform(String name) {
    return name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
  }

  private static String packages(String text) {
    for (String p : text.split(",")) {
      String s = p.strip();
      if (s.isEmpty() || s.startsWith(".") || s.endsWith(".") || s.contains("..") || s.contains("*") || s.contains("/")) {
        throw new IllegalArgumentException("'" + s + "' is not a package name; write e.g. com.example "
            + "(a package allows its sub-packages, no wildcard needed)");
      }
    }
    return text;
  }

  private static String codec(String text) {
    String t = text.strip();
    if (t.isEmpty()) {
      throw new IllegalArgumentException("use default, java, text, bytes or the name of a ValueCodec bean");
    }
    return t;
  }

  private static int positiveInt(String text) {
    try {
      int n = Integer.parseInt(text.strip());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException("use a whole number of 1 or more");
  }
}
