package org.groupcache4j.codecs;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/** Reads a value's bytes without copying them. */
final class ByteViewInput extends InputStream {
  private final ByteBuffer buf;

  ByteViewInput(ByteBuffer buf) {
    this.buf = buf;
  }

  @Override
  public int read() {
    return buf.hasRemaining() ? buf.get() & 0xff : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (!buf.hasRemaining()) {
      return -1;
    }
    int n = Math.min(len, buf.remaining());
    buf.get(b, off, n);
    return n;
  }

  @Override
  public int available() {
    return buf.remaining();
  }
}
