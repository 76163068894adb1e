package org.groupcache4j.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's own logic, on a copy of it in a scratch checkout with a stand-in {@code mvn} that
 * records each build and "builds" by copying the real jar: it builds when the jar is missing or
 * older than a source or pom, not otherwise, and it passes arguments and exit codes through.
 */
class LauncherIT {
  @TempDir
  Path repo;
  private Path bin;
  private Path builds;
  private Path jarInRepo;
  private Processes processes;

  @BeforeEach
  void scratchCheckout() throws Exception {
    processes = new Processes();
    Files.copy(Processes.launcher(), repo.resolve("groupcache4j"), StandardCopyOption.COPY_ATTRIBUTES);
    Files.writeString(repo.resolve("pom.xml"), "<project/>");
    for (String m : List.of("groupcache4j-core", "groupcache4j-http", "groupcache4j-server")) {
      Files.createDirectories(repo.resolve(m + "/src/main/java"));
      Files.writeString(repo.resolve(m + "/pom.xml"), "<project/>");
      Files.writeString(repo.resolve(m + "/src/main/java/A.java"), "class A {}");
    }
    jarInRepo = repo.resolve("groupcache4j-server/target/groupcache4j-server.jar");
    bin = Files.createDirectories(repo.resolve("fakebin"));
    builds = repo.resolve("builds.txt");
    Path mvn = bin.resolve("mvn");
    Files.writeString(mvn, "#!/bin/sh\n"
        + "echo \"$*\" >> '" + builds + "'\n"
        + "mkdir -p '" + jarInRepo.getParent() + "'\n"
        + "cp '" + Processes.jar() + "' '" + jarInRepo + "'\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @AfterEach
  void tearDown() throws Exception {
    processes.close();
  }

  private Processes.Result launch(String... args) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder();
    pb.command().add(repo.resolve("groupcache4j").toString());
    pb.command().addAll(List.of(args));
    pb.environment().remove("GROUPCACHE4J_JAR");
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    pb.environment().put("JAVA_HOME", "/nonexistent/jdk"); // falls back to java on PATH or /usr/lib/jvm
    pb.environment().put("GROUPCACHE4J_CDS", "off"); // the archive has tests of its own (LauncherArchiveIT)
    pb.redirectErrorStream(true);
    Path log = Files.createTempFile(processes.logs, "launch", ".log");
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("launcher did not end: " + Files.readString(log));
    }
    return new Processes.Result(p.exitValue(), Files.readString(log));
  }

  private List<String> builds() throws IOException {
    return Files.exists(builds) ? Files.readAllLines(builds) : List.of();
  }

  @Test
  void buildsOnlyWhenTheJarIsMissingOrStale() throws Exception {
    age(repo, Duration.ofHours(1));
    Processes.Result first = launch("--version");
    assertThat(first.code()).as(first.output()).isZero();
    assertThat(first.output()).contains("building the server").contains("groupcache4j");
    assertThat(builds()).containsExactly("-B -q -DskipTests -pl groupcache4j-server -am package");

    Processes.Result second = launch("--version");
    assertThat(second.code()).as(second.output()).isZero();
    assertThat(second.output()).doesNotContain("building");
    assertThat(builds()).hasSize(1);

    // A jar older than every source: still fresh.
    age(jarInRepo, Duration.ofMinutes(50));
    assertThat(launch("--version").code()).isZero();
    assertThat(builds()).hasSize(1);

    // One source newer than the jar: rebuilt. Likewise a module pom and the root pom.
    for (String changed : List.of("groupcache4j-http/src/main/java/A.java", "groupcache4j-core/pom.xml", "pom.xml")) {
      age(repo, Duration.ofHours(1));
      age(jarInRepo, Duration.ofMinutes(40));
      age(repo.resolve(changed), Duration.ofMinutes(30));
      int before = builds().size();
      Processes.Result r = launch("--version");
      assertThat(r.code()).as(r.output()).isZero();
      assertThat(builds()).as("after changing %s", changed).hasSize(before + 1);
    }
  }

  /** Sets the modification time of {@code path} and everything under it to {@code ago} before now. */
  private static void age(Path path, Duration ago) throws IOException {
    FileTime t = FileTime.from(Instant.now().minus(ago));
    try (var all = Files.walk(path)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Files.setLastModifiedTime(p, t);
      }
    }
  }

  @Test
  void argumentsAndExitCodesPassThrough() throws Exception {
    Files.createDirectories(jarInRepo.getParent());
    Files.copy(Processes.jar(), jarInRepo);
    Processes.Result ring = launch("ring", "--peers", "http://127.0.0.1:8001,http://127.0.0.1:8002", "a key", "ключ");
    assertThat(ring.code()).as(ring.output()).isZero();
    assertThat(ring.output()).contains("a key\thttp://127.0.0.1:").contains("ключ\thttp://127.0.0.1:");
    Processes.Result bad = launch("serve", "--cache-bytes", "64MB");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.output()).contains("--cache-bytes").contains("64MiB");
    assertThat(builds()).isEmpty();
  }

  @Test
  void usageErrorsThroughTheRealLauncherStopAtOnce() throws Exception {
    Processes.Result r = processes.run("bad-flag", Duration.ofSeconds(60), "serve", "--cache-bytes", "lots");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.output()).contains("Invalid value for option '--cache-bytes': 'lots' is not a size")
        .contains("64MiB").contains("1GiB").contains("512KiB");
    Processes.Result help = processes.run("help", Duration.ofSeconds(60), "serve", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.output()).contains("--cache-bytes").contains("--origin").contains("Default:");
  }
}
