package org.groupcache4j.node.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.groupcache4j.EvictionPolicy;
import org.groupcache4j.Group;
import org.groupcache4j.GroupCache;
import org.groupcache4j.http.HttpPeerTransport;
import org.groupcache4j.ring.HashRing;
import org.groupcache4j.ring.RingMode;
import org.junit.jupiter.api.Test;

/** A node's settings resolved from layered sources: defaults from the library, precedence, messages, checks across settings. */
class NodeSettingsTest {
  /** A source of {@code name=text} pairs ({@code group/name} for a group's), named {@code LABEL name} in messages. */
  static SettingSource source(String label, Path base, String... pairs) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      values.put(pairs[i], pairs[i + 1]);
    }
    return (s, group) -> {
      String key = group == null ? s.name() : group + "/" + s.name();
      String text = values.get(key);
      return text == null ? null : new SettingSource.Given(text, label + " " + key, label + " " + key + ":", base);
    };
  }

  static SettingResolver resolver(SettingSource... sources) {
    SettingResolver.Builder b = SettingResolver.builder().redact(t -> t.replace("hunter2", "***"));
    for (SettingSource s : sources) {
      b.source(s);
    }
    return b.build();
  }

  @Test
  void everyDefaultIsTheLibrarysAndParses() {
    for (Setting<?> s : NodeSettings.TABLE.settings()) {
      if (s.defaultText() != null) {
        assertThat(s.parse(s.defaultText())).as(s.name()).isNotNull();
      }
    }
    NodeSpec node = NodeSettings.resolve(resolver());
    assertThat(node.self()).isEqualTo("http://127.0.0.1:8001");
    assertThat(node.peers()).containsExactly(node.self());
    assertThat(node.peerSource()).isNull();
    assertThat(node.basePath()).isEqualTo(HttpPeerTransport.DEFAULT_BASE_PATH);
    assertThat(node.replicas()).isEqualTo(HashRing.DEFAULT_REPLICAS);
    assertThat(node.peerConnectTimeout()).isEqualTo(HttpPeerTransport.DEFAULT_CONNECT_TIMEOUT);
    assertThat(node.peerConnections()).isNull();
    assertThat(node.tlsCertificate()).isNull();
    assertThat(node.peerMtls()).isFalse();

    GroupSpec g = NodeSettings.resolveGroup(resolver(), "scores");
    assertThat(g.cacheBytes()).isEqualTo(Group.Builder.DEFAULT_CACHE_BYTES);
    assertThat(g.eviction()).isEqualTo(Group.Builder.DEFAULT_EVICTION_POLICY);
    assertThat(g.hotStore()).isEqualTo(Group.Builder.DEFAULT_HOT_STORE);
    assertThat(g.loadTimeout()).isEqualTo(Group.Builder.DEFAULT_LOAD_TIMEOUT);
    assertThat(g.peerTimeout()).isNull();
    assertThat(g.effectivePeerTimeout()).isEqualTo(Group.Builder.defaultPeerTimeout(g.loadTimeout()))
        .isEqualTo(Group.Builder.DEFAULT_LOAD_TIMEOUT.plusSeconds(1));
    assertThat(g.freshness()).isEqualTo(GroupSpec.Freshness.NONE);
    assertThat(NodeSettings.PEER_TIMEOUT.description()).contains("Default: --load-timeout + 1s.");
  }

  @Test
  void theRingModeIsTheLibrarysDefaultOrTheOneGivenAndItsOptionsAreChecked() {
    assertThat(NodeSettings.resolve(resolver()).ring()).isEqualTo(HashRing.DEFAULT_MODE);
    assertThat(NodeSettings.RING.defaultText()).isEqualTo(HashRing.DEFAULT_MODE.id());
    NodeSpec mailgun = NodeSettings.resolve(resolver(source("flag", null, "ring", "mailgun", "replicas", "64")));
    assertThat(mailgun.ring()).isEqualTo(RingMode.MAILGUN);
    assertThat(mailgun.replicas()).isEqualTo(64);
    NodeSpec balanced = NodeSettings.resolve(resolver(source("flag", null, "ring", "balanced")));
    assertThat(balanced.ring()).isEqualTo(RingMode.BALANCED);
    assertThat(balanced.replicas()).as("no replicas").isZero();
    assertThatThrownBy(() -> NodeSettings.resolve(resolver(source("flag", null, "ring", "crc"))))
        .isInstanceOf(SettingException.class)
        .hasMessage("Invalid value for flag ring: 'crc': use one of golang, mailgun, groupcache-go, balanced");
    assertThatThrownBy(() -> NodeSettings.resolve(resolver(source("flag", null, "ring", "balanced", "replicas", "50"))))
        .isInstanceOf(SettingException.class).hasMessageContaining("replicas")
        .hasMessageContaining("does not apply to").hasMessageContaining("balanced");
    assertThatThrownBy(() -> NodeSettings.resolve(resolver(source("flag", null, "ring", "groupcache-go",
        "self", "http://10.0.0.1:8001", "peers", "http://10.0.0.1:8001,https://10.0.0.1:8001"))))
        .isInstanceOf(SettingException.class).hasMessageContaining("peers")
        .hasMessageContaining("both 10.0.0.1:8001");
  }

  @Test
  void theFirstSourceThatGivesASettingWins() {
    SettingSource flags = source("flag", null, "replicas", "7", "scores/cache-bytes", "1MiB");
    SettingSource file = source("file", null, "replicas", "9", "base-path", "/x/", "scores/cache-bytes", "2MiB",
        "scores/ttl", "5m", "pages/cache-bytes", "3MiB");
    SettingResolver r = resolver(flags, file);
    NodeSpec node = NodeSettings.resolve(r);
    assertThat(node.replicas()).isEqualTo(7);
    assertThat(node.basePath()).isEqualTo("/x/");
    GroupSpec scores = NodeSettings.resolveGroup(r, "scores");
    assertThat(scores.cacheBytes()).isEqualTo(1L << 20);
    assertThat(scores.freshness().ttl()).isEqualTo(Duration.ofMinutes(5));
    assertThat(NodeSettings.resolveGroup(r, "pages").cacheBytes()).as("another group's own").isEqualTo(3L << 20);
    assertThat(NodeSettings.resolveGroup(r, "other").cacheBytes()).isEqualTo(Group.Builder.DEFAULT_CACHE_BYTES);
    assertThat(r.isGiven(NodeSettings.REPLICAS, null)).isTrue();
    assertThat(r.isGiven(NodeSettings.PEER_LISTEN, null)).isFalse();
  }

  @Test
  void aBadValueIsNamedAsItsSourceGaveItAndQuotedWithoutSecrets() {
    assertThatThrownBy(() -> NodeSettings.resolveGroup(resolver(source("file", null, "g/cache-bytes", "64MB")), "g"))
        .isInstanceOf(SettingException.class)
        .hasMessage("Invalid value for file g/cache-bytes: '64MB' is not a size; use plain bytes (e.g. 1048576) or "
            + "KiB, MiB, GiB, TiB (e.g. 512KiB, 64MiB, 1GiB)")
        .satisfies(e -> {
          assertThat(((SettingException) e).setting()).isSameAs(NodeSettings.CACHE_BYTES);
          assertThat(((SettingException) e).group()).isEqualTo("g");
        });
    assertThatThrownBy(() -> NodeSettings.resolve(resolver(source("flag", null, "self", "http://u:hunter2@h:1/"))))
        .hasMessageStartingWith("Invalid value for flag self: 'http://u:***@h:1/' is not a peer URL")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> NodeSettings.resolve(resolver(source("flag", null, "replicas", "0"))))
        .hasMessage("Invalid value for flag replicas: '0': use 1 or more (50 is golang/groupcache's default)");
    assertThatThrownBy(() -> NodeSettings.resolve(resolver(source("flag", null, "base-path", "x"))))
        .hasMessageContaining("'x' is not a base path").hasMessageContaining("/_groupcache/");
  }

  @Test
  void settingsAreCheckedTogether() {
    assertThatThrownBy(() -> NodeSettings.resolve(resolver(source("f", null, "self", "http://a:1", "peers", "http://b:1"))))
        .hasMessage("Invalid value for f peers: 'http://b:1': it does not list --self http://a:1; list every node, "
            + "this one included, exactly as each names itself");
    assertThatThrownBy(() -> NodeSettings.resolve(resolver(source("f", null, "peers-file", "/p", "peers-dns", "http://g:1"))))
        .hasMessageContaining("f peers-file").hasMessageContaining("give --peers-file or --peers-dns, not both");
    assertThatThrownBy(() -> NodeSettings.resolve(resolver(source("f", null, "peers-dns", "http://g:1", "peers", "http://127.0.0.1:8001"))))
        .hasMessageContaining("give --peers-dns or --peers, not both");
    assertThatThrownBy(() -> NodeSettings.resolve(resolver(source("f", null, "peers-dns-server", "127.0.0.1:53"))))
        .hasMessageContaining("it only applies with --peers-dns");
    assertThatThrownBy(() -> NodeSettings.resolve(resolver(source("f", null, "tls-cert", "c.pem"))))
        .hasMessageContaining("f tls-cert").hasMessageContaining("give --tls-cert and --tls-key together");
    assertThatThrownBy(() -> NodeSettings.resolve(resolver(source("f", null, "self", "https://a:1"))))
        .hasMessageContaining("an https:// peer URL needs --tls-cert and --tls-key");
    assertThatThrownBy(() -> NodeSettings.resolve(resolver(source("f", null, "peer-mtls", "true"))))
        .hasMessage("f peer-mtls: needs an https:// --self (was http://127.0.0.1:8001)");
    assertThatThrownBy(() -> NodeSettings.resolve(resolver(source("f", null, "self", "https://a:1", "tls-cert", "c",
        "tls-key", "k", "peer-mtls", "on"))))
        .hasMessageStartingWith("f peer-mtls: needs --tls-ca, the CA");
  }

  @Test
  void messagesNameOtherSettingsAsTheNamesSayAndPointToOtherSources() {
    SettingNames properties = new SettingNames() {
      @Override
      public String name(Setting<?> s) {
        return "groupcache4j." + s.name();
      }

      @Override
      public String alsoIn(String conjunction, List<Setting<?>> settings) {
        return " (or their environment variables)";
      }
    };
    SettingResolver r = SettingResolver.builder().names(properties).source(source("p", null, "tls-key", "k.pem")).build();
    assertThatThrownBy(() -> NodeSettings.resolve(r)).hasMessage("Invalid value for p tls-key: 'k.pem': give "
        + "groupcache4j.tls-cert and groupcache4j.tls-key together (or their environment variables)");
    SettingResolver defaults = SettingResolver.builder().names(properties).build();
    assertThat(defaults.usage(NodeSettings.PEER_MTLS, null, "x").getMessage()).isEqualTo("groupcache4j.peer-mtls x");
    assertThat(defaults.invalid(NodeSettings.SELF, null, "y").getMessage())
        .isEqualTo("Invalid value for option 'groupcache4j.self': y");
  }

  @Test
  void aRelativePathIsTakenFromItsSourcesDirectory() {
    Path conf = Path.of("/etc/gc");
    SettingResolver r = resolver(source("flag", null, "tls-ca", "ca.pem"),
        source("file", conf, "tls-cert", "tls/node.pem", "tls-key", "/abs/node.key", "tls-ca", "other.pem",
            "peers-file", "peers.txt"));
    NodeSpec node = NodeSettings.resolve(r);
    assertThat(node.tlsCertificate()).isEqualTo(Path.of("/etc/gc/tls/node.pem"));
    assertThat(node.tlsKey()).isEqualTo(Path.of("/abs/node.key"));
    assertThat(node.tlsCa()).as("a flag's path is taken as it is").isEqualTo(Path.of("ca.pem"));
    assertThat(node.peerSource().file()).isEqualTo(Path.of("/etc/gc/peers.txt"));
    assertThatThrownBy(() -> NodeSettings.resolve(resolver(source("f", null, "tls-cert", " ", "tls-key", "k"))))
        .hasMessageContaining("name the certificate file (PEM)");
  }

  @Test
  void peersFromDns() {
    NodeSpec n = NodeSettings.resolve(resolver(source("f", null, "peers-dns", "http://g.example:8001",
        "peers-dns-server", "127.0.0.1:5353", "peers-dns-interval", "2s")));
    assertThat(n.peerSource().dnsUrl()).isEqualTo("http://g.example:8001");
    assertThat(n.peerSource().dnsServer()).isEqualTo(new InetSocketAddress("127.0.0.1", 5353));
    assertThat(n.peerSource().interval()).isEqualTo(Duration.ofSeconds(2));
    assertThatThrownBy(() -> NodeSettings.resolve(resolver(source("f", null, "peers-dns", "g.example:8001"))))
        .hasMessageContaining("f peers-dns").hasMessageContaining("http://");
    assertThatThrownBy(() -> NodeSettings.resolve(resolver(source("f", null, "peers-dns", "http://g.example"))))
        .hasMessageContaining("http://NAME:PORT");
  }

  @Test
  void groupNames() {
    assertThat(NodeSettings.checkGroupName("scores")).isEqualTo("scores");
    for (String bad : new String[] {"", "a/b", "a b", "a\tb", "a\u007fb"}) {
      assertThatThrownBy(() -> NodeSettings.checkGroupName(bad)).as(bad)
          .hasMessage("use a name without '/', spaces or control characters, e.g. scores");
    }
  }

  @Test
  void aGroupSpecConfiguresAGroup() {
    GroupSpec spec = NodeSettings.resolveGroup(resolver(source("f", null, "g/cache-bytes", "1MiB", "g/eviction", "lru",
        "g/load-timeout", "2s", "g/ttl", "1m")), "g");
    try (GroupCache cache = GroupCache.builder().build()) {
      Group g = spec.applyTo(cache.groupBuilder("g")).loader(k -> new byte[0]).build();
      assertThat(g.cacheBytes()).isEqualTo(1L << 20);
      assertThat(g.evictionPolicy()).isEqualTo(EvictionPolicy.LRU);
      assertThat(g.loadTimeout()).isEqualTo(Duration.ofSeconds(2));
    }
  }

  @Test
  void aTableRefusesTwoSettingsOfOneNameOrKey() {
    Setting<String> a = Setting.of("a", Scope.NODE, String.class, t -> t).label("A").help("a").build();
    Setting<String> a2 = Setting.of("a", Scope.GROUP, String.class, t -> t).label("A").help("a").build();
    Setting<String> b = Setting.of("b", Scope.PEERS, String.class, t -> t).label("B").fileKey("list").help("b").build();
    Setting<String> c = Setting.of("c", Scope.PEERS, String.class, t -> t).label("C").fileKey("list").help("c").build();
    assertThatThrownBy(() -> SettingTable.of(a, a2)).hasMessageContaining("two settings are named a");
    assertThatThrownBy(() -> SettingTable.of(b, c)).hasMessageContaining("the same config-file key list");
    assertThatThrownBy(() -> Setting.of("CacheBytes", Scope.NODE, String.class, t -> t))
        .hasMessageContaining("kebab-case");
    SettingTable t = SettingTable.of(a, b);
    assertThat(t.fileKeys(Scope.PEERS)).containsExactly("list");
    assertThat(t.byFileKey(Scope.PEERS, "list")).contains(b);
    assertThat(t.find("b")).contains(b);
  }

  @Test
  void theMarkdownReferenceHasARowPerShownSetting() {
    String md = NodeSettings.TABLE.markdown();
    assertThat(md).startsWith("| Flag | Config file | Default | What it does |\n|---|---|---|---|\n");
    assertThat(md.lines().count()).isEqualTo(2 + NodeSettings.TABLE.settings().size());
    assertThat(md).contains("| `--cache-bytes SIZE` | `groups.NAME.cache-bytes` | `64MiB` | Cache budget")
        .contains("| `--peers URL,URL,...` | `peers.list` | --self alone |")
        .contains("| `--replicas N` | `replicas` | `50` (as golang/groupcache, mailgun and groupcache-go) |")
        .contains("| `--ring MODE` | `ring` | `golang` | How the ring places keys")
        .contains("| `--[no-]hot-store` | `groups.NAME.hot-store` | `true` |")
        .contains("| `--[no-]peer-mtls` | `peer-mtls` |  | Mutual TLS");
    Setting<Boolean> hidden = Setting.ofSwitch("secret", Scope.NODE).hidden().commandLineOnly().help("x | y").build();
    Setting<String> piped = Setting.of("p", Scope.NODE, String.class, t -> t).label("A|B").help("x | y").build();
    assertThat(SettingTable.of(hidden, piped).markdown()).doesNotContain("secret")
        .contains("| `--p A\\|B` | `p` |  | x \\| y |");
  }
}
