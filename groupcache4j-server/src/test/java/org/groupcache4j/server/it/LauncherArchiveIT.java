package org.groupcache4j.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class-data archive ({@code GROUPCACHE4J_CDS}). Its logic runs against a stand-in
 * {@code java} that records every call, "records" an archive when asked to and checks one as told
 * (fast and exact: made once, reused, made again when damaged or for another jar, never used when
 * it cannot be made or checked, JDK 25's AOT cache); one test runs it with the real JVM.
 */
class LauncherArchiveIT {
  private static final Pattern USED = Pattern.compile("-XX:(?:SharedArchiveFile|AOTCache)=(\\S+)");

  @TempDir
  Path scratch;
  private Path bin;
  private Path calls;
  private Path archives;
  private Path jar;
  private Processes processes;

  @BeforeEach
  void standIn() throws IOException {
    processes = new Processes();
    bin = Files.createDirectories(scratch.resolve("bin"));
    calls = scratch.resolve("calls.txt");
    archives = scratch.resolve("archives");
    jar = scratch.resolve("server.jar");
    Files.writeString(jar, "not a jar: the stand-in java never reads it");
    Path java = bin.resolve("java");
    Files.writeString(java, "#!/bin/sh\n"
        + "echo \"$*\" >> '" + calls + "'\n"
        + "case \"$*\" in *-XshowSettings:properties*)\n"
        + "  printf '    java.specification.version = %s\\n    java.vm.version = %s.0.1-standin\\n' "
        + "\"${STANDIN_FEATURE:-17}\" \"${STANDIN_FEATURE:-17}\" >&2; exit 0;;\nesac\n"
        + "out=; strict=\n"
        + "for a in \"$@\"; do case \"$a\" in\n"
        + "  -XX:ArchiveClassesAtExit=*|-XX:AOTCacheOutput=*) out=\"${a#*=}\";;\n"
        + "  -Xshare:on|-XX:AOTMode=on) strict=1;;\n"
        + "esac; done\n"
        + "if [ -n \"$out\" ]; then [ -e '" + scratch.resolve("fail-recording") + "' ] && exit 3; "
        + "echo \"archive $$\" > \"$out\"; exit 0; fi\n"
        + "if [ -n \"$strict\" ]; then [ -e '" + scratch.resolve("refuse") + "' ] && exit 1; exit 0; fi\n"
        + "echo \"node: $*\"\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @AfterEach
  void tearDown() {
    processes.close();
  }

  private record Run(int code, String output, List<String> calls) {
    /** The archive the node was started with, or null. */
    String archive() {
      String node = output.lines().filter(l -> l.startsWith("node: ")).findFirst().orElse("");
      Matcher m = USED.matcher(node);
      return m.find() ? m.group(1) : null;
    }

    long recordings() {
      return calls.stream().filter(c -> c.contains("-XX:ArchiveClassesAtExit=") || c.contains("-XX:AOTCacheOutput="))
          .count();
    }
  }

  private Run launch(Map<String, String> env, String... args) throws IOException, InterruptedException {
    Files.deleteIfExists(calls);
    List<String> cmd = new ArrayList<>(List.of(Processes.launcher().toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Map<String, String> e = pb.environment();
    e.put("PATH", bin + ":" + System.getenv("PATH"));
    e.put("JAVA_HOME", "/nonexistent/jdk");
    e.put("GROUPCACHE4J_JAR", jar.toString());
    e.put("GROUPCACHE4J_CDS_DIR", archives.toString());
    e.put("GROUPCACHE4J_CDS", "auto");
    e.remove("GROUPCACHE4J_JAVA_OPTS");
    e.putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out, Files.exists(calls) ? Files.readAllLines(calls) : List.of());
  }

  private Run serve(Map<String, String> env) throws IOException, InterruptedException {
    return launch(env, "serve", "--origin", "synthetic:10");
  }

  @Test
  void theFirstServeRecordsAnArchiveChecksItAndLaterOnesReuseIt() throws Exception {
    Run first = serve(Map.of());
    assertThat(first.code()).as(first.output()).isZero();
    assertThat(first.recordings()).isEqualTo(1);
    String recording = first.calls().stream().filter(c -> c.contains("-XX:ArchiveClassesAtExit=")).findFirst().orElseThrow();
    assertThat(recording).contains("serve").contains("--exit-when-ready").contains("--warm-up")
        .contains("--peer-listen 127.0.0.1:0").contains("--api 127.0.0.1:0");
    assertThat(first.calls()).anyMatch(c -> c.contains("-Xshare:on") && c.contains("-XX:SharedArchiveFile=")
        && c.endsWith("--version"));
    assertThat(first.output()).contains("recording the classes a node loads").contains("made ");
    String archive = first.archive();
    assertThat(archive).as(first.output()).isNotNull().startsWith(archives.toString()).endsWith(".jsa");
    assertThat(Path.of(archive)).isRegularFile();

    Run second = serve(Map.of());
    assertThat(second.code()).isZero();
    assertThat(second.recordings()).isZero();
    assertThat(second.archive()).isEqualTo(archive);
    assertThat(second.output()).doesNotContain("recording");
  }

  @Test
  void aDamagedArchiveIsMadeAgain() throws Exception {
    String archive = serve(Map.of()).archive();
    Files.writeString(Path.of(archive), "x", StandardOpenOption.APPEND); // no longer the bytes its name sums up
    Run r = serve(Map.of());
    assertThat(r.output()).contains(archive + " is damaged").contains("making it again");
    assertThat(r.recordings()).isEqualTo(1);
    assertThat(r.archive()).isNotNull().isNotEqualTo(archive);
    assertThat(Path.of(archive)).doesNotExist();
  }

  @Test
  void anotherJarGetsAnArchiveOfItsOwn() throws Exception {
    String archive = serve(Map.of()).archive();
    Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(5))); // a rebuilt jar
    Run r = serve(Map.of());
    assertThat(r.recordings()).isEqualTo(1);
    assertThat(r.archive()).isNotNull().isNotEqualTo(archive);
    Run opts = serve(Map.of("GROUPCACHE4J_JAVA_OPTS", "-Xmx64m")); // other options: another archive too
    assertThat(opts.recordings()).isEqualTo(1);
    assertThat(opts.archive()).isNotEqualTo(r.archive());
  }

  @Test
  void withoutAnArchiveItCouldMakeAndCheckTheNodeStartsWithoutOne() throws Exception {
    Files.createFile(scratch.resolve("fail-recording"));
    Run failed = serve(Map.of());
    assertThat(failed.code()).isZero();
    assertThat(failed.archive()).isNull();
    assertThat(failed.output()).contains("could not make the class-data archive").contains("starting without it");
    Files.delete(scratch.resolve("fail-recording"));

    Files.createFile(scratch.resolve("refuse")); // the JVM cannot map what was recorded
    Run refused = serve(Map.of());
    assertThat(refused.recordings()).isEqualTo(1);
    assertThat(refused.archive()).isNull();
    assertThat(refused.output()).contains("could not make the class-data archive");
    try (Stream<Path> left = Files.list(archives)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".jsa"));
    }
  }

  @Test
  void whileAnotherLauncherMakesItTheNodeStartsWithoutWaiting() throws Exception {
    Files.createFile(scratch.resolve("fail-recording"));
    Matcher log = Pattern.compile("its run's output: (\\S+)\\.log").matcher(serve(Map.of()).output());
    assertThat(log.find()).isTrue();
    Files.delete(scratch.resolve("fail-recording"));
    Process holder = new ProcessBuilder("flock", log.group(1) + ".lock", "sleep", "30").start();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> new ProcessBuilder("flock", "-n", log.group(1) + ".lock", "true")
          .start().waitFor() != 0);
      Run r = serve(Map.of());
      assertThat(r.code()).isZero();
      assertThat(r.recordings()).isZero();
      assertThat(r.archive()).isNull();
    } finally {
      holder.destroyForcibly();
      holder.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void jdk25GetsAnAotCache() throws Exception {
    Run r = serve(Map.of("STANDIN_FEATURE", "25"));
    assertThat(r.calls()).anyMatch(c -> c.contains("-XX:AOTCacheOutput="))
        .anyMatch(c -> c.contains("-XX:AOTMode=on") && c.contains("-XX:AOTCache=") && c.endsWith("--version"));
    assertThat(r.archive()).isNotNull().endsWith(".aot");
    assertThat(r.output()).containsPattern("node: .*-XX:AOTCache=");
  }

  @Test
  void offOtherCommandsAndTheUsersOwnSharingOptionsMakeNone() throws Exception {
    record Case(Map<String, String> env, List<String> args) {}
    for (Case c : List.of(
        new Case(Map.of("GROUPCACHE4J_CDS", "off"), List.of("serve", "--origin", "synthetic:10")),
        new Case(Map.of("GROUPCACHE4J_JAVA_OPTS", "-Xshare:off"), List.of("serve")),
        new Case(Map.of(), List.of("ring", "--peers", "http://a:1", "k")),
        new Case(Map.of(), List.of("serve", "--check")),
        new Case(Map.of(), List.of("serve", "--help")))) {
      Run r = launch(c.env(), c.args().toArray(String[]::new));
      assertThat(r.recordings()).as("%s", c).isZero();
      assertThat(r.archive()).as("%s", c).isNull();
    }
    Run bad = serve(Map.of("GROUPCACHE4J_CDS", "yes"));
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.output()).contains("GROUPCACHE4J_CDS=yes: use auto or off (the default)");
  }

  /** The real JVM: the recorded archive is one the next node maps (it would say so if it could not). */
  @Test
  void theRealJvmMapsTheArchiveItRecorded() throws Exception {
    Map<String, String> env = Map.of("GROUPCACHE4J_CDS", "auto", "GROUPCACHE4J_CDS_DIR", archives.toString());
    processes.startNode("first", env, "--origin", "synthetic:10", "--warm-up", "0");
    assertThat(processes.logText("first")).contains("made " + archives);
    Processes.Node second = processes.startNode("second", env, "--origin", "synthetic:10", "--warm-up", "0",
        "--log-level", "INFO");
    String cmdline = Files.readString(Path.of("/proc", Long.toString(second.process().pid()), "cmdline")).replace('\0', ' ');
    assertThat(cmdline).containsPattern("-XX:(SharedArchiveFile|AOTCache)=" + Pattern.quote(archives.toString()));
    assertThat(processes.logText("second")).doesNotContain("recording").doesNotContain("Unable to use shared archive")
        .doesNotContain("[warning]");
    assertThat(processes.ask(second.api(), "k").statusCode()).isEqualTo(200);
  }
}
