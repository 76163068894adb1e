package org.groupcache4j.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real DNS server for tests: Debian's {@code dnsmasq} serving the records of a hosts file that
 * the test rewrites ({@link #setRecords}: the file is replaced and dnsmasq reloads it on SIGHUP).
 * It is authoritative for {@link #DOMAIN} (a name it does not have is NXDOMAIN) and caches nothing.
 *
 * <p>Without dnsmasq the test is skipped, unless {@code GROUPCACHE4J_REQUIRE_NET_TOOLS=1} (CI)
 * makes that a failure.
 */
public final class Dnsmasq implements AutoCloseable {
  /** The domain the server answers for. */
  public static final String DOMAIN = "gc4j.test";
  private static final Path BINARY = Path.of("/usr/sbin/dnsmasq");

  private final Path dir;
  private final Path hosts;
  private final Process process;
  private final InetSocketAddress address;

  private Dnsmasq(Path dir, InetAddress listen, List<String> extraArgs) throws IOException, InterruptedException {
    this.dir = dir;
    this.hosts = dir.resolve("hosts");
    Files.writeString(hosts, "");
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int port = freeUdpPort(listen);
      List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--keep-in-foreground", "--log-facility=-",
          "--port=" + port, "--listen-address=" + listen.getHostAddress(), "--bind-interfaces",
          "--no-resolv", "--no-hosts", "--no-negcache", "--local=/" + DOMAIN + "/",
          "--addn-hosts=" + hosts, "--pid-file=" + dir.resolve("pid"),
          "--user=" + System.getProperty("user.name")));
      cmd.addAll(extraArgs);
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
      InetSocketAddress a = new InetSocketAddress(listen, port);
      if (awaitAnswering(p, a)) {
        this.process = p;
        this.address = a;
        return;
      }
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      last = new IOException("dnsmasq did not start on " + a + ": " + Files.readString(dir.resolve("log")));
    }
    throw last;
  }

  /** Starts dnsmasq on a free UDP/TCP port of 127.0.0.1. */
  public static Dnsmasq start() throws IOException, InterruptedException {
    return start(InetAddress.getLoopbackAddress(), List.of());
  }

  /** Starts dnsmasq listening on {@code listen} (a free port), with more dnsmasq arguments. */
  public static Dnsmasq start(InetAddress listen, List<String> extraArgs) throws IOException, InterruptedException {
    requireBinary();
    Path dir = Files.createTempDirectory("gc4j-dnsmasq-");
    // dnsmasq reads the hosts file again on SIGHUP after dropping privileges.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    return new Dnsmasq(dir, listen, extraArgs);
  }

  /** Skips the calling test when dnsmasq is missing (fails it under GROUPCACHE4J_REQUIRE_NET_TOOLS=1). */
  public static void requireBinary() {
    boolean there = Files.isExecutable(BINARY);
    if (!there && "1".equals(System.getenv("GROUPCACHE4J_REQUIRE_NET_TOOLS"))) {
      throw new AssertionError(BINARY + " is missing; install Debian's dnsmasq-base (.ci/run does)");
    }
    Assumptions.assumeTrue(there, BINARY + " is missing (apt-get install dnsmasq-base); DNS test skipped");
  }

  /** Where the server answers (UDP and TCP). */
  public InetSocketAddress address() {
    return address;
  }

  /** {@code label.gc4j.test}. */
  public static String name(String label) {
    return label + "." + DOMAIN;
  }

  /**
   * Replaces every record: {@code records} maps a name to its addresses. dnsmasq has read the new
   * file when this returns (it answers a marker name of the new generation).
   */
  public void setRecords(Map<String, List<String>> records) throws IOException, InterruptedException {
    String marker = "gen-" + System.nanoTime();
    StringBuilder sb = new StringBuilder();
    records.forEach((n, addrs) -> addrs.forEach(a -> sb.append(a).append(' ').append(n).append('\n')));
    sb.append("127.0.0.9 ").append(name(marker)).append('\n');
    Path tmp = dir.resolve("hosts.tmp");
    Files.writeString(tmp, sb, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
    Files.move(tmp, hosts, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
      if (!PeerDiscovery.dns("http://" + name(marker) + ":1", address).lookup().isEmpty()) {
        return;
      }
      assertThat(System.nanoTime() - deadline).as("dnsmasq reloads %s; log: %s", hosts, log()).isNegative();
      Thread.sleep(50);
    }
  }

  /** dnsmasq's output so far. */
  public String log() {
    try {
      return Files.readString(dir.resolve("log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static boolean awaitAnswering(Process p, InetSocketAddress a) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline && p.isAlive()) {
      try {
        PeerDiscovery.dns("http://" + name("probe") + ":1", a).lookup();
        return true; // NXDOMAIN is an answer
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    return false;
  }

  private static int freeUdpPort(InetAddress listen) throws IOException {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(listen, 0))) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // temporary files only
    }
  }
}
