package org.groupcache4j;

/**
 * Base of the exceptions a {@link Group} reports. Each names the group and the key, and, when the
 * answer came from the peer that owns the key, that peer's URL ({@link #owner()}).
 */
public class GroupCacheException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String group;
  private final String key;
  private final String owner;

  public GroupCacheException(String group, String key, String owner, String message, Throwable cause) {
    super(message, cause);
    this.group = group;
    this.key = key;
    this.owner = owner;
  }

  /** The group asked. */
  public String group() {
    return group;
  }

  /** The key asked, or {@code null} where no key was involved. */
  public String key() {
    return key;
  }

  /** URL of the peer that reported this error, or {@code null} if it happened on this node. */
  public String owner() {
    return owner;
  }

  /** Whether the owning peer reported this error (rather than this node). */
  public boolean isRemote() {
    return owner != null;
  }

  static String where(String group, String key, String owner) {
    String w = "group '" + group + "', key '" + printable(key) + "'";
    return owner == null ? w : w + " (reported by owner " + owner + ")";
  }

  /** The key as it may be shown in a message: quotes and control characters escaped, long keys cut. */
  static String printable(String key) {
    if (key == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder(Math.min(key.length(), 200) + 8);
    for (int i = 0; i < key.length() && sb.length() < 200; i++) {
      char c = key.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\'' || c == '\\') {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (sb.length() >= 200 && key.length() > 200) {
      sb.append("…(").append(key.length()).append(" chars)");
    }
    return sb.toString();
  }
}
