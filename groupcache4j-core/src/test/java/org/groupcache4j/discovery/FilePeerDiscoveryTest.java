package org.groupcache4j.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilePeerDiscoveryTest {
  @TempDir
  Path dir;

  @Test
  void onePeerALineInFileOrderCommentsAndBlankLinesSkipped() throws Exception {
    Path f = Files.writeString(dir.resolve("peers"), """
        # the cluster
        http://10.0.0.2:8001
          http://10.0.0.1:8001   # this one

        https://[fd00::1]:8443
        """);
    assertThat(PeerDiscovery.file(f).lookup())
        .containsExactly("http://10.0.0.2:8001", "http://10.0.0.1:8001", "https://[fd00::1]:8443");
  }

  @Test
  void aBadLineIsNamedByItsNumber() throws Exception {
    Path f = Files.writeString(dir.resolve("peers"), "http://10.0.0.1:8001\nhttp://10.0.0.2:8001/\n");
    assertThatThrownBy(() -> PeerDiscovery.file(f).lookup()).isInstanceOf(IOException.class)
        .hasMessageContaining("line 2").hasMessageContaining("http://10.0.0.2:8001/").hasMessageContaining("e.g.");
    Files.writeString(f, "http://10.0.0.1:8001\nhttp://10.0.0.1:8001\n");
    assertThatThrownBy(() -> PeerDiscovery.file(f).lookup()).hasMessageContaining("line 2").hasMessageContaining("twice");
  }

  @Test
  void aMissingFileSaysSo() {
    assertThatThrownBy(() -> PeerDiscovery.file(dir.resolve("none")).lookup()).isInstanceOf(IOException.class)
        .hasMessageContaining("none").hasMessageContaining("no such peers file");
  }

  @Test
  void seesWritesInPlaceAndReplacements() throws Exception {
    Path f = Files.writeString(dir.resolve("peers"), "http://10.0.0.1:8001\n");
    PeerDiscovery d = PeerDiscovery.file(f);
    assertThat(d.lookup()).containsExactly("http://10.0.0.1:8001");

    Files.writeString(f, "http://10.0.0.1:8001\nhttp://10.0.0.2:8001\n"); // in place: same inode
    assertThat(d.lookup()).containsExactly("http://10.0.0.1:8001", "http://10.0.0.2:8001");

    Path tmp = Files.writeString(dir.resolve("peers.new"), "http://10.0.0.3:8001\n");
    Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    assertThat(d.lookup()).containsExactly("http://10.0.0.3:8001");
  }

  @Test
  void followsASymlinkThatIsSwappedAsKubernetesUpdatesAConfigMap() throws Exception {
    Path v1 = Files.writeString(Files.createDirectory(dir.resolve("v1")).resolve("peers"), "http://10.0.0.1:8001\n");
    Path v2 = Files.writeString(Files.createDirectory(dir.resolve("v2")).resolve("peers"), "http://10.0.0.2:8001\n");
    Path link = Files.createSymbolicLink(dir.resolve("peers"), v1);
    PeerDiscovery d = PeerDiscovery.file(link);
    assertThat(d.lookup()).containsExactly("http://10.0.0.1:8001");
    Path newLink = Files.createSymbolicLink(dir.resolve("peers.tmp"), v2);
    Files.move(newLink, link, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    assertThat(d.lookup()).containsExactly("http://10.0.0.2:8001");
  }

  @Test
  void aFileCaughtHalfWrittenIsTakenOnlyOnceItIsWhole() throws Exception {
    Path f = Files.writeString(dir.resolve("peers"), "http://10.0.0.1:8001\n");
    AtomicInteger pauses = new AtomicInteger();
    AtomicReference<String> writerFinishes = new AtomicReference<>(); // with this, in the next pause
    PeerDiscovery d = new FilePeerDiscovery(f, () -> {
      pauses.incrementAndGet();
      String rest = writerFinishes.getAndSet(null);
      if (rest != null) {
        writeUnchecked(f, rest);
      }
    });
    assertThat(d.lookup()).containsExactly("http://10.0.0.1:8001");
    pauses.set(0);
    Files.writeString(f, "http://10.0.0.1:8001\nhttp://10.0.0.2:80"); // a writer caught mid-line
    writerFinishes.set("http://10.0.0.1:8001\nhttp://10.0.0.2:8001\n");
    assertThat(d.lookup()).containsExactly("http://10.0.0.1:8001", "http://10.0.0.2:8001");
    assertThat(pauses).as("the half read, then the whole one, each checked once").hasValue(2);
  }

  @Test
  void aFileThatKeepsChangingIsRefusedWithAdvice() throws Exception {
    Path f = Files.writeString(dir.resolve("peers"), "http://10.0.0.1:8001\n");
    AtomicInteger writes = new AtomicInteger();
    PeerDiscovery d = new FilePeerDiscovery(f, () -> writeUnchecked(f, "http://10.0.0.1:" + (9000 + writes.incrementAndGet()) + "\n"));
    assertThatThrownBy(d::lookup).isInstanceOf(IOException.class)
        .hasMessageContaining("still changing").hasMessageContaining("rename it over peers");
  }

  private static void writeUnchecked(Path f, String text) {
    try {
      Files.writeString(f, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
