package org.groupcache4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.groupcache4j.node.settings.NodeSettings;
import org.groupcache4j.node.settings.Scope;
import org.groupcache4j.node.settings.Setting;
import org.groupcache4j.node.settings.SettingTable;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The configuration metadata that IDEs complete from (made from {@link GroupCacheProperties})
 * against the settings table the values are read through: every setting has its property, with
 * its default, and there is no property that no setting reads.
 */
class ConfigurationMetadataTest {
  private static final List<SettingTable> TABLES = List.of(NodeSettings.TABLE, StarterSettings.OWN);
  /** Properties that are no setting of a node: the switch of the auto-configuration, and the map of caches. */
  private static final List<String> NOT_SETTINGS = List.of("groupcache4j.enabled", "groupcache4j.caches");

  private static Map<String, JsonNode> metadata() throws Exception {
    try (InputStream in = ConfigurationMetadataTest.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("the configuration processor's metadata").isNotNull();
      Map<String, JsonNode> byName = new LinkedHashMap<>();
      for (JsonNode p : JsonMapper.shared().readTree(in).path("properties")) {
        byName.put(p.path("name").asString(), p);
      }
      return byName;
    }
  }

  @Test
  void everyNodeSettingIsAPropertyWithItsDefaultAndEveryPropertyASetting() throws Exception {
    Map<String, JsonNode> meta = metadata();
    List<String> read = new ArrayList<>(NOT_SETTINGS);
    for (SettingTable t : TABLES) {
      for (Setting<?> s : t.settings()) {
        if (s.scope() == Scope.GROUP) {
          continue;
        }
        String property = StarterSettings.property(s, null);
        read.add(property);
        assertThat(meta).as("metadata of %s (setting %s)", property, s.name()).containsKey(property);
        assertThat(meta.get(property).path("description").asString()).as("help of %s", property).isNotBlank();
        sameDefault(s, property, meta.get(property).path("defaultValue"));
      }
    }
    assertThat(new TreeSet<>(meta.keySet())).as("properties that no setting reads").isSubsetOf(read);
  }

  @Test
  void everyGroupSettingIsAPropertyOfACacheAndEveryPropertyOfACacheASetting() throws Exception {
    Map<String, Object> defaults = new LinkedHashMap<>();
    GroupCacheProperties.Cache fresh = new GroupCacheProperties.Cache();
    for (PropertyDescriptor d : Introspector.getBeanInfo(GroupCacheProperties.Cache.class, Object.class).getPropertyDescriptors()) {
      defaults.put(kebab(d.getName()), d.getReadMethod().invoke(fresh));
    }
    List<String> settings = new ArrayList<>();
    for (SettingTable t : TABLES) {
      for (Setting<?> s : t.settings()) {
        if (s.scope() != Scope.GROUP) {
          continue;
        }
        settings.add(s.name());
        assertThat(defaults).as("GroupCacheProperties.Cache has %s", s.name()).containsKey(s.name());
        Object d = defaults.get(s.name());
        String text = d == null ? null : d instanceof DataSize ds ? String.valueOf(ds.toBytes())
            : d instanceof java.time.Duration du ? du.toString() : d instanceof Enum<?> e
                ? e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') : d.toString();
        assertThat(text == null ? null : s.parse(text)).as("default of caches.*.%s", s.name())
            .isEqualTo(s.defaultText() == null ? null : s.parse(s.defaultText()));
      }
    }
    assertThat(defaults.keySet()).as("properties of a cache that no setting reads").isSubsetOf(settings);
  }

  /** The values IDEs offer for groupcache4j.ring (additional metadata) are the ring modes the table takes, every one. */
  @Test
  void theRingsHintsAreEveryModeTheTableTakes() throws Exception {
    try (InputStream in = ConfigurationMetadataTest.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      List<String> values = new ArrayList<>();
      for (JsonNode h : JsonMapper.shared().readTree(in).path("hints")) {
        if (h.path("name").asString().equals("groupcache4j.ring")) {
          h.path("values").forEach(v -> values.add(v.path("value").asString()));
        }
      }
      List<Object> modes = new ArrayList<>();
      values.forEach(v -> modes.add(NodeSettings.RING.parse(v)));
      assertThat(modes).as("hints %s", values).containsExactlyInAnyOrder((Object[]) org.groupcache4j.ring.RingMode.values());
    }
  }

  /** The properties table of docs/spring.md names every property (a cache's as groupcache4j.caches.NAME.x), and no other. */
  @Test
  void theDocumentationsPropertiesTableNamesEveryPropertyAndNoOther() throws Exception {
    java.nio.file.Path page = java.nio.file.Path.of("..", "docs", "spring.md");
    java.util.Set<String> documented = new TreeSet<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\| `(groupcache4j\\.[a-zA-Z0-9.-]+)` \\|")
        .matcher(java.nio.file.Files.readString(page));
    while (m.find()) {
      documented.add(m.group(1));
    }
    java.util.Set<String> expected = new TreeSet<>(metadata().keySet());
    expected.remove("groupcache4j.caches");
    for (PropertyDescriptor d : Introspector.getBeanInfo(GroupCacheProperties.Cache.class, Object.class).getPropertyDescriptors()) {
      expected.add("groupcache4j.caches.NAME." + kebab(d.getName()));
    }
    assertThat(documented).as("the properties table of %s", page).isEqualTo(expected);
  }

  private static void sameDefault(Setting<?> s, String property, JsonNode given) {
    Object expected = s.defaultText() == null ? null : s.parse(s.defaultText());
    if (s == NodeSettings.SELF) {
      assertThat(given.isMissingNode()).as("%s has no default: without it the node is of this JVM alone", property).isTrue();
      return;
    }
    Object actual = given.isMissingNode() || given.isNull() ? null : s.parse(given.isBoolean() ? String.valueOf(given.asBoolean())
        : given.isNumber() ? String.valueOf(given.asLong()) : given.asString());
    if (expected instanceof Boolean b && actual == null) {
      actual = Boolean.FALSE; // a switch's default false is not written
    }
    assertThat(actual).as("default of %s", property).isEqualTo(expected);
  }

  private static String kebab(String camel) {
    return camel.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
  }
}
