package org.groupcache4j.internal;

import java.util.function.Function;
import org.groupcache4j.ByteView;

/**
 * Zero-copy access to {@link ByteView} for the library's own modules (transport, stores).
 *
 * <p>{@code ByteView} copies on every public factory and accessor. The transport already owns
 * freshly decoded arrays, and copying them again would only cost time, so this bridge lets
 * library code wrap an array it will never touch again. {@code ByteView} installs the two
 * functions from its static initialiser; user code must not use this class.
 */
public final class ByteViews {
  private static volatile Function<byte[], ByteView> wrapper;
  private static volatile Function<ByteView, byte[]> unwrapper;

  private ByteViews() {}

  /** Called once by {@code ByteView}'s static initialiser. */
  public static void install(Function<byte[], ByteView> wrap, Function<ByteView, byte[]> unwrap) {
    wrapper = wrap;
    unwrapper = unwrap;
  }

  /** Wraps {@code owned} without copying; the caller must never change it afterwards. */
  public static ByteView wrap(byte[] owned) {
    if (wrapper == null) {
      ByteView.empty(); // runs ByteView's static initialiser
    }
    return owned.length == 0 ? ByteView.empty() : wrapper.apply(owned);
  }

  /** The array behind {@code view}; the caller must only read it. */
  public static byte[] array(ByteView view) {
    return unwrapper.apply(view);
  }
}
