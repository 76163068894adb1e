package org.groupcache4j;

/**
 * A {@link ValueCodec} could not encode a value, or the bytes it was given are not a value it
 * accepts: written by another codec or another version of the class, cut short, or refused
 * because they name a class outside the codec's allow-list or exceed its bounds.
 *
 * <p>A codec throws it with the short constructor; {@link TypedGroup} passes it on with the group
 * and the key filled in ({@link #group()}, {@link #key()}).
 */
public class ValueCodecException extends GroupCacheException {
  private static final long serialVersionUID = 1L;

  /** For codecs: what is wrong with the value or the bytes. */
  public ValueCodecException(String message, Throwable cause) {
    super(null, null, null, message, cause);
  }

  /** The failure {@code cause} of a codec, for {@code key} of {@code group}. */
  public ValueCodecException(String group, String key, String message, Throwable cause) {
    super(group, key, null, message, cause);
  }

  /** This failure, located at {@code key} of {@code group}; {@code what} is "encode" or "decode". */
  ValueCodecException at(String group, String key, String what) {
    if (group() != null) {
      return this;
    }
    return new ValueCodecException(group, key, "cannot " + what + " the value of " + where(group, key, null) + ": "
        + getMessage(), this);
  }
}
