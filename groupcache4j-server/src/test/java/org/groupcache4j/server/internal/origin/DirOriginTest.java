package org.groupcache4j.server.internal.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.groupcache4j.KeyNotFoundException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directory origin on a real temporary directory, with traversal attempts and links out. */
class DirOriginTest {
  @TempDir
  Path tmp;
  Path root;
  DirOrigin origin;

  @BeforeEach
  void files() throws Exception {
    root = Files.createDirectories(tmp.resolve("root"));
    Files.writeString(root.resolve("a.txt"), "hello");
    Files.createDirectories(root.resolve("sub/deeper"));
    Files.writeString(root.resolve("sub/deeper/b.txt"), "world");
    Files.writeString(root.resolve("big"), "x".repeat(101));
    Files.writeString(tmp.resolve("secret.txt"), "secret");
    Files.createSymbolicLink(root.resolve("out"), tmp.resolve("secret.txt"));
    Files.createSymbolicLink(root.resolve("outdir"), tmp);
    Files.createSymbolicLink(root.resolve("in"), root.resolve("a.txt"));
    origin = DirOrigin.create(root.toString(), 100);
  }

  private String get(String key) throws Exception {
    return new String(origin.fetch(key), StandardCharsets.UTF_8);
  }

  @Test
  void filesUnderTheDirectory() throws Exception {
    assertThat(get("a.txt")).isEqualTo("hello");
    assertThat(get("sub/deeper/b.txt")).isEqualTo("world");
    assertThat(get("sub/./deeper//b.txt")).isEqualTo("world");
    assertThat(get("in")).isEqualTo("hello");
  }

  @Test
  void missingFilesAndDirectoriesAreNotFound() {
    assertThatThrownBy(() -> get("nope.txt")).isInstanceOf(KeyNotFoundException.class).hasMessageContaining("no file");
    assertThatThrownBy(() -> get("sub")).isInstanceOf(KeyNotFoundException.class).hasMessageContaining("not a regular file");
    assertThatThrownBy(() -> get("sub/nope/x")).isInstanceOf(KeyNotFoundException.class);
  }

  @Test
  void traversalIsRefused() {
    for (String key : new String[] {"../secret.txt", "sub/../../secret.txt", "..", "sub/..\\..\\secret.txt",
        "/etc/passwd", tmp.resolve("secret.txt").toString(), ""}) {
      assertThat(origin.refuse(key)).as(key).isNotNull();
      assertThatThrownBy(() -> get(key)).as(key).isInstanceOf(KeyNotFoundException.class)
          .hasMessageContaining("refused");
    }
    assertThat(origin.refuse("../x")).contains("'..'");
    assertThat(origin.refuse("/etc/passwd")).contains("absolute");
    assertThat(origin.refuse("a.txt")).isNull();
    assertThat(origin.refuse("..hidden")).isNull();
    assertThat(origin.refuse("a/../b")).contains("'..'");
    assertThat(origin.refuse("a\\..")).contains("'..'");
    assertThat(origin.refuse("...")).isNull();
    assertThat(origin.refuse("a/..b/c..")).isNull();
  }

  @Test
  void messagesNameTheKeyNotTheServersPaths() {
    // They reach API clients: the directory's place on the server is not theirs to know.
    for (String key : new String[] {"nope.txt", "sub", "out", "big"}) {
      assertThatThrownBy(() -> get(key)).as(key).hasMessageContaining("'" + key + "'")
          .hasMessageNotContaining(tmp.toString());
    }
  }

  @Test
  void symlinksThatLeaveTheDirectoryAreRefused() {
    assertThat(origin.refuse("out")).isNull(); // only known by resolving it
    assertThatThrownBy(() -> get("out")).isInstanceOf(KeyNotFoundException.class)
        .hasMessageContaining("refused").hasMessageContaining("leads outside");
    assertThatThrownBy(() -> get("outdir/secret.txt")).isInstanceOf(KeyNotFoundException.class)
        .hasMessageContaining("leads outside");
  }

  @Test
  void aLinkedDirectoryOnThePathThatLeadsOutsideIsRefused() throws Exception {
    Files.createDirectories(tmp.resolve("elsewhere/deep"));
    Files.writeString(tmp.resolve("elsewhere/deep/x.txt"), "outside");
    Files.createSymbolicLink(root.resolve("sub/away"), tmp.resolve("elsewhere")); // absolute target
    Files.createSymbolicLink(root.resolve("sub/up2"), Path.of("../..")); // relative target, above the root
    for (String key : new String[] {"sub/away/deep/x.txt", "sub/up2/secret.txt"}) {
      assertThatThrownBy(() -> get(key)).as(key).isInstanceOf(KeyNotFoundException.class)
          .hasMessageContaining("refused").hasMessageNotContaining(tmp.toString());
    }
  }

  @Test
  void linksThatStayUnderTheDirectoryAreFollowed() throws Exception {
    Files.createSymbolicLink(root.resolve("indir"), root.resolve("sub")); // absolute target
    Files.createSymbolicLink(root.resolve("sub/up"), Path.of("..")); // relative target, the root itself
    Files.createSymbolicLink(root.resolve("sub/deeper/again"), Path.of("../../in")); // a link to a link
    assertThat(get("indir/deeper/b.txt")).isEqualTo("world");
    assertThat(get("sub/up/a.txt")).isEqualTo("hello");
    assertThat(get("sub/up/indir/up/sub/deeper/b.txt")).isEqualTo("world");
    assertThat(get("sub/deeper/again")).isEqualTo("hello");
  }

  @Test
  void aLinkSwappedInAfterTheChecksIsNotFollowed() throws Exception {
    // open() is given the real path found by the checks; a link found on it now was swapped in
    // since (here: "outdir" stands for a directory replaced by a link to the parent of the root).
    assertThatThrownBy(() -> origin.open(Path.of("outdir/secret.txt"), "k")).isInstanceOf(KeyNotFoundException.class)
        .hasMessage("refused: 'k' became a link");
    assertThatThrownBy(() -> origin.open(Path.of("out"), "k")).isInstanceOf(KeyNotFoundException.class)
        .hasMessage("refused: 'k' became a link");
    // A directory on the way replaced by a file, or removed: not found.
    assertThatThrownBy(() -> origin.open(Path.of("a.txt/b.txt"), "k")).isInstanceOf(KeyNotFoundException.class)
        .hasMessageContaining("no file 'k'");
    assertThatThrownBy(() -> origin.open(Path.of("gone/b.txt"), "k")).isInstanceOf(KeyNotFoundException.class)
        .hasMessageContaining("no file 'k'");
    try (var in = origin.open(Path.of("sub/deeper/b.txt"), "k")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("world");
    }
  }

  @Test
  void filesOverTheLimitAreErrors() {
    assertThatThrownBy(() -> get("big")).isInstanceOf(IOException.class).hasMessageContaining("larger than the limit of 100");
  }

  @Test
  void theDirectoryMustExist() throws Exception {
    assertThatThrownBy(() -> DirOrigin.create(tmp.resolve("none").toString(), 1))
        .isInstanceOf(OriginConfigException.class).hasMessageContaining("is not a directory");
    assertThatThrownBy(() -> DirOrigin.create("", 1)).isInstanceOf(OriginConfigException.class);
    assertThat(DirOrigin.create(root.toString(), 1).describe()).isEqualTo("dir:" + root.toRealPath());
  }
}
