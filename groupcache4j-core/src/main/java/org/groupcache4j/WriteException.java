package org.groupcache4j;

/**
 * A {@link Group#remove}, {@link Group#removeAll} or {@link Group#set} whose owning peer could
 * not apply it (unreachable, timed out, or a peer that does not take writes). A set stored
 * nothing; a remove still dropped the key on this node and on the peers that {@link #result()}
 * names as told, but the owner may serve the old value. Retry once the owner is back.
 */
public class WriteException extends GroupCacheException {
  private static final long serialVersionUID = 1L;
  private final transient WriteResult result;

  public WriteException(String group, String key, String owner, String message, WriteResult result) {
    super(group, key, owner, message, null);
    this.result = result;
  }

  /** The peers told and not told. */
  public WriteResult result() {
    return result;
  }
}
