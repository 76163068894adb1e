package org.groupcache4j.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

class TraceReaderTest {
  @TempDir Path dir;

  static byte[] xz(byte[] raw) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new XZOutputStream(bytes, new LZMA2Options())) {
      out.write(raw);
    }
    return bytes.toByteArray();
  }

  static byte[] bigEndian(int... keys) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    for (int k : keys) {
      out.writeInt(k);
    }
    return bytes.toByteArray();
  }

  @Test
  void readsBigEndianSignedIntsInOrder() throws IOException {
    Path file = dir.resolve("small.trace.xz");
    Files.write(file, xz(new byte[] {0, 0, 0, 1, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xfe, 0x12, 0x34, 0x56, 0x78}));

    assertThat(TraceReader.read(file)).containsExactly(1, -2, 0x12345678);
  }

  @Test
  void readsTracesLongerThanOneBuffer() throws IOException {
    int[] keys = new Random(7).ints(100_003, Integer.MIN_VALUE, Integer.MAX_VALUE).toArray();
    Path file = dir.resolve("long.trace.xz");
    Files.write(file, xz(bigEndian(keys)));

    assertThat(TraceReader.read(file)).containsExactly(keys);
  }

  @Test
  void emptyStreamIsAnEmptyTrace() throws IOException {
    assertThat(TraceReader.readXz(new ByteArrayInputStream(xz(new byte[0])), "empty")).isEmpty();
  }

  @Test
  void strayBytesAtTheEndAreAnError() {
    byte[] raw = {0, 0, 0, 5, 0, 0, 0, 6, 1, 2};

    assertThatThrownBy(() -> TraceReader.readXz(new ByteArrayInputStream(xz(raw)), "cut.trace.xz"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cut.trace.xz")
        .hasMessageContaining("2 stray byte(s) after 2 keys");
  }

  @Test
  void nonXzInputIsAnError() throws IOException {
    Path file = dir.resolve("plain.txt");
    Files.writeString(file, "this is not a trace at all");
    Path tiny = dir.resolve("tiny.txt");
    Files.writeString(tiny, "short");

    assertThatThrownBy(() -> TraceReader.read(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("plain.txt")
        .hasMessageContaining("not an xz stream");
    assertThatThrownBy(() -> TraceReader.read(tiny))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("tiny.txt")
        .hasMessageContaining("not an xz stream");
  }

  @Test
  void truncatedXzIsAnError() throws IOException {
    byte[] whole = xz(bigEndian(new Random(3).ints(10_000).toArray()));
    Path file = dir.resolve("cut.trace.xz");
    Files.write(file, java.util.Arrays.copyOf(whole, whole.length / 2));

    assertThatThrownBy(() -> TraceReader.read(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cut.trace.xz")
        .hasMessageContaining("truncated");
  }

  @Test
  void missingFileNamesTheFile() {
    assertThatThrownBy(() -> TraceReader.read(dir.resolve("nope.trace.xz")))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("nope.trace.xz");
  }

  @Test
  void countsDistinctKeys() {
    assertThat(TraceReader.distinctKeys(new int[] {5, -1, 5, 7, -1, 5})).isEqualTo(3);
    assertThat(TraceReader.distinctKeys(new int[0])).isZero();
  }

  /** The shared web12 trace, when it is there: its README gives its size. */
  @Test
  void readsTheSharedWeb12Trace() throws IOException {
    Path web12 = Path.of("../../shared/traces/web12.trace.xz");
    assumeTrue(Files.exists(web12), "shared traces not found beside the repository");

    int[] trace = TraceReader.read(web12);

    assertThat(trace).hasSize(95_607);
    assertThat(TraceReader.distinctKeys(trace)).isEqualTo(13_756);
  }
}
