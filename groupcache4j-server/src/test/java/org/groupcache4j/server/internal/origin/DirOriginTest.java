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
