package org.groupcache4j.server.internal.settings;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.groupcache4j.node.settings.NodeSettings;
import org.groupcache4j.node.settings.Scope;
import org.groupcache4j.node.settings.Setting;
import org.groupcache4j.node.settings.SettingSource;
import org.groupcache4j.server.internal.origin.Origins;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A {@code serve --config FILE}: YAML, read with jackson-dataformat-yaml's streaming parser so that
 * every value keeps its line for messages. The file's keys are the {@code serve} flags without
 * their dashes; node settings at the top, peers under {@code peers}, and each group's settings
 * under {@code groups.NAME}:
 *
 * <pre>
 * self: https://10.0.0.1:8443
 * api: 0.0.0.0:9000
 * tls-cert: node.pem
 * tls-key: node.key
 * tls-ca: ca.pem
 * peer-mtls: true
 * api-token-file: api.token
 * peers:
 *   list: [https://10.0.0.1:8443, https://10.0.0.2:8443]
 * groups:
 *   scores: {origin: demo, cache-bytes: 64MiB}
 *   pages: {origin: "http://backend:8080/pages/{key}", cache-bytes: 256MiB, eviction: lru}
 * </pre>
 *
 * <p>The keys are those of the settings of {@link ServerSettings#SERVE} that a file may give, in
 * their scope's section (TLS and token files relative to the config file, switches true or
 * false); the {@code peers} section names its keys {@code list}, {@code file}, {@code dns},
 * {@code dns-interval}, {@code dns-server} (flags {@code --peers}, {@code --peers-file},
 * {@code --peers-dns}, ...). This class checks the shape (known keys, a scalar or a list where one
 * is expected); each value is checked by its setting's parser, as its flag is.
 */
public final class ConfigFile implements SettingSource {
  /** Node settings at the top level (those of peers and groups are in their sections). */
  private static final List<String> NODE_KEYS = ServerSettings.SERVE.fileKeys(Scope.NODE);

  /** A value of the file: its text (a list joined with commas), its path of keys and its line. */
  record Entry(String text, String path, int line) {}

  /** A malformed file: the message names the file, the line and the path of keys. */
  public static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message);
    }
  }

  private final Path file;
  private final Map<String, Entry> node = new LinkedHashMap<>();
  private final Map<String, Entry> peers = new LinkedHashMap<>();
  /** Groups in file order, each with its settings. */
  private final Map<String, Map<String, Entry>> groups = new LinkedHashMap<>();

  private ConfigFile(Path file) {
    this.file = file;
  }

  /** The file, as it was named. */
  public Path file() {
    return file;
  }

  /** The groups the file declares, in its order. */
  public List<String> groups() {
    return List.copyOf(groups.keySet());
  }

  /**
   * The value the file gives {@code setting} (for {@code group}, a group setting), named
   * {@code FILE, line N, PATH}; a path in it is taken from the file's directory.
   */
  @Override
  public Given find(Setting<?> setting, String group) {
    if (setting.fileKey() == null) {
      return null;
    }
    Map<String, Entry> section = switch (setting.scope()) {
      case NODE -> node;
      case PEERS -> peers;
      case GROUP -> groups.get(group);
    };
    Entry e = section == null ? null : section.get(setting.fileKey());
    return e == null ? null : new Given(e.text(), where(e), where(e) + ":", file.toAbsolutePath().getParent());
  }

  /** Reads and checks {@code file}. */
  public static ConfigFile read(Path file) throws Invalid {
    ConfigFile c = new ConfigFile(file);
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new Invalid(file + ": cannot read it: " + e);
    }
    try (JsonParser p = new YAMLFactory().createParser(text)) {
      if (p.nextToken() == null) {
        throw c.invalid(1, "", "the file is empty; it needs at least 'groups'");
      }
      c.top(p);
    } catch (IOException e) {
      throw new Invalid(file + ": not valid YAML: " + yamlProblem(e));
    }
    if (c.groups.isEmpty()) {
      throw c.invalid(1, "groups", "no groups; declare at least one, e.g. groups: {scores: {origin: demo}}");
    }
    return c;
  }

  /**
   * What the parser found wrong and where, without the parser's quote of the line (it may hold a
   * password of an origin URL).
   */
  private static String yamlProblem(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MarkedYAMLException m && m.getProblemMark() != null) {
        return "line " + (m.getProblemMark().getLine() + 1) + ", column " + (m.getProblemMark().getColumn() + 1) + ": "
            + m.getProblem() + (m.getContext() == null ? "" : " (" + m.getContext() + ")");
      }
    }
    String m = String.valueOf(e.getMessage());
    int at = m.indexOf("\n at [");
    return Origins.redact(at < 0 ? m : m.substring(0, at)).strip();
  }

  /** Where an entry is, for messages: {@code FILE, line N, PATH}. */
  private String where(Entry e) {
    return file + ", line " + e.line() + ", " + e.path();
  }

  private Invalid invalid(int line, String path, String why) {
    return new Invalid(file + ", line " + line + (path.isEmpty() ? "" : ", " + path) + ": " + why);
  }

  private void top(JsonParser p) throws IOException, Invalid {
    expectObject(p, "", "the settings of the node, with 'groups'");
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      int line = line(p);
      p.nextToken();
      switch (key) {
        case "peers" -> section(p, "peers", Scope.PEERS, peers);
        case "groups" -> groups(p);
        default -> {
          if (!NODE_KEYS.contains(key)) {
            throw invalid(line, key, "unknown key; the top level accepts " + String.join(", ", NODE_KEYS)
                + ", peers, groups");
          }
          put(node, Scope.NODE, key, key, p);
        }
      }
    }
  }

  private void groups(JsonParser p) throws IOException, Invalid {
    expectObject(p, "groups", "one entry per group, e.g. scores: {origin: demo, cache-bytes: 64MiB}");
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      int line = line(p);
      try {
        NodeSettings.checkGroupName(name);
      } catch (IllegalArgumentException e) {
        throw invalid(line, "groups", "group name '" + name + "': " + e.getMessage());
      }
      if (groups.containsKey(name)) {
        throw invalid(line, "groups." + name, "the group is declared twice");
      }
      p.nextToken();
      Map<String, Entry> settings = new LinkedHashMap<>();
      if (p.currentToken() != JsonToken.VALUE_NULL) { // "name:" alone: every setting has its default
        section(p, "groups." + name, Scope.GROUP, settings);
      }
      groups.put(name, settings);
    }
  }

  private void section(JsonParser p, String path, Scope scope, Map<String, Entry> into)
      throws IOException, Invalid {
    List<String> keys = ServerSettings.SERVE.fileKeys(scope);
    expectObject(p, path, "keys " + String.join(", ", keys));
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      int line = line(p);
      if (!keys.contains(key)) {
        throw invalid(line, path + "." + key, "unknown key; " + path + " accepts " + String.join(", ", keys));
      }
      p.nextToken();
      put(into, scope, key, path + "." + key, p);
    }
  }

  /** The value of setting {@code key} of {@code scope} at {@code path}: one, or a list where the setting takes one. */
  private void put(Map<String, Entry> into, Scope scope, String key, String path, JsonParser p)
      throws IOException, Invalid {
    boolean list = ServerSettings.SERVE.byFileKey(scope, key).map(Setting::acceptsList).orElse(false);
    int line = line(p);
    if (into.containsKey(key)) {
      throw invalid(line, path, "given twice (also on line " + into.get(key).line() + ")");
    }
    String text;
    if (p.currentToken() == JsonToken.START_ARRAY) {
      if (!list) {
        throw invalid(line, path, "a list, but it takes one value");
      }
      List<String> items = new ArrayList<>();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        if (!p.currentToken().isScalarValue()) {
          throw invalid(line(p), path, "a list of values expected, found " + describe(p.currentToken()));
        }
        items.add(p.getText());
      }
      text = String.join(",", items);
    } else if (p.currentToken().isScalarValue() && p.currentToken() != JsonToken.VALUE_NULL) {
      text = p.getText();
    } else {
      throw invalid(line, path, (list ? "a value or a list of values" : "a value") + " expected, found "
          + describe(p.currentToken()));
    }
    into.put(key, new Entry(text, path, line));
  }

  private void expectObject(JsonParser p, String path, String what) throws Invalid {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw invalid(line(p), path, "expected a mapping (" + what + "), found " + describe(p.currentToken()));
    }
  }

  private static int line(JsonParser p) {
    return p.currentTokenLocation().getLineNr();
  }

  private static String describe(JsonToken t) {
    return switch (t) {
      case START_OBJECT -> "a mapping";
      case START_ARRAY -> "a list";
      case VALUE_NULL -> "nothing";
      default -> "a value";
    };
  }
}
