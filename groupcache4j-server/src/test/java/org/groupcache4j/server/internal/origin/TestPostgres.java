package org.groupcache4j.server.internal.origin;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.groupcache4j.testing.FreePorts;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL server of its own for a test: Debian's {@code postgresql} binaries, a cluster
 * made by {@code initdb} in a temporary directory, listening on a free port of 127.0.0.1, run as
 * the {@code postgres} user when the test runs as root (PostgreSQL refuses to run as root). Without
 * the binaries the test is skipped, unless {@code GROUPCACHE4J_REQUIRE_POSTGRES=1} (set by CI),
 * where it fails.
 */
final class TestPostgres implements AutoCloseable {
  private final Path bin;
  private final Path dir;
  private final int port;
  private final Thread stopAtExit;

  private TestPostgres(Path bin, Path dir, int port) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.stopAtExit = new Thread(this::stop, "stop-test-postgres");
  }

  /** Starts a server, or skips the test (fails it in CI) when PostgreSQL is not installed. */
  static TestPostgres start() throws Exception {
    Path bin = binaries();
    if (bin == null) {
      String why = "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/pg_ctl; apt-get install postgresql)";
      if ("1".equals(System.getenv("GROUPCACHE4J_REQUIRE_POSTGRES"))) {
        fail(why + ", and GROUPCACHE4J_REQUIRE_POSTGRES=1");
      }
      Assumptions.abort(why);
    }
    Path dir = Files.createTempDirectory("groupcache4j-pg-");
    TestPostgres pg = new TestPostgres(bin, dir, FreePorts.port());
    if (root()) {
      exec("chown", "-R", "postgres:postgres", dir.toString());
    }
    pg.asPostgres(pg.tool("initdb"), "-D", dir.resolve("data").toString(), "-U", "gc", "--auth=trust", "-E", "UTF8",
        "--no-sync", "--locale=C");
    Runtime.getRuntime().addShutdownHook(pg.stopAtExit);
    pg.ctl("start");
    return pg;
  }

  /** The JDBC URL of the server's {@code postgres} database as user {@code gc}. */
  String url() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=gc";
  }

  /** Runs SQL statements. */
  void sql(String... statements) throws SQLException {
    try (Connection c = DriverManager.getConnection(url()); Statement st = c.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    }
  }

  /** Restarts the server (a fast shutdown: open connections are terminated) and waits until it accepts again. */
  void restart() throws Exception {
    ctl("restart", "-m", "fast");
  }

  private void ctl(String action, String... more) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(tool("pg_ctl"), "-D", dir.resolve("data").toString(), "-l",
        dir.resolve("server.log").toString(), "-w", "-t", "60", "-o",
        "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", action));
    cmd.addAll(List.of(more));
    asPostgres(cmd.get(0), cmd.subList(1, cmd.size()).toArray(String[]::new));
  }

  private void stop() {
    try {
      asPostgres(tool("pg_ctl"), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
    } catch (Exception e) {
      // already stopped
    }
  }

  @Override
  public void close() throws IOException {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(stopAtExit);
    } catch (IllegalStateException e) {
      // shutting down
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private String tool(String name) {
    return bin.resolve(name).toString();
  }

  /** Runs a PostgreSQL tool, as the postgres user when we are root. */
  private void asPostgres(String tool, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    if (root()) {
      cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    cmd.add(tool);
    cmd.addAll(List.of(args));
    exec(cmd.toArray(String[]::new));
  }

  private static void exec(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " failed:\n" + new String(out, StandardCharsets.UTF_8));
    }
  }

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static Path binaries() throws IOException {
    Path base = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(base)) {
      return null;
    }
    try (Stream<Path> versions = Files.list(base)) {
      return versions.map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("pg_ctl")) && Files.isExecutable(b.resolve("initdb")))
          .max(Comparator.comparing(b -> versionOf(b.getParent().getFileName().toString())))
          .orElse(null);
    }
  }

  private static int versionOf(String name) {
    try {
      return Integer.parseInt(name);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

}
