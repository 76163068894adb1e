package org.groupcache4j.server.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.groupcache4j.EvictionPolicy;
import org.groupcache4j.server.internal.NodeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code serve --config FILE}: the example file, flags over the file, and messages naming file, line and path. */
class ConfigFileTest {
  /** The repository's example file (the tests run in the server module). */
  static final Path EXAMPLE = Path.of("..", "config.example.yaml").toAbsolutePath().normalize();

  @TempDir
  Path dir;

  @Test
  void theExampleDeclaresANodeAndTwoGroupsWithTheirOrigins() {
    NodeConfig c = ServeCommand.configOf("--config", EXAMPLE.toString());
    assertThat(c.self()).isEqualTo("http://127.0.0.1:8001");
    assertThat(c.peers()).containsExactly("http://127.0.0.1:8001");
    assertThat(c.api()).hasSize(1);
    assertThat(c.groups()).extracting(NodeConfig.GroupConfig::name).containsExactly("scores", "pages");
    NodeConfig.GroupConfig scores = c.groups().get(0);
    assertThat(scores.originSpec()).isEqualTo("demo");
    assertThat(scores.cacheBytes()).isEqualTo(64L << 20);
    assertThat(scores.eviction()).isEqualTo(EvictionPolicy.COMPACT);
    NodeConfig.GroupConfig pages = c.groups().get(1);
    assertThat(pages.originSpec()).isEqualTo("http://127.0.0.1:8080/pages/{key}");
    assertThat(pages.cacheBytes()).isEqualTo(32L << 20);
    assertThat(pages.eviction()).isEqualTo(EvictionPolicy.LRU);
    assertThat(pages.hotStore()).isFalse();
    assertThat(pages.origin().timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(pages.freshness().ttl()).isEqualTo(Duration.ofMinutes(5));
    assertThat(scores.freshness().notFoundTtl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(scores.freshness().ttl()).isNull();
    assertThat(pages.loadTimeout()).as("a flag's default where the file says nothing").isEqualTo(Duration.ofSeconds(10));
    assertThat(c.totalCacheBytes()).isEqualTo(96L << 20);
  }

  @Test
  void flagsWinOverTheFileAndGroupFlagsSetTheGroupNamedByGroup() {
    NodeConfig c = ServeCommand.configOf("--config", EXAMPLE.toString(), "--self", "http://127.0.0.1:7001",
        "--peers", "http://127.0.0.1:7001,http://127.0.0.1:7002", "--group", "pages", "--cache-bytes", "1MiB",
        "--origin", "synthetic:10");
    assertThat(c.self()).isEqualTo("http://127.0.0.1:7001");
    assertThat(c.peers()).hasSize(2);
    assertThat(c.groups().get(0).cacheBytes()).isEqualTo(64L << 20);
    assertThat(c.groups().get(1).cacheBytes()).isEqualTo(1L << 20);
    assertThat(c.groups().get(1).originSpec()).isEqualTo("synthetic:10");
    assertThat(c.groups().get(1).eviction()).as("the rest of the group from the file").isEqualTo(EvictionPolicy.LRU);

    NodeConfig added = ServeCommand.configOf("--config", EXAMPLE.toString(), "--group", "extra", "--origin", "synthetic:1");
    assertThat(added.groups()).extracting(NodeConfig.GroupConfig::name).containsExactly("scores", "pages", "extra");

    assertThatThrownBy(() -> ServeCommand.configOf("--config", EXAMPLE.toString(), "--cache-bytes", "1MiB"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--cache-bytes sets one group").hasMessageContaining("scores, pages")
        .hasMessageContaining("--group NAME");
  }

  @Test
  void aGroupFlagSetsTheOnlyGroupOfAFile() throws Exception {
    Path f = file("groups:\n  books:\n    origin: synthetic:5\n");
    NodeConfig c = ServeCommand.configOf("--config", f.toString(), "--cache-bytes", "2MiB");
    assertThat(c.groups()).singleElement().satisfies(g -> {
      assertThat(g.name()).isEqualTo("books");
      assertThat(g.cacheBytes()).isEqualTo(2L << 20);
    });
  }

  @Test
  void mistakesNameTheFileTheLineThePathAndWhatIsAccepted() throws Exception {
    assertInvalid("groups:\n  scores:\n    origin: demo\n    cache-bytes: 64MB\n",
        "line 4, groups.scores.cache-bytes: '64MB'", "64MiB");
    assertInvalid("sefl: http://a:1\ngroups:\n  s: {origin: demo}\n", "line 1, sefl: unknown key", "self, api");
    assertInvalid("groups:\n  s:\n    origin: demo\n    tll: 5s\n", "line 4, groups.s.tll: unknown key", "cache-bytes");
    assertInvalid("groups:\n  s:\n    origin: [demo, demo]\n", "line 3, groups.s.origin: a list, but it takes one value");
    assertInvalid("peers: [http://a:1]\ngroups:\n  s: {origin: demo}\n", "line 1, peers: expected a mapping", "list");
    assertInvalid("self: http://127.0.0.1:1\npeers:\n  list: [http://127.0.0.1:2]\ngroups:\n  s: {origin: demo}\n",
        "line 3, peers.list", "does not list --self");
    assertInvalid("groups:\n  s:\n    origin: synthetic:1\n    eviction: fifo\n", "line 4, groups.s.eviction",
        "compact, w-tiny-lfu or lru");
    assertInvalid("groups:\n  s:\n    origin: synthetic:1\n    query: SELECT 1\n", "line 4, groups.s.query", "jdbc:");
    assertInvalid("groups:\n  s: {origin: demo}\n  s: {origin: demo}\n", "line 3, groups.s: the group is declared twice");
    assertInvalid("self: http://127.0.0.1:1\n", "no groups");
    assertInvalid("groups:\n  s: {origin: demo\n", "not valid YAML");
    assertThatThrownBy(() -> ServeCommand.configOf("--config", dir.resolve("missing.yaml").toString()))
        .hasMessageContaining("missing.yaml: cannot read it");
  }

  @Test
  void messagesHideTheSecretsOfTheFile() throws Exception {
    // The parser's message quotes the line it stopped at.
    assertThatThrownBy(() -> ServeCommand.configOf("--config",
        file("groups:\n  s: {origin: \"jdbc:postgresql://u:hunter2@h/db\", cache-bytes: ]}\n").toString()))
        .hasMessageContaining("not valid YAML: line 2, column 64: expected the node content, but found ']'")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> ServeCommand.configOf("--config",
        file("groups:\n  s: {origin: \"jdbc:postgresql://h/db?password=hunter2\"}\n").toString()))
        .hasMessageContaining("line 2, groups.s.origin: 'jdbc:postgresql://h/db?password=***'")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void aMistakeInTheFileIsAUsageErrorOfServe() throws Exception {
    Path f = file("groups:\n  scores:\n    cache-bytes: lots\n");
    CliTest.Run r = CliTest.run("serve", "--config", f.toString(), "--check");
    assertThat(r.code()).isEqualTo(Cli.USAGE);
    assertThat(r.err().lines().findFirst().orElse("")).contains(f.toString()).contains("line 3")
        .contains("groups.scores.cache-bytes");
    CliTest.Run ok = CliTest.run("serve", "--config", EXAMPLE.toString(), "--check");
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("group     scores, 64MiB").contains("group     pages, 32MiB");
  }

  @Test
  void theRingModeComesFromTheFileOrTheFlagThatWinsOverIt() throws Exception {
    Path f = file("ring: groupcache-go\npeers:\n  list: [http://127.0.0.1:8001, http://127.0.0.1:8002]\n"
        + "groups:\n  scores: {}\n");
    CliTest.Run fromFile = CliTest.run("serve", "--config", f.toString(), "--check");
    assertThat(fromFile.code()).as(fromFile.err()).isZero();
    assertThat(fromFile.out()).contains("ring      groupcache-go, 50 replicas");
    CliTest.Run flag = CliTest.run("serve", "--config", f.toString(), "--ring", "balanced", "--check");
    assertThat(flag.code()).as(flag.err()).isZero();
    assertThat(flag.out()).contains("ring      balanced\n");
    assertInvalid("ring: fnv\ngroups:\n  scores: {}\n", "line 1", "ring", "'fnv'", "golang, mailgun, groupcache-go, balanced");
    assertInvalid("ring: balanced\nreplicas: 64\ngroups:\n  scores: {}\n", "replicas", "balanced");
  }

  private Path file(String yaml) throws Exception {
    Path f = Files.createTempFile(dir, "node", ".yaml");
    Files.writeString(f, yaml);
    return f;
  }

  private void assertInvalid(String yaml, String... parts) throws Exception {
    Path f = file(yaml);
    assertThatThrownBy(() -> ServeCommand.configOf("--config", f.toString()))
        .as("%s", yaml)
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContainingAll(parts);
  }
}
