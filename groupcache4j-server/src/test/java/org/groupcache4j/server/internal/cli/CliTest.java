package org.groupcache4j.server.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.groupcache4j.testing.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line in this JVM: usage errors stop at once (exit 2) naming the flag and what it accepts. */
class CliTest {
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  private static void assertUsageError(Run r, String flag, String... accepted) {
    assertThat(r.code()).as(r.err()).isEqualTo(Cli.USAGE);
    String firstLine = r.err().lines().findFirst().orElse("");
    assertThat(firstLine).contains(flag);
    for (String a : accepted) {
      assertThat(firstLine).contains(a);
    }
    assertThat(r.err()).contains("--help");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void badCacheBytesNamesTheFlagAndTheAcceptedForms() {
    assertUsageError(run("serve", "--cache-bytes", "64MB"), "--cache-bytes", "'64MB'", "64MiB", "1GiB", "512KiB", "plain bytes");
  }

  @Test
  void everyBadValueIsAUsageErrorNamingItsFlag() {
    assertUsageError(run("serve", "--self", "127.0.0.1:8001"), "--self", "http://HOST:PORT");
    assertUsageError(run("serve", "--self", "http://127.0.0.1:8001", "--peers", "http://127.0.0.1:8002"),
        "--peers", "does not list --self");
    assertUsageError(run("serve", "--peers", "http://127.0.0.1:8001,http://127.0.0.1:8001"), "--peers", "listed twice");
    assertUsageError(run("serve", "--api", "9999"), "--api", "HOST:PORT");
    assertUsageError(run("serve", "--replicas", "0"), "--replicas", "1 or more");
    assertUsageError(run("serve", "--replicas", "many"), "--replicas", "'many'");
    assertUsageError(run("serve", "--eviction", "fifo"), "--eviction", "compact", "w-tiny-lfu", "lru");
    assertUsageError(run("serve", "--load-timeout", "10"), "--load-timeout", "200ms");
    assertUsageError(run("serve", "--origin-timeout", "0s"), "--origin-timeout", "longer than zero");
    assertUsageError(run("serve", "--base-path", "_groupcache"), "--base-path", "/_groupcache/");
    assertUsageError(run("serve", "--group", "a/b"), "--group", "without '/'");
    assertUsageError(run("serve", "--log-level", "LOUD"), "--log-level", "DEBUG");
    assertUsageError(run("serve", "--max-value-bytes", "0"), "--max-value-bytes");
    assertUsageError(run("serve", "--query", "SELECT 1"), "--query", "jdbc:");
    assertUsageError(run("serve", "--origin", "jdbc:h2:mem:x"), "--query", "?");
    assertUsageError(run("serve", "--api-threads", "0"), "--api-threads", "1 or more");
    assertUsageError(run("serve", "--handoff-time", "1h", "--check"), "--handoff-time", "at most 10m", "0");
    assertUsageError(run("serve", "--handoff-rate", "fast", "--check"), "--handoff-rate", "'fast'");
    // --check: were these taken, it would say the configuration is valid (exit 0).
    assertUsageError(run("serve", "--self", "http://127.0.0.1:70000", "--check"), "--self", "port 0..65535");
    assertUsageError(run("serve", "--ttl", "PT9999999999999H", "--check"), "--ttl", "too long a duration");
  }

  @Test
  void badValuesAreQuotedWithoutTheirSecrets() {
    Run jdbc = run("serve", "--origin", "jdbc:postgresql://127.0.0.1:1/db?user=u&password=hunter2", "--check");
    assertUsageError(jdbc, "--origin", "'jdbc:postgresql://127.0.0.1:1/db?user=u&password=***'", "needs a query");
    assertThat(jdbc.err()).doesNotContain("hunter2");
    Run self = run("serve", "--self", "http://u:hunter2@127.0.0.1:8001", "--check");
    assertUsageError(self, "--self", "'http://u:***@127.0.0.1:8001' is not a peer URL");
    assertThat(self.err()).doesNotContain("hunter2");
  }

  @Test
  void unknownFlagsSuggestTheRightOne() {
    Run r = run("serve", "--cach-bytes", "1");
    assertThat(r.code()).isEqualTo(Cli.USAGE);
    assertThat(r.err()).contains("--cach-bytes").contains("--cache-bytes");
  }

  @Test
  void originSpecErrorsNameTheOriginAndTheKinds(@TempDir Path tmp) throws Exception {
    Run r = run("serve", "--origin", "ftp://x/{key}");
    assertUsageError(r, "--origin ftp://x/{key}", "demo", "dir:PATH", "jdbc:URL", "synthetic:SIZE");
    assertUsageError(run("serve", "--origin", "http://127.0.0.1:1/nokey"), "--origin", "{key}");
    assertUsageError(run("serve", "--origin", "dir:" + tmp.resolve("missing")), "--origin", "is not a directory");
    Path file = Files.writeString(tmp.resolve("f"), "x");
    assertUsageError(run("serve", "--origin", "dir:" + file), "--origin", "is not a directory");
    assertUsageError(run("serve", "--origin", "synthetic:lots"), "--origin", "synthetic:SIZE[,delay=DURATION]");
    assertUsageError(run("serve", "--origin", "synthetic:100,delay=soon"), "--origin", "delay");
    assertUsageError(run("serve", "--origin", "synthetic:100,size=3"), "--origin", "unknown option");
    assertUsageError(run("serve", "--origin", "jdbc:h2:mem:clitest", "--query", "SELECT 1"), "--query", "exactly one ?");
  }

  @Test
  void unreachableDatabaseIsARuntimeErrorWithoutThePassword() {
    Run r = run("serve", "--origin", "jdbc:postgresql://127.0.0.1:1/db?password=hunter2", "--query",
        "SELECT v FROM t WHERE k = ?", "--origin-timeout", "1s");
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).contains("--origin jdbc:postgresql://127.0.0.1:1/db?password=***").doesNotContain("hunter2");
  }

  @Test
  void portsInUseAreNamed() {
    // A node that did start would block until a signal: bound the test instead of hanging.
    assertTimeoutPreemptively(Duration.ofSeconds(60), this::portsInUse);
  }

  private void portsInUse() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      Run peer = run("serve", "--self", "http://127.0.0.1:" + port, "--origin", "synthetic:10");
      assertThat(peer.code()).as(peer.err()).isEqualTo(1);
      assertThat(peer.err()).contains("--self http://127.0.0.1:" + port).contains("cannot listen")
          .contains("(is another node using the port?)");

      int free = FreePorts.port();
      Run api = run("serve", "--self", "http://127.0.0.1:" + free, "--origin", "synthetic:10",
          "--api", "127.0.0.1:" + port);
      assertThat(api.code()).as(api.err()).isEqualTo(1);
      assertThat(api.err()).contains("--api 127.0.0.1:" + port).contains("in use");
    }
  }

  @Test
  void helpListsEveryFlagWithItsDefault() {
    Run r = run("serve", "--help");
    assertThat(r.code()).isZero();
    for (String flag : List.of("--self", "--peers", "--api", "--group", "--cache-bytes", "--origin", "--query",
        "--base-path", "--replicas", "--load-timeout", "--origin-timeout", "--shutdown-grace", "--log-level", "--verbose")) {
      assertThat(r.out()).contains(flag);
    }
    String compact = r.out().replaceAll("\\s+", ""); // help text wraps anywhere
    assertThat(compact).contains("Default:http://127.0.0.1:8001").contains("Default:scores")
        .contains("Default:64MiB").contains("Default:demo").contains("Default:/_groupcache/")
        .contains("Default:50").contains("Default:10s").contains("Default:5s").contains("Default:INFO");
    assertThat(run("demo", "--help").out()).contains("--exit");
    assertThat(run("ring", "--help").out()).contains("--peers").contains("--replicas").contains("Default: 50");
    assertThat(run("--help").out()).contains("serve").contains("demo").contains("ring");
    assertThat(run("--version").out()).contains("groupcache4j");
  }

  @Test
  void noCommandIsAUsageError() {
    Run r = run();
    assertThat(r.code()).isEqualTo(Cli.USAGE);
    assertThat(r.err()).contains("serve, demo or ring");
  }

  @Test
  void ringPrintsTheOwnerOfEachKeyAsGolangGroupcacheDoes() {
    // Owners from golang/groupcache's consistenthash (shared test vectors, replicas 50).
    Run r = run("ring", "--peers", "http://127.0.0.1:8001,http://127.0.0.1:8002,http://127.0.0.1:8003",
        "Tom", "Jack", "Sam", "a b", "ключ", "键", "key0");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().lines()).containsExactly(
        "Tom\thttp://127.0.0.1:8001",
        "Jack\thttp://127.0.0.1:8003",
        "Sam\thttp://127.0.0.1:8001",
        "a b\thttp://127.0.0.1:8002",
        "ключ\thttp://127.0.0.1:8003",
        "键\thttp://127.0.0.1:8002",
        "key0\thttp://127.0.0.1:8002");
    Run one = run("ring", "--peers", "http://127.0.0.1:8001", "--replicas", "3", "anything");
    assertThat(one.out()).isEqualTo("anything\thttp://127.0.0.1:8001\n");
  }

  @Test
  void ringPrintsTheOwnersOfMailgunsAndGroupcacheGosRings() {
    // Owners that mailgun/groupcache v2.6.0's and groupcache-go v3.5.0's own code computed (the
    // interop anchors' keyowners, RESULTS.md).
    String[] keys = {"foo", "a b/c,d", "héllo", "user:42", "key-123"};
    Run mailgun = run(concat(new String[] {"ring", "--ring", "mailgun", "--peers",
        "http://10.0.0.1:8080,http://10.0.0.2:8080,http://10.0.0.3:8080"}, keys));
    assertThat(mailgun.code()).as(mailgun.err()).isZero();
    assertThat(mailgun.out().lines()).containsExactly("foo\thttp://10.0.0.2:8080", "a b/c,d\thttp://10.0.0.3:8080",
        "héllo\thttp://10.0.0.1:8080", "user:42\thttp://10.0.0.1:8080", "key-123\thttp://10.0.0.2:8080");
    Run go = run(concat(new String[] {"ring", "--ring", "groupcache-go", "--peers",
        "10.0.0.1:8080,10.0.0.2:8080,10.0.0.3:8080"}, keys));
    assertThat(go.code()).as(go.err()).isZero();
    assertThat(go.out().lines()).containsExactly("foo\t10.0.0.1:8080", "a b/c,d\t10.0.0.3:8080", "héllo\t10.0.0.1:8080",
        "user:42\t10.0.0.3:8080", "key-123\t10.0.0.3:8080");
    Run goUrls = run(concat(new String[] {"ring", "--ring", "GROUPCACHE-GO", "--peers",
        "http://10.0.0.1:8080,http://10.0.0.2:8080,https://10.0.0.3:8080"}, keys));
    assertThat(goUrls.out().lines()).as("the ring hashes host:port alone").containsExactly("foo\thttp://10.0.0.1:8080",
        "a b/c,d\thttps://10.0.0.3:8080", "héllo\thttp://10.0.0.1:8080", "user:42\thttps://10.0.0.3:8080",
        "key-123\thttps://10.0.0.3:8080");
    Run balanced = run("ring", "--ring", "balanced", "--peers", "http://a:1,http://b:2", "Tom");
    assertThat(balanced.code()).as(balanced.err()).isZero();
    assertThat(balanced.out()).isEqualTo("Tom\t" + org.groupcache4j.ring.HashRing.of(org.groupcache4j.ring.RingMode.BALANCED,
        List.of("http://a:1", "http://b:2")).owner("Tom") + "\n");
    assertThat(run("ring", "--help").out().replaceAll("\\s+", "")).contains("--ring=MODE").contains("groupcache-go")
        .contains("Default:golang").contains("--replicas=N"); // help text wraps anywhere
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  @Test
  void ringModeUsageErrors() {
    assertUsageError(run("ring", "--ring", "fnv", "--peers", "http://a:1", "Tom"), "--ring", "golang, mailgun, "
        + "groupcache-go, balanced");
    assertUsageError(run("ring", "--ring", "balanced", "--replicas", "3", "--peers", "http://a:1", "Tom"), "--replicas",
        "balanced");
    assertUsageError(run("ring", "--ring", "groupcache-go", "--peers", "10.0.0.1:8080,http://10.0.0.1:8080", "Tom"),
        "--peers", "10.0.0.1:8080");
    assertUsageError(run("ring", "--ring", "groupcache-go", "--peers", "10.0.0.1", "Tom"), "--peers", "HOST:PORT");
    assertUsageError(run("ring", "--ring", "mailgun", "--peers", "10.0.0.1:8080", "Tom"), "--peers", "http://HOST:PORT");
  }

  @Test
  void ringUsageErrors() {
    assertUsageError(run("ring", "Tom"), "--peers");
    assertUsageError(run("ring", "--peers", "http://127.0.0.1:8001"), "KEY");
    assertUsageError(run("ring", "--peers", "127.0.0.1:8001", "Tom"), "--peers", "http://HOST:PORT");
    assertUsageError(run("ring", "--peers", "http://a:1", "--replicas", "0", "Tom"), "--replicas");
  }
}
