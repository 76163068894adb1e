package org.groupcache4j.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real nodes of another groupcache lineage for interop tests: the interop anchor of
 * mailgun/groupcache v2 or groupcache-go v3 (its {@code node.go}, built offline in GOPATH mode from
 * the anchor's own {@code vendor-src}, so nothing is downloaded), started as processes and stopped
 * after the test.
 *
 * <p>The anchors live beside the repository ({@code shared/anchors/NAME} in the repository's parent
 * directory or one above it), or where {@code GROUPCACHE4J_ANCHORS} says. Without {@code go} or the
 * anchor the test is skipped, unless {@code GROUPCACHE4J_REQUIRE_GO=1}, which makes it fail instead.
 * The Go build cache is kept in the module's {@code target/go-build}, shared by the anchors (the
 * standard library is compiled once).
 */
final class LineageNodes implements AutoCloseable {
  private final Path dir;
  private final Path bin;
  private final List<Process> nodes = new ArrayList<>();

  private LineageNodes(Path dir, Path bin) {
    this.dir = dir;
    this.bin = bin;
  }

  /** Builds anchor {@code name}'s node.go into {@code dir} (skips the calling test when it cannot and that is allowed). */
  static LineageNodes build(String name, Path dir) throws Exception {
    String go = findGo();
    Path anchor = findAnchor(name);
    if (go == null || anchor == null) {
      String why = go == null ? "no 'go' on PATH (install golang-go)"
          : "the " + name + " anchor is not found: looked for shared/anchors/" + name + "/node.go above "
              + Path.of("").toAbsolutePath() + "; set GROUPCACHE4J_ANCHORS to the anchors' directory";
      // GROUPCACHE4J_REQUIRE_GO asks for Go (CI installs it); the anchors' sources live beside the
      // repository, not in it, so a clone without them skips these tests, saying why
      if (go == null && "1".equals(System.getenv("GROUPCACHE4J_REQUIRE_GO"))) {
        throw new AssertionError("GROUPCACHE4J_REQUIRE_GO=1 but " + why);
      }
      Assumptions.abort(why + ": skipping the " + name + " interop test");
    }
    Path src = dir.resolve("node.go");
    Files.copy(anchor.resolve("node.go"), src);
    Path out = dir.resolve("node");
    Path cache = Path.of("target", "go-build").toAbsolutePath();
    Files.createDirectories(cache);
    ProcessBuilder build = new ProcessBuilder(go, "build", "-o", out.toString(), src.toString())
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("build.log").toFile());
    build.environment().put("GO111MODULE", "off");
    build.environment().put("GOPROXY", "off");
    build.environment().put("GOFLAGS", "");
    build.environment().put("GOPATH", anchor.resolve("vendor-src").toString());
    build.environment().put("GOCACHE", cache.toString());
    Process p = build.start();
    if (!p.waitFor(600, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("go build of the " + name + " anchor's node.go did not finish within 600 s");
    }
    assertThat(p.exitValue()).as("go build of %s/node.go failed: %s", anchor, Files.readString(dir.resolve("build.log")))
        .isZero();
    return new LineageNodes(dir, out);
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

  /** The anchor's folder: under {@code $GROUPCACHE4J_ANCHORS}, else {@code shared/anchors} in a directory above this one. */
  private static Path findAnchor(String name) {
    String env = System.getenv("GROUPCACHE4J_ANCHORS");
    if (env != null && !env.isBlank()) {
      Path a = Path.of(env, name);
      return Files.isRegularFile(a.resolve("node.go")) ? a : null;
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path a = d.resolve("shared").resolve("anchors").resolve(name);
      if (Files.isRegularFile(a.resolve("node.go")) && Files.isDirectory(a.resolve("vendor-src"))) {
        return a;
      }
    }
    return null;
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
