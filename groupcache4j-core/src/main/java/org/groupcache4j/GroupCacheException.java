package org.groupcache4j;

import org.groupcache4j.internal.Text;

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
    String w = "group '" + group + "', key '" + Text.quotable(key) + "'";
    return owner == null ? w : w + " (reported by owner " + owner + ")";
  }

  /**
   * The message of an error the owner {@code owner} reported with the text {@code detail}, in the
   * form of the same error on this node with the owner named: an owner's
   * {@code "origin failed for group 'g', key 'k': why"} becomes
   * {@code "origin failed for group 'g', key 'k' (reported by owner X): why"}. A text not in that
   * form (e.g. a Go peer's) follows {@code what} and the place.
   */
  static String reportedByOwner(String what, String group, String key, String owner, String detail) {
    String local = " for " + where(group, key, null) + ": ";
    int at = detail.indexOf(local);
    if (at > 0 && at <= 40) {
      return detail.substring(0, at) + " for " + where(group, key, owner) + ": " + detail.substring(at + local.length());
    }
    return what + " for " + where(group, key, owner) + ": " + detail;
  }
}
