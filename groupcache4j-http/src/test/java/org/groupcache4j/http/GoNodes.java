package org.groupcache4j.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real golang/groupcache nodes for interop tests: the project's anchor {@code node.go} (test
 * resource {@code /go/node.go}), built offline from Debian's packages, started as processes and
 * stopped after the test. Without {@code go} the test is skipped, unless
 * {@code GROUPCACHE4J_REQUIRE_GO=1}, which makes it fail instead.
 */
final class GoNodes implements AutoCloseable {
  private final Path dir;
  private final Path bin;
  private final List<Process> nodes = new ArrayList<>();

  /** Nodes of the binary {@code bin} built elsewhere (the other lineages' anchors, {@link LineageNodes}), logging into {@code dir}. */
  GoNodes(Path dir, Path bin) {
    this.dir = dir;
    this.bin = bin;
  }

  /** Builds node.go in {@code dir} (skips the calling test when Go is missing and not required). */
  static GoNodes build(Path dir) throws Exception {
    String go = findGo();
    if (go == null) {
      if ("1".equals(System.getenv("GROUPCACHE4J_REQUIRE_GO"))) {
        throw new AssertionError("GROUPCACHE4J_REQUIRE_GO=1 but no 'go' on PATH; install golang-go "
            + "golang-github-golang-groupcache-dev golang-github-golang-protobuf-1-3-dev");
      }
      Assumptions.abort("go is not installed: skipping the golang/groupcache interop test");
    }
    Path src = dir.resolve("node.go");
    try (InputStream in = GoNodes.class.getResourceAsStream("/go/node.go")) {
      Files.copy(in, src);
    }
    Path bin = dir.resolve("node");
    ProcessBuilder build = new ProcessBuilder(go, "build", "-o", bin.toString(), src.toString())
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("build.log").toFile());
    build.environment().put("GO111MODULE", "off");
    build.environment().put("GOPROXY", "off");
    build.environment().put("GOFLAGS", "");
    build.environment().put("GOPATH", "/usr/share/gocode");
    build.environment().put("GOCACHE", dir.resolve("gocache").toString());
    Process p = build.start();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("go build of node.go did not finish within 300 s");
    }
    assertThat(p.exitValue())
        .as("go build of node.go failed (needs golang-github-golang-groupcache-dev and "
            + "golang-github-golang-protobuf-1-3-dev): %s", Files.readString(dir.resolve("build.log")))
        .isZero();
    return new GoNodes(dir, bin);
  }

  /** Starts a node with {@code args} (its output in {@code node<N>.log} of the directory). */
  Process start(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(bin.toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("node" + nodes.size() + ".log").toFile()).start();
    nodes.add(p);
    return p;
  }

  /** The output of node {@code i} so far. */
  String log(int i) throws Exception {
    return Files.readString(dir.resolve("node" + i + ".log"));
  }

  /** Stops every node started (SIGTERM, then SIGKILL after 5 s). */
  @Override
  public void close() {
    for (Process p : nodes) {
      p.destroy();
    }
    for (Process p : nodes) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    nodes.clear();
  }

  private static String findGo() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(d, "go");
      if (f.isFile() && f.canExecute()) {
        return f.getAbsolutePath();
      }
    }
    File deb = new File("/usr/lib/go/bin/go");
    return deb.canExecute() ? deb.getAbsolutePath() : null;
  }
}
