package org.groupcache4j;

/**
 * A load failed: the loader threw, returned {@code null}, or (as {@link LoadTimeoutException})
 * ran past the group's load timeout. When {@link #isRemote()}, the owning peer's loader failed
 * and the peer passed its error back; this node did not load the key again.
 */
public class LoadException extends GroupCacheException {
  private static final long serialVersionUID = 1L;

  public LoadException(String group, String key, String owner, String message, Throwable cause) {
    super(group, key, owner, message, cause);
  }

  /** The loader of {@code group} threw {@code cause} for {@code key}. */
  public static LoadException loaderFailed(String group, String key, Throwable cause) {
    return new LoadException(group, key, null,
        "loader failed for " + where(group, key, null) + ": " + cause, cause);
  }

  /** The loader returned {@code null}, which is not a value. */
  public static LoadException nullValue(String group, String key) {
    return new LoadException(group, key, null,
        "loader returned null for " + where(group, key, null)
            + "; return an empty array for an empty value or throw KeyNotFoundException", null);
  }

  /** The owning peer {@code owner} reported that its loader failed with {@code detail}. */
  public static LoadException fromOwner(String group, String key, String owner, String detail) {
    return new LoadException(group, key, owner, reportedByOwner("loader failed", group, key, owner, detail), null);
  }
}
