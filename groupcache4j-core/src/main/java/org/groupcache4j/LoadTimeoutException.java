package org.groupcache4j;

import java.time.Duration;

/** A load ran past its group's load timeout; the loader was interrupted and nothing was cached. */
public class LoadTimeoutException extends LoadException {
  private static final long serialVersionUID = 1L;

  public LoadTimeoutException(String group, String key, String owner, String message) {
    super(group, key, owner, message, null);
  }

  /** The local loader of {@code group} ran past {@code timeout} for {@code key}. */
  public static LoadTimeoutException after(String group, String key, Duration timeout) {
    return new LoadTimeoutException(group, key, null,
        "loader of " + where(group, key, null) + " did not finish within " + timeout.toMillis()
            + " ms (the group's load timeout); raise it or make the source faster");
  }

  /** The owning peer {@code owner} reported that its loader timed out. */
  public static LoadTimeoutException fromOwner(String group, String key, String owner, String detail) {
    return new LoadTimeoutException(group, key, owner, reportedByOwner("load timed out", group, key, owner, detail));
  }
}
