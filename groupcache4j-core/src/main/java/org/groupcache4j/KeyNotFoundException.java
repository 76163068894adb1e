package org.groupcache4j;

/**
 * The source has no value for the key. A {@link Loader} throws it (with the short constructor) to
 * say so; callers of {@link Group#get} receive it with the group, key and, if the owning peer
 * answered, the owner filled in. Not-found answers are not cached.
 */
public class KeyNotFoundException extends GroupCacheException {
  private static final long serialVersionUID = 1L;
  private final String detail;

  /** For loaders: the key does not exist; {@code detail} says where it was looked for. */
  public KeyNotFoundException(String detail) {
    super(null, null, null, detail, null);
    this.detail = detail;
  }

  public KeyNotFoundException(String group, String key, String owner, String detail) {
    super(group, key, owner, "not found: " + where(group, key, owner) + (detail == null || detail.isEmpty() ? "" : ": " + detail), null);
    this.detail = detail;
  }

  /** What the loader said about the missing key, without group and key. */
  public String detail() {
    return detail;
  }
}
