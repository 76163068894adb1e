package org.groupcache4j;

/** A request named a group that this {@link GroupCache} does not have. */
public class UnknownGroupException extends GroupCacheException {
  private static final long serialVersionUID = 1L;

  public UnknownGroupException(String group) {
    super(group, null, null, "no such group: " + group, null);
  }
}
