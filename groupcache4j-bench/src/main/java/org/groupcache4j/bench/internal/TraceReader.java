package org.groupcache4j.bench.internal;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.tukaani.xz.XZFormatException;
import org.tukaani.xz.XZInputStream;

/**
 * Reads an access trace in the cache2k format of {@code shared/traces}: an xz-compressed stream
 * of big-endian signed 32-bit integers, one key per access.
 */
public final class TraceReader {
  private TraceReader() {}

  /** Every access of the xz-compressed trace {@code file}, in order. */
  public static int[] read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return readXz(in, file.toString());
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null,
          "trace file not found; pass an existing .trace.xz file (see shared/traces/README.md)");
    }
  }

  /** Every access of an xz-compressed trace read from {@code in}; {@code name} is for messages. */
  public static int[] readXz(InputStream in, String name) throws IOException {
    try {
      return readRaw(new XZInputStream(new BufferedInputStream(in, 1 << 16)), name);
    } catch (EOFException e) {
      throw new IOException("trace " + name + " ends in the middle of its xz stream: the file is truncated"
          + " or not an xz stream of big-endian int32 keys", e);
    } catch (XZFormatException e) {
      throw new IOException("trace " + name + " is not an xz stream (" + e.getMessage()
          + "); traces are xz-compressed big-endian int32 keys", e);
    }
  }

  /** Every access of an uncompressed stream of big-endian int32 keys. */
  public static int[] readRaw(InputStream in, String name) throws IOException {
    int[] keys = new int[1 << 16];
    int n = 0;
    byte[] chunk = new byte[1 << 16];
    int carry = 0; // bytes of an incomplete int left at the start of chunk
    while (true) {
      int read = in.readNBytes(chunk, carry, chunk.length - carry);
      int avail = carry + read;
      int whole = avail / 4;
      if (n + whole > keys.length) {
        keys = Arrays.copyOf(keys, Math.max(keys.length * 2, n + whole));
      }
      ByteBuffer buf = ByteBuffer.wrap(chunk, 0, whole * 4); // big-endian by default
      for (int i = 0; i < whole; i++) {
        keys[n++] = buf.getInt();
      }
      carry = avail - whole * 4;
      System.arraycopy(chunk, whole * 4, chunk, 0, carry);
      if (read == 0 || avail < chunk.length) {
        // readNBytes returned short: end of stream
        if (carry != 0) {
          throw new IOException("trace " + name + " ends with " + carry + " stray byte(s) after "
              + n + " keys: it is truncated or not a stream of big-endian int32 keys");
        }
        return Arrays.copyOf(keys, n);
      }
    }
  }

  /** The number of distinct keys in {@code trace}. */
  public static int distinctKeys(int[] trace) {
    return DenseKeys.of(trace).distinct();
  }
}
