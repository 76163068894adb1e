package org.groupcache4j.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real nodes of another groupcache lineage for interop tests: the interop anchor of
 * mailgun/groupcache v2 or groupcache-go v3 (its {@code node.go}, built offline in GOPATH mode from
 * the anchor's own {@code vendor-src}, so nothing is downloaded), started and stopped as
 * {@link GoNodes} are.
 *
 * <p>The anchors live beside the repository ({@code shared/anchors/NAME} in the repository's parent
 * directory or one above it), or where {@code GROUPCACHE4J_ANCHORS} says. Without {@code go} or the
 * anchor the test is skipped; {@code GROUPCACHE4J_REQUIRE_GO=1} makes a missing {@code go} fail it.
 * The Go build cache is kept in the module's {@code target/go-build}, shared by the anchors (the
 * standard library is compiled once).
 */
final class LineageNodes {
  private LineageNodes() {
  }

  /** Builds anchor {@code name}'s node.go into {@code dir} (skips the calling test when it cannot and that is allowed). */
  static GoNodes build(String name, Path dir) throws Exception {
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
    return new GoNodes(dir, out);
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
