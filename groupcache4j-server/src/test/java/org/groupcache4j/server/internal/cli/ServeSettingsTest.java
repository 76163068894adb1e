package org.groupcache4j.server.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.groupcache4j.node.settings.NodeSettings;
import org.groupcache4j.node.settings.Scope;
import org.groupcache4j.node.settings.Setting;
import org.groupcache4j.node.settings.SettingSource;
import org.groupcache4j.server.internal.Logging;
import org.groupcache4j.server.internal.settings.ConfigFile;
import org.groupcache4j.server.internal.settings.FlagReference;
import org.groupcache4j.server.internal.settings.ServerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The options of {@code serve}, the keys of its config file and its flag reference are one table
 * ({@link ServerSettings#SERVE}): none has a setting the others lack.
 */
class ServeSettingsTest {
  @TempDir
  Path dir;

  private static List<OptionSpec> serveOptions() {
    CommandLine cl = Cli.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    return cl.getSubcommands().get("serve").getCommandSpec().options().stream()
        .filter(o -> !o.usageHelp() && !o.versionHelp()).toList();
  }

  @Test
  void everyOptionOfServeIsASettingOfTheTableAndEverySettingAnOption() {
    List<OptionSpec> options = serveOptions();
    assertThat(options).extracting(OptionSpec::longestName)
        .containsExactlyElementsOf(ServerSettings.SERVE.settings().stream().map(Setting::flag).toList());
    for (OptionSpec o : options) {
      Setting<?> s = ServerSettings.SERVE.find(o.longestName().substring(2)).orElseThrow();
      assertThat(o.names()).as(s.name()).containsExactlyInAnyOrderElementsOf(concat(s.aliases(), s.flag()));
      assertThat(o.description()).as(s.name()).containsExactly(s.description());
      assertThat(o.hidden()).as(s.name()).isEqualTo(s.hidden());
      assertThat(o.negatable()).as(s.name()).isEqualTo(s.negatable());
      assertThat(o.arity().max()).as(s.name()).isEqualTo(s.isSwitch() ? 0 : 1);
      if (!s.isSwitch()) {
        assertThat(o.paramLabel()).as(s.name()).isEqualTo(s.label());
      }
    }
    assertThat(ServerSettings.SERVE.containsAll(NodeSettings.TABLE)).as("the node's settings are all serve's").isTrue();
  }

  private static List<String> concat(List<String> a, String b) {
    List<String> all = new ArrayList<>(a);
    all.add(b);
    return all;
  }

  @Test
  void theConfigFileTakesTheKeysOfTheTableAndNoOthers() throws Exception {
    // The keys of today's files, section by section.
    assertThat(ServerSettings.SERVE.fileKeys(Scope.NODE)).containsExactlyInAnyOrder("self", "api", "peer-listen",
        "base-path", "ring", "replicas", "peer-connect-timeout", "peer-connections", "peer-threads", "api-threads",
        "api-max-connections", "api-idle-timeout", "tls-cert", "tls-key", "tls-ca", "peer-mtls", "api-tls",
        "api-token-file", "api-write-token-file", "peer-token-file", "shutdown-grace", "handoff-time", "handoff-rate",
        "warm-up", "log-level",
        "log-format");
    assertThat(ServerSettings.SERVE.fileKeys(Scope.PEERS)).containsExactly("list", "file", "dns", "dns-interval",
        "dns-server");
    assertThat(ServerSettings.SERVE.fileKeys(Scope.GROUP)).containsExactlyInAnyOrder("origin", "query", "jdbc-user",
        "jdbc-pool", "cache-bytes", "eviction", "hot-store", "load-timeout", "peer-timeout", "origin-timeout",
        "max-value-bytes", "ttl", "stale-if-error", "not-found-ttl");

    // A file with every key of the table: each is read, as the value of its setting.
    Map<Scope, StringBuilder> sections = new TreeMap<>();
    for (Scope scope : Scope.values()) {
      sections.put(scope, new StringBuilder());
    }
    for (Setting<?> s : ServerSettings.SERVE.settings()) {
      if (s.fileKey() != null) {
        sections.get(s.scope()).append("    ".substring(0, s.scope() == Scope.NODE ? 0 : s.scope() == Scope.PEERS ? 2 : 4))
            .append(s.fileKey()).append(s.acceptsList() ? ": [v-" + s.name() + ", w]\n" : ": v-" + s.name() + "\n");
      }
    }
    Path f = Files.writeString(dir.resolve("all.yaml"), sections.get(Scope.NODE) + "peers:\n" + sections.get(Scope.PEERS)
        + "groups:\n  g:\n" + sections.get(Scope.GROUP));
    ConfigFile file = ConfigFile.read(f);
    for (Setting<?> s : ServerSettings.SERVE.settings()) {
      SettingSource.Given given = file.find(s, "g");
      if (s.fileKey() == null) {
        assertThat(given).as(s.name()).isNull();
      } else {
        assertThat(given).as(s.name()).isNotNull();
        assertThat(given.text()).isEqualTo("v-" + s.name() + (s.acceptsList() ? ",w" : ""));
        assertThat(given.where()).startsWith(f + ", line ");
      }
    }

    // The settings of the command line alone have no key.
    for (Setting<?> s : ServerSettings.SERVE.settings()) {
      if (s.fileKey() == null) {
        Path bad = Files.writeString(dir.resolve(s.name() + ".yaml"), s.name() + ": x\ngroups:\n  g:\n");
        assertThatThrownBy(() -> ConfigFile.read(bad)).as(s.name()).hasMessageContaining(s.name() + ": unknown key");
      }
    }
  }

  @Test
  void theFlagReferenceHasARowForEveryFlagThatHelpShows() {
    String md = FlagReference.markdown();
    for (Setting<?> s : ServerSettings.SERVE.settings()) {
      String flag = s.negatable() ? "--[no-]" + s.name() : s.flag();
      if (s.hidden()) {
        assertThat(md).as(s.name()).doesNotContain(flag);
      } else {
        assertThat(md).as(s.name()).contains("| `" + String.join(", ", concat(s.aliases(), flag))
            + (s.label() == null ? "" : " " + s.label().replace("|", "\\|")) + "` | ");
      }
    }
    assertThat(md.lines().filter(l -> l.startsWith("| `-")).count())
        .isEqualTo(ServerSettings.SERVE.settings().stream().filter(s -> !s.hidden()).count());
  }

  @Test
  void everyDefaultParses() {
    for (Setting<?> s : ServerSettings.SERVE.settings()) {
      if (s.defaultText() != null) {
        assertThat(s.parse(s.defaultText())).as(s.name()).isNotNull();
      }
    }
  }

  @Test
  void resolvingAConfigurationConfiguresNoLogging() {
    Logger project = (Logger) LoggerFactory.getLogger("org.groupcache4j");
    Logger access = (Logger) LoggerFactory.getLogger(Logging.ACCESS_LOGGER);
    Level projectBefore = project.getLevel();
    Level accessBefore = access.getLevel();
    ServeCommand.configOf("--log-level", projectBefore == Level.ERROR ? "TRACE" : "ERROR", "--log-format", "json",
        "--access-log");
    assertThat(project.getLevel()).isEqualTo(projectBefore);
    assertThat(access.getLevel()).isEqualTo(accessBefore);
  }
}
