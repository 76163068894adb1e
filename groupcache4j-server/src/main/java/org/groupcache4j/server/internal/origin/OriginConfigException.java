package org.groupcache4j.server.internal.origin;

/** An origin cannot be set up from its spec (bad syntax, a missing directory, an unreachable database). */
public final class OriginConfigException extends Exception {
  private static final long serialVersionUID = 1L;
  private final boolean usage;
  private String group;

  /**
   * @param usage whether the spec itself is wrong (a usage error, exit code 2) rather than the
   *     thing it names being unavailable right now
   */
  public OriginConfigException(String message, boolean usage, Throwable cause) {
    super(message, cause);
    this.usage = usage;
  }

  public boolean isUsageError() {
    return usage;
  }

  /** Names the group whose origin this is. */
  public OriginConfigException inGroup(String name) {
    this.group = name;
    return this;
  }

  /** The group whose origin this is, or null if not known. */
  public String group() {
    return group;
  }
}
