package org.groupcache4j.internal;

import java.util.Objects;
import org.groupcache4j.ByteView;

/**
 * Zero-copy access to {@link ByteView} for the library's own modules (transport, stores).
 *
 * <p>{@code ByteView} copies on every public factory and accessor. The transport already owns
 * freshly decoded arrays, and the stores keep values in large arrays that they fill once and
 * never change, so copying them again would only cost time: this bridge lets library code wrap
 * (a range of) an array it will never change, and read the array behind a view. A view's bytes
 * are {@code arrayOf(v)[offsetIn(v) .. offsetIn(v) + v.length())}, which need not be the whole array.
 * {@code ByteView} installs the bridge from its static initialiser; user code must not use this
 * class.
 */
public final class ByteViews {
  /** What {@code ByteView} lends this bridge. */
  public interface Access {
    ByteView wrap(byte[] owned, int offset, int length);

    byte[] array(ByteView view);

    int offset(ByteView view);
  }

  private static volatile Access access;

  private ByteViews() {}

  /** Called once by {@code ByteView}'s static initialiser. */
  public static void install(Access a) {
    access = a;
  }

  private static Access access() {
    Access a = access;
    if (a == null) {
      ByteView.empty(); // runs ByteView's static initialiser
      a = access;
    }
    return a;
  }

  /** Wraps {@code owned} without copying; the caller must never change it afterwards. */
  public static ByteView wrap(byte[] owned) {
    return owned.length == 0 ? ByteView.empty() : access().wrap(owned, 0, owned.length);
  }

  /**
   * Wraps {@code length} bytes of {@code owned} from {@code offset} without copying; the caller
   * must never change that range afterwards.
   */
  public static ByteView wrap(byte[] owned, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, owned.length);
    return length == 0 ? ByteView.empty() : access().wrap(owned, offset, length);
  }

  /**
   * The array behind {@code view}, which may hold more than the view: its bytes are
   * {@code length()} bytes from {@link #offsetIn}. The caller must only read it.
   */
  public static byte[] arrayOf(ByteView view) {
    return access().array(view);
  }

  /** Where the bytes of {@code view} start in {@link #arrayOf}. */
  public static int offsetIn(ByteView view) {
    return access().offset(view);
  }
}
